/**
 * Debian's Chromium, headless, as the tests open a page: a fresh profile each time, and none of its background
 * connections (this machine's closed network refuses them, many at a time).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Runs Chromium with `args` (`--dump-dom URL`, `--screenshot=FILE URL`); its result, never a rejection. */
export async function chromium(args: string[]) {
  const profile = mkdtempSync(join(tmpdir(), 'docker-lab-chromium-'));
  try {
    return await execa('chromium', [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, ...args], { reject: false, timeout: 120_000 });
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
