import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLab } from '../../src/lab/model.js';
import { SCENARIOS_DIR } from '../../src/paths.js';
import { loadScenario } from '../../src/scenario/catalog.js';
import { scalePlan, speedFactor, stretchSession } from '../../src/scenario/engine/speed.js';
import type { PlanStep } from '../../src/scenario/kinds/registry.js';

const lab = loadLab(join(import.meta.dirname, '../../lab.yaml'));

function leaves(steps: PlanStep[]): PlanStep[] {
  return steps.flatMap((s) => (s.kind === 'parallel' ? s.steps : [s]));
}

describe('node speed', () => {
  it('leaves normal nodes alone and stretches slow ones, up to a cap', () => {
    // Ten process starts measured on this 2-core host at load 10: 260-460 ms on the host itself (what an LXC node
    // costs), 2.1-2.7 s on a VM under QEMU's emulation.
    expect(speedFactor(20)).toBe(1);
    expect(speedFactor(460)).toBe(1);
    expect(speedFactor(2_600)).toBe(5.2);
    expect(speedFactor(60_000)).toBe(8);
  });

  it('stretches every timeout and retry deadline of a plan, retry pauses and the plan itself untouched', () => {
    const plan = loadScenario('overlay', { scenariosDir: SCENARIOS_DIR, lab });
    const before = JSON.stringify(plan);
    const scaled = scalePlan(plan, 2.5);
    expect(JSON.stringify(plan)).toBe(before);
    const pairs = leaves([...plan.steps, ...plan.teardown, ...plan.cleanup]).map(
      (s, i) => [s, leaves([...scaled.steps, ...scaled.teardown, ...scaled.cleanup])[i]!] as const,
    );
    const retried = pairs.filter(([a]) => a.kind === 'command' && a.retry);
    expect(retried.length).toBeGreaterThan(0);
    // overlay's graph step reads both nodes: a slow node gets longer to answer it too
    const graphs = pairs.filter(([a]) => a.kind === 'graph');
    expect(graphs.length).toBeGreaterThan(0);
    for (const [a, b] of graphs) if (a.kind === 'graph') expect(b).toMatchObject({ timeoutMs: Math.round(a.timeoutMs * 2.5) });
    for (const [a, b] of pairs) {
      if (a.kind !== 'command' && a.kind !== 'background') continue;
      expect(b).toMatchObject({ timeoutMs: Math.round(a.timeoutMs * 2.5) });
      if (a.kind === 'command' && a.retry && b.kind === 'command')
        expect(b.retry).toEqual({ forMs: Math.round(a.retry.forMs * 2.5), everyMs: a.retry.everyMs });
    }
    expect(scalePlan(plan, 1)).toBe(plan);
  });

  it("stretches the lesson's teardown too", () => {
    const plan = loadScenario('netns', { scenariosDir: SCENARIOS_DIR, lab });
    expect(plan.teardown.length).toBeGreaterThan(0);
    const scaled = scalePlan(plan, 3);
    scaled.teardown.forEach((s, i) => {
      const a = plan.teardown[i]!;
      if (a.kind === 'command') expect(s).toMatchObject({ timeoutMs: a.timeoutMs * 3 });
    });
  });

  it('gives a slow node as much longer to answer its handshake and keepalives', () => {
    expect(stretchSession({ readyTimeoutMs: 8_000, keepaliveIntervalMs: 2_000, keepaliveCountMax: 3 }, 5.2)).toEqual({
      readyTimeoutMs: 41_600,
      keepaliveIntervalMs: 2_000,
      keepaliveCountMax: 16,
    });
  });
});
