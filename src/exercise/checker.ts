/**
 * What the exercise session asks of the lab, as one interface: the real one runs probe.ts on the nodes; the
 * session's tests give a fake, so the keys, polls and arrivals are tested without a lab.
 */
import type { Lab } from '../lab/model.js';
import type { SshPool } from '../ssh/pool.js';
import type { ExerciseStep } from './plan.js';
import { beginStep, endStep, type Miss, probe, runSolution, type Verdict } from './probe.js';

export interface StepChecker {
  /** Whether the step's check holds on the lab now: read-only, polled about once a second. */
  verify(step: ExerciseStep, captures: Record<string, string>): Promise<Verdict>;
  /** Runs the step's solution for the student (key S): what it found, not yet whether the step holds. */
  solve(step: ExerciseStep, captures: Record<string, string>): Promise<Verdict>;
  /** The step comes on screen, before its first verify: start what watches it (what could not start). */
  begin(step: ExerciseStep, captures: Record<string, string>): Promise<Miss[]>;
  /** The student leaves the step (done, solved, back, quit, or the session failed): stop what watches it. */
  end(step: ExerciseStep): Promise<void>;
}

/** The checker on a lab's nodes, over one SSH pool; `runId` names the logs of daemons a solution starts. */
export function labChecker(lab: Lab, pool: SshPool, runId: string): StepChecker {
  return {
    verify: (step, captures) => probe(step, { pool, lab, captures }),
    solve: (step, captures) => runSolution(step, { pool, lab, captures }, runId),
    // The watch's command may name what earlier steps captured (an address to watch for).
    begin: (step, captures) => beginStep(step, { pool, lab, captures }, runId),
    end: (step) => endStep(step, { pool, lab, captures: {} }, runId),
  };
}
