/**
 * Undoing what scenarios left on a lab: each one's cleanup as `lab exercise --reset` runs it, with every daemon
 * stopped by its program (a kept run's process groups died with the process that started them).
 */
import type { Lab } from '../lab/model.js';
import { resetPlan } from '../scenario/engine/reset.js';
import type { ScenarioPlan } from '../scenario/plan.js';
import type { SshTarget } from '../ssh/target.js';
import { forgetKept } from './kept.js';
import { runScenarios } from './scenarios.js';

/** Runs the plans' cleanups; what cleaned up is no longer recorded as kept. Exit code as `runScenarios`'. */
export async function resetScenarios(plans: readonly ScenarioPlan[], options: { lab: Lab; targets: SshTarget[]; signal?: AbortSignal }): Promise<number> {
  if (plans.length === 0) return 0;
  const { exitCode, results } = await runScenarios(plans.map(resetPlan), options);
  forgetKept(
    options.lab,
    results.filter((r) => r.status === 'passed').map((r) => r.name),
  );
  return exitCode;
}
