/**
 * Checks that fail when the lesson is false (issue #24): on a real lab, each mutation breaks the network fact a
 * lesson teaches, in front of the step that teaches it, and the lesson must fail at that very step. A copy of the
 * scenario holds the fault as steps of its own (test/support/mutations.ts), run through the real CLI; its cleanup
 * undoes the fault, so the next mutation starts on a lab as fit as the last one left it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioResult } from '../../src/scenario/results.js';
import { e2eLab, leftovers } from '../support/e2e.js';
import { injectedName, MUTATIONS, outcome, writeMutated } from '../support/mutations.js';

const DIR = '/var/tmp/docker-lab-mu';
const e2e = e2eLab('dlab-mu', DIR, '192.168.241');
const lab = e2e.run;

describe('mutated lessons on real Vagrant + LXC: each fails at the step that teaches what the mutation broke', () => {
  beforeAll(async () => {
    await lab('down'); // a lab left behind by an interrupted run
    const up = await lab('up', '--provider', 'lxc');
    expect(up.exitCode, up.all).toBe(0);
  });

  afterAll(async () => {
    const down = await lab('down');
    expect(down.exitCode, down.all).toBe(0);
    expect(await leftovers(e2e)).toEqual([]);
  });

  for (const [i, m] of MUTATIONS.entries()) {
    it(`${i} ${m.scenario} fails at "${m.failsAt}" when ${m.why}`, async () => {
      const folder = join(DIR, `mut-${i}`);
      const file = writeMutated(m, folder);
      const out = join(folder, 'report.json');
      const r = await lab('scenario', file, '--reporter', 'json', '--output', out, '--run-dir', join(DIR, 'runs'));
      expect(existsSync(out), r.all).toBe(true); // no report: the mutated file was refused (exit 2)
      const report = JSON.parse(readFileSync(out, 'utf8')) as { scenarios: ScenarioResult[] };
      const result = report.scenarios[0]!;
      const seen = outcome(m, result.steps, result.cleanup);
      console.log(`mutation ${i} ${m.scenario}: ${m.why} -> caught at "${seen.firstFailed?.name ?? '(nothing failed)'}"`);

      // The lab was fit: every step up to the fault passed, and the fault was really applied.
      expect(seen.before, r.all).toEqual([]);
      expect(seen.injected, r.all).toEqual(m.inject.map((_, k) => `${injectedName(m, k)}: passed`));
      // The lesson failed, at the step that teaches the fact.
      expect(r.exitCode, r.all).toBe(1);
      expect(result.status).toBe('failed');
      expect(seen.firstFailed?.name, r.all).toBe(m.failsAt);
      // Its cleanup, the fault's undoing first, left the lab fit for the next one.
      expect(seen.cleanup, r.all).toEqual([]);
    });
  }
});
