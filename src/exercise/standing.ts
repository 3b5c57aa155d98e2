/** How far the lab's state goes through a scenario's steps (`lab exercise NAME --check`). Pure. */
import type { ExerciseStep } from './plan.js';
import type { HowPassed, Progress } from './progress.js';

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

/** One mark per way of passing a step, for the compact record on screen and in the teacher's table. */
const MARKS: Record<HowPassed, string> = { typed: 't', solved: 's', there: '=', confirmed: 'c' };

/** What the marks of `passMarks` mean. */
export const PASS_LEGEND = 't typed · s solved with S · = already there · c confirmed · ? passed, how not recorded · . not yet';

/**
 * The steps passed so far, one mark a step in order: `tts=c?......`. Only the steps before the one in hand
 * count as passed; a step passed before the student went back is not yet again. A step passed in a progress
 * file older than the record is `?`.
 */
export function passMarks(steps: readonly ExerciseStep[], progress: Pick<Progress, 'done' | 'passed'>): string {
  return steps
    .map((step, i) => {
      if (i >= progress.done) return '.';
      const pass = progress.passed.find((p) => p.step === step.number);
      return pass ? MARKS[pass.how] : '?';
    })
    .join('');
}

/** `passed: tts=c.....  (t typed · ...)`: the compact record with its legend, for the screen and `--check`. */
export function passLine(steps: readonly ExerciseStep[], progress: Pick<Progress, 'done' | 'passed'>): string {
  return `passed: ${passMarks(steps, progress)}  (${PASS_LEGEND})`;
}
