/** How far the lab's state goes through a scenario's steps (`lab exercise NAME --check`). Pure. */
import type { ExerciseStep } from './plan.js';

/**
 * A step's verdict on the live state. `holds`: its check found what the student made. `unproven`: it holds but
 * proves nothing of the student's work by itself: a step only the student can confirm, or a step that only
 * looks (its output is there on a fresh lab too, e.g. `iptables -V`).
 */
export type StepVerdict = 'holds' | 'fails' | 'unproven';

/**
 * The number of steps done: steps in order, up to the first whose verdict fails. An unproven step counts as
 * done when a later step holds (what it did or showed is a condition of that one), and when every step holds.
 */
export function stepsDone(verdicts: readonly StepVerdict[]): number {
  const failed = verdicts.indexOf('fails');
  if (failed === -1) return verdicts.length;
  let done = failed;
  while (done > 0 && verdicts[done - 1] === 'unproven') done--;
  return done;
}

/**
 * `4 of 12 steps done; next: 5 "..."`, over the lesson's steps. The teardown steps are named apart: they take
 * the lesson's state away, so the state can not show them done.
 */
export function standingLine(lesson: readonly ExerciseStep[], done: number, teardown: readonly ExerciseStep[] = []): string {
  const next = lesson[done];
  const after =
    teardown.length && !next
      ? `; then the lesson's teardown, ${teardown.length} step${teardown.length === 1 ? '' : 's'} from ${teardown[0]!.number} (not counted: it removes what the lesson made)`
      : '';
  return `${done} of ${lesson.length} steps done${next ? `; next: ${next.number} "${next.title}"` : ''}${after}`;
}
