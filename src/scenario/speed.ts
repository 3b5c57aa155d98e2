/**
 * How slow the lab's nodes are, measured rather than guessed: a node under QEMU's emulation answers an SSH
 * exec in about a second where an LXC node answers in tens of milliseconds, and its `docker exec` takes 1.7 s.
 * The runner stretches every step's timeout and retry deadline by the factor measured here, in this one
 * place, so that scenario files say what a normal node needs and stay the same on every provider.
 */
import type { SshPool } from '../ssh/pool.js';
import type { CommandStep, LeafStep, PlanStep, ScenarioPlan, StudentGuide } from './plan.js';

/** A node that answers a bare exec within this is a normal node (factor 1). */
const NORMAL_ROUND_TRIP_MS = 150;
/** Beyond this a node is not slow but broken, and stretching timeouts further would only hide it. */
const MAX_FACTOR = 8;
const SAMPLES = 3;

export interface NodeSpeed {
  /** The quickest of a few bare execs on the slowest node. */
  roundTripMs: number;
  /** >= 1: what timeouts and retry deadlines are multiplied by. */
  factor: number;
}

/** Pure. One decimal: the factor is shown to the user. */
export function speedFactor(roundTripMs: number): number {
  const raw = roundTripMs / NORMAL_ROUND_TRIP_MS;
  return Math.min(MAX_FACTOR, Math.max(1, Math.round(raw * 10) / 10));
}

/** The quickest of a few `true`s per node (the quickest, so that one hiccup does not count), slowest node wins. */
export async function measureSpeed(pool: SshPool, signal?: AbortSignal): Promise<NodeSpeed> {
  const perNode = await Promise.all(
    pool.nodes.map(async (node) => {
      let best = Infinity;
      for (let i = 0; i < SAMPLES; i++) {
        const t0 = performance.now();
        await pool.session(node).exec('true', { timeoutMs: 30_000, ...(signal ? { signal } : {}) });
        best = Math.min(best, performance.now() - t0);
      }
      return best;
    }),
  );
  const roundTripMs = Math.round(Math.max(0, ...perNode));
  return { roundTripMs, factor: speedFactor(roundTripMs) };
}

function scaleCommand(step: CommandStep, factor: number): CommandStep {
  const scaled = scaleLeaf(step, factor);
  return { ...scaled, retry: step.retry ? { forMs: Math.round(step.retry.forMs * factor), everyMs: step.retry.everyMs } : null };
}

function scaleLeaf<S extends LeafStep>(step: S, factor: number): S {
  return scaleGuide({ ...step, timeoutMs: Math.round(step.timeoutMs * factor) }, factor);
}

/** The checks run after a step (exercise mode and `check:`) are steps too. */
function scaleGuide<S extends { guide?: StudentGuide }>(step: S, factor: number): S {
  if (step.guide?.verify.kind !== 'check') return step;
  return { ...step, guide: { ...step.guide, verify: { kind: 'check', checks: step.guide.verify.checks.map((c) => scaleCommand(c, factor)) } } };
}

function scaleStep(step: PlanStep, factor: number): PlanStep {
  switch (step.kind) {
    case 'command':
      return scaleCommand(step, factor);
    case 'background':
      return scaleLeaf(step, factor);
    case 'parallel':
      return scaleGuide({ ...step, steps: step.steps.map((s) => (s.kind === 'command' ? scaleCommand(s, factor) : scaleLeaf(s, factor))) }, factor);
    default:
      return step;
  }
}

/** The plan with every timeout and retry deadline stretched by `factor`. Pure; factor 1 gives the plan back. */
export function scalePlan(plan: ScenarioPlan, factor: number): ScenarioPlan {
  if (factor === 1) return plan;
  return { ...plan, steps: plan.steps.map((s) => scaleStep(s, factor)), cleanup: plan.cleanup.map((s) => scaleStep(s, factor)) };
}
