/** How far the lab's state goes through a scenario's steps (`lab exercise NAME --check`). Pure. */
import type { ExerciseStep } from './plan.js';

/** A step's verdict on the live state; `unknown` for a step only the student can confirm. */
export type StepVerdict = 'holds' | 'fails' | 'unknown';

/**
 * The number of steps done: steps in order, up to the first whose verdict fails. A step the student
 * confirms counts as done when a later checked step holds (what it did is a condition of that one), and
 * when it comes after every checked step held.
 */
export function stepsDone(verdicts: readonly StepVerdict[]): number {
  const failed = verdicts.indexOf('fails');
  if (failed === -1) return verdicts.length;
  let done = failed;
  while (done > 0 && verdicts[done - 1] === 'unknown') done--;
  return done;
}

export function standingLine(steps: readonly ExerciseStep[], done: number): string {
  const next = steps[done];
  return `${done} of ${steps.length} steps done${next ? `; next: ${next.number} "${next.title}"` : ''}`;
}
