/**
 * What a lab holds besides its stock state: the scenarios a `--keep` run left in place. Recorded beside the lab
 * (`<lab folder>/.docker-lab/kept.json`), because nothing on the nodes says which run made a container or started
 * an etcd, and the next run of the same lesson would trip over them ("etcd is already running").
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { Lab } from '../lab/model.js';

const keptSchema = z.array(z.object({ name: z.string(), file: z.string(), since: z.string() }));

type Kept = z.infer<typeof keptSchema>[number];

function keptFile(lab: Lab): string {
  return join(lab.dir, '.docker-lab', 'kept.json');
}

/** The scenarios whose state is still on the lab, oldest first; none when the record is missing or unreadable. */
export function readKept(lab: Lab): Kept[] {
  try {
    return keptSchema.parse(JSON.parse(readFileSync(keptFile(lab), 'utf8')));
  } catch {
    return [];
  }
}

function writeKept(lab: Lab, kept: readonly Kept[]): void {
  const file = keptFile(lab);
  if (kept.length === 0) {
    rmSync(file, { force: true });
    return;
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(kept, null, 2)}\n`);
}

/** After a `--keep` run: these scenarios' state stays on the lab. */
export function recordKept(lab: Lab, plans: readonly { name: string; file: string }[]): void {
  const names = new Set(plans.map((p) => p.name));
  const since = new Date().toISOString();
  writeKept(lab, [...readKept(lab).filter((k) => !names.has(k.name)), ...plans.map((p) => ({ name: p.name, file: p.file, since }))]);
}

/** Once a scenario's cleanup has run over what it kept. */
export function forgetKept(lab: Lab, names: readonly string[]): void {
  writeKept(
    lab,
    readKept(lab).filter((k) => !names.includes(k.name)),
  );
}
