/**
 * Undoing what scenarios left on a lab: each one's cleanup as `lab exercise --reset` runs it, with every daemon
 * stopped by its program (a kept run's process groups died with the process that started them).
 */
import type { Lab } from '../lab/model.js';
import { resetPlan } from '../scenario/engine/reset.js';
import type { Lesson } from '../scenario/lesson.js';
import type { SshTarget } from '../ssh/target.js';
import { forgetKept } from './kept.js';
import { runScenarios } from './scenarios.js';

/**
 * Runs the lessons' cleanups, each in the way the lab's Docker fits (the way that ran); what cleaned up is no longer
 * recorded as kept. Exit code as `runScenarios`'.
 */
export async function resetScenarios(lessons: readonly Lesson[], options: { lab: Lab; targets: SshTarget[]; signal?: AbortSignal }): Promise<number> {
  if (lessons.length === 0) return 0;
  const resets = lessons.map(({ name, variants: [own, ...others] }): Lesson => ({ name, variants: [resetPlan(own), ...others.map(resetPlan)] }));
  const { exitCode, results } = await runScenarios(resets, options);
  forgetKept(
    options.lab,
    results.filter((r) => r.status === 'passed').map((r) => r.name),
  );
  return exitCode;
}
