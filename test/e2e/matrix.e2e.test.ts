/**
 * The regression matrix for real: one lab per Docker version (Debian bookworm 20.10.24 and trixie 26.1.5), up
 * side by side on real Vagrant + LXC, `overlay` and `overlay-swarm` run on each, both labs down again.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { Cell } from '../../src/matrix/cells.js';

const ROOT = join(import.meta.dirname, '../..');
const lab = (...args: string[]) => execa('node', [join(ROOT, 'bin/lab.js'), ...args], { reject: false, cwd: ROOT, env: { CI: 'true' }, all: true });
const running = async () => String((await execa('lxc-ls', ['--running', '-1'])).stdout).split('\n').filter(Boolean);

function cells(out: string): Cell[] {
  return (JSON.parse(readFileSync(join(out, 'matrix.json'), 'utf8')) as { cells: Cell[] }).cells;
}
const at = (cs: Cell[], scenario: string, suite: string) => cs.find((c) => c.scenario === scenario && c.column.startsWith(`${suite} `));

describe('lab matrix on real labs', () => {
  it('runs overlay and overlay-swarm on Docker 20.10.24 and 26.1.5 side by side, in one table', async () => {
    const before = (await running()).filter((n) => !n.startsWith('dlab-m-'));
    const out = mkdtempSync(join(tmpdir(), 'matrix-'));
    const r = await lab('matrix', '--docker', '20.10.24,26.1.5', '--scenario', 'overlay,overlay-swarm', '--jobs', '2', '--out', out);
    expect(r.exitCode, r.all).toBe(0);
    const cs = cells(out);
    expect(at(cs, 'overlay', 'bookworm')?.status).toBe('passed');
    expect(at(cs, 'overlay-swarm', 'bookworm')?.status).toBe('passed');
    expect(at(cs, 'overlay', 'trixie')).toMatchObject({ status: 'skipped', detail: expect.stringMatching(/<23/) });
    expect(at(cs, 'overlay-swarm', 'trixie')?.status).toBe('passed');
    // The version comes from the daemon, not from the table of suites.
    expect(at(cs, 'overlay', 'trixie')!.column).toMatch(/^trixie 26\.1\.5/);
    const table = readFileSync(join(out, 'matrix.md'), 'utf8');
    expect(table).toMatch(/\| overlay \| ✅ passed \([\d.]+ s\) \| ⏭ skipped: .*<23/);
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toContain('overlay-swarm [trixie 26.1.5');
    // Both labs are gone; any other lab on this machine was left alone.
    const after = await running();
    expect(after.filter((n) => n.startsWith('dlab-m-'))).toEqual([]);
    expect(after.filter((n) => !n.startsWith('dlab-m-'))).toEqual(before);
  });

  it('with --ignore-requires, shows the daemon refusing --cluster-store on 26.1 as a failure', async () => {
    const out = mkdtempSync(join(tmpdir(), 'matrix-'));
    const r = await lab('matrix', '--docker', 'trixie', '--scenario', 'overlay', '--ignore-requires', '--out', out);
    expect(r.exitCode, r.all).toBe(1);
    const cell = at(cells(out), 'overlay', 'trixie')!;
    expect(cell.status).toBe('failed');
    expect(cell.detail).toMatch(/dockerd with the cluster store.*cluster-store/);
  });
});
