/**
 * The whole course on real Vagrant + LXC nodes: every scenario of scenarios/ (the engine's own sample aside)
 * passes twice in a row on one lab, through the real CLI, so each one also leaves the lab fit for the next
 * run of itself and of the others. Then the lab comes down and nothing of it is left on the host.
 * Lab `h10` (192.168.221.0/24), its own name and subnet.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS_DIR } from '../../src/paths.js';
import { listScenarios } from '../../src/scenario/catalog.js';
import { e2eLab, leftovers } from '../support/e2e.js';

const DIR = '/work/labs/h10';
const e2e = e2eLab('h10', DIR, '192.168.221');
const COURSE = listScenarios(SCENARIOS_DIR)
  .filter((s) => s.name !== 'sample')
  .map((s) => s.name);

interface Report {
  scenarios: { name: string; run?: number; status: string; reason?: string; durationMs: number }[];
}

describe('the whole course on one lab', () => {
  beforeAll(async () => {
    await e2e.run('down'); // a lab left behind by an interrupted run
  });
  afterAll(async () => {
    await e2e.run('down');
  });

  it('brings the lab up, with the base images baked into the box imported on both nodes', async () => {
    const up = await e2e.run('up', '--provider', 'lxc');
    expect(up.exitCode, up.all).toBe(0);
  });

  it('has every course scenario say which note and section it reproduces', () => {
    const missing = listScenarios(SCENARIOS_DIR).filter((s) => s.name !== 'sample' && s.course.length === 0);
    expect(missing.map((s) => s.name)).toEqual([]);
  });

  it('passes every scenario, twice in a row', async () => {
    const out = join(DIR, 'course-report.json');
    const r = await e2e.run('scenario', ...COURSE, '--repeat', '2', '--reporter', 'json', '--output', out, '--run-dir', join(DIR, 'runs'));
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
    const outcome = report.scenarios.map((s) => `${s.name} #${s.run ?? 1}: ${s.status}${s.reason ? ` (${s.reason})` : ''}`);
    expect(outcome, r.all).toEqual(COURSE.flatMap((name) => [1, 2].map((run) => `${name} #${run}: passed`)).sort(byRun(COURSE)));
    expect(r.exitCode, r.all).toBe(0);
  });

  it('comes down and leaves nothing of the lab on the host', async () => {
    const down = await e2e.run('down');
    expect(down.exitCode, down.all).toBe(0);
    expect(await leftovers(e2e)).toEqual([]);
  });
});

/** `--repeat` runs the whole list once, then again: run 1 of every scenario comes before run 2 of any. */
function byRun(names: string[]) {
  const key = (line: string) => {
    const m = /^(\S+) #(\d+):/.exec(line)!;
    return Number(m[2]) * 1000 + names.indexOf(m[1]!);
  };
  return (a: string, b: string) => key(a) - key(b);
}
