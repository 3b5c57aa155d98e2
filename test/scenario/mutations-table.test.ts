/**
 * The mutations of test/e2e/mutations.e2e.test.ts, without a lab: each mutated copy loads through the real loader
 * (its steps are of the scenario format, its placeholders resolve), and the step that must fail runs after the
 * fault. Scenarios change; this says at once which mutation a renamed step left pointing nowhere.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLab } from '../../src/lab/model.js';
import { SCENARIOS_DIR } from '../../src/paths.js';
import { loadScenario } from '../../src/scenario/catalog.js';
import { checksOf } from '../../src/scenario/plan.js';
import { injectedName, MUTATIONS, type Mutation, SLOW, writeMutated } from '../support/mutations.js';
import { removeTempDirs, tempDir } from '../support/scenarios.js';

const lab = loadLab(join(import.meta.dirname, '../../lab.yaml'));

/** Leaf step names in the order `lab scenario` runs them: a group's steps, each step followed by its checks. */
function runOrder(m: Mutation): string[] {
  const plan = loadScenario(writeMutated(m, tempDir('docker-lab-mutation-')), { scenariosDir: SCENARIOS_DIR, lab });
  return plan.steps.flatMap((step) => [...(step.kind === 'parallel' ? step.steps.map((s) => s.name) : [step.name]), ...checksOf(step).map((c) => c.name)]);
}

describe('the mutation tables', () => {
  afterAll(removeTempDirs);

  const all = [...MUTATIONS.map((m) => ['run', m] as const), ...SLOW.map((m) => ['slow', m] as const)];

  it.each(all.map(([list, m]) => [list, m.scenario, m.failsAt, m] as const))('%s: %s loads mutated, and "%s" runs after the fault', (_list, _s, _f, m) => {
    const order = runOrder(m);
    const injected = m.inject.map((_, k) => order.indexOf(injectedName(m, k)));
    expect(injected.every((at) => at >= 0)).toBe(true);
    expect(order.indexOf(m.failsAt)).toBeGreaterThan(Math.max(...injected));
  });

  it('the run covers at least ten lessons', () => {
    expect(new Set(MUTATIONS.map((m) => m.scenario)).size).toBeGreaterThanOrEqual(10);
  });
});
