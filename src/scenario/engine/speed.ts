/**
 * How slow the lab's nodes are, measured rather than guessed. What a slow node pays for is starting processes
 * (every command, `docker exec`, runc): under QEMU's emulation one takes about 250 ms where it takes a few ms
 * on an LXC node or a KVM guest, while a bare exec over the open SSH session stays quick. So the probe times
 * ten process starts on each node. The runner stretches every step's timeout and retry deadline by the factor
 * measured here, in this one place, so that scenario files say what a normal node needs and stay the same on
 * every provider.
 */
import type { SshPool } from '../../ssh/pool.js';
import type { SessionOptions } from '../../ssh/session.js';
import { kindOf, type PlanStep } from '../kinds/registry.js';
import type { ScenarioPlan } from '../plan.js';

const SPEED_PROBE = 'for i in 1 2 3 4 5 6 7 8 9 10; do /bin/true; done';
/** The probe on a normal node, generously: a loaded 2-core host takes up to about 450 ms for it. */
const NORMAL_PROBE_MS = 500;
/** Beyond this a node is not slow but broken, and stretching timeouts further would only hide it. */
const MAX_FACTOR = 8;
const SAMPLES = 2;

export interface NodeSpeed {
  /** The probe's quickest run on the slowest node. */
  probeMs: number;
  /** >= 1: what timeouts and retry deadlines are multiplied by. */
  factor: number;
}

/** Pure. One decimal: the factor is shown to the user. */
export function speedFactor(probeMs: number): number {
  const raw = probeMs / NORMAL_PROBE_MS;
  return Math.min(MAX_FACTOR, Math.max(1, Math.round(raw * 10) / 10));
}

/** The quickest of a few probes per node (so that one hiccup does not count); the slowest node sets the factor. */
export async function measureSpeed(pool: SshPool, signal?: AbortSignal): Promise<NodeSpeed> {
  const perNode = await Promise.all(
    pool.nodes.map(async (node) => {
      let best = Infinity;
      for (let i = 0; i < SAMPLES; i++) {
        const t0 = performance.now();
        await pool.session(node).exec(SPEED_PROBE, { timeoutMs: 30_000, ...(signal ? { signal } : {}) });
        best = Math.min(best, performance.now() - t0);
      }
      return best;
    }),
  );
  const probeMs = Math.round(Math.max(0, ...perNode));
  return { probeMs, factor: speedFactor(probeMs) };
}

/** The plan with every timeout and retry deadline stretched by `factor`. Pure; factor 1 gives the plan back. */
export function scalePlan(plan: ScenarioPlan, factor: number): ScenarioPlan {
  if (factor === 1) return plan;
  // Each kind knows which of its durations are per-attempt limits (stretched) and which are pauses (kept).
  const scale = (steps: readonly PlanStep[]) => steps.map((s) => kindOf(s).scale(s, factor));
  return { ...plan, steps: scale(plan.steps), teardown: scale(plan.teardown), cleanup: scale(plan.cleanup) };
}

/** The SSH limits that declare a node dead (handshake, unanswered keepalives), stretched by `factor`. Pure. */
export function stretchSession(
  options: Required<Pick<SessionOptions, 'readyTimeoutMs' | 'keepaliveIntervalMs' | 'keepaliveCountMax'>>,
  factor: number,
): SessionOptions {
  return { ...options, readyTimeoutMs: Math.round(options.readyTimeoutMs * factor), keepaliveCountMax: Math.ceil(options.keepaliveCountMax * factor) };
}
