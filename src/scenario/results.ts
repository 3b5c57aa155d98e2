/** What a run produced: read by the console, JUnit and JSON reports. Plain data, serialisable as is. */

import type { Failure, RunError } from './failure.js';
import type { PlanStep } from './kinds/registry.js';
import type { Origin } from './plan.js';

export type StepStatus = 'passed' | 'failed' | 'skipped' | 'aborted';
export type Phase = 'main' | 'cleanup';

/** One step on one node: the last attempt, and how many there were. */
export interface NodeRun {
  node: string;
  status: 'passed' | 'failed' | 'aborted';
  /** The command as written after `${{ }}` substitution (what a reader would paste), not the bash wrapper. */
  command: string;
  attempts: number;
  exitCode: number | null;
  signal?: string;
  stdout: string;
  stderr: string;
  /** All attempts, including the pauses between them. */
  durationMs: number;
  /** The expectation, described; absent for background steps. */
  expectation?: string;
  /** What did not hold on the last attempt, each of a known kind. */
  failures: Failure[];
  /** Why the command has no judged outcome: timeout, abort, lost node, a value that could not be put in. */
  error?: RunError;
  capture?: { name: string; value: string };
  background?: { pgid: number; log: string };
}

export interface StepResult {
  id: string;
  name: string;
  kind: PlanStep['kind'];
  phase: Phase;
  status: StepStatus;
  /** Why it was skipped. */
  reason?: string;
  durationMs: number;
  nodes: NodeRun[];
  /** The steps of a parallel group. */
  steps?: StepResult[];
  origin?: Origin;
  /** After a failed step: what the lab network probe found wrong between the nodes (nothing when all is well). */
  diagnosis?: string[];
  /** A graph step's snapshot: files in the run's folder (transcriptDir), by name. */
  snapshot?: { json: string; svg: string };
}

export interface ScenarioResult {
  name: string;
  file: string;
  description: string;
  status: StepStatus;
  /** The way of teaching its lesson that ran, when the lesson has several (lesson.ts). */
  variant?: { of: string; name: string };
  /** Why it was skipped (requires) or aborted. */
  reason?: string;
  /** Which run of the scenario this is, from 1, under `--repeat`. */
  run?: number;
  startedAt: string;
  durationMs: number;
  /** Names the folder of background logs on the nodes: /var/tmp/docker-lab/<runId>/. */
  runId: string;
  /** Local folder of the per-node transcripts. */
  transcriptDir: string;
  steps: StepResult[];
  cleanup: StepResult[];
}

/** The lesson a result belongs to (a matrix row), whichever way of it ran. */
export const lessonName = (result: ScenarioResult): string => result.variant?.of ?? result.name;

/** The status of a group from its parts: aborted beats failed beats passed; all skipped is skipped. */
export function worstStatus(statuses: readonly StepStatus[]): StepStatus {
  if (statuses.includes('aborted')) return 'aborted';
  if (statuses.includes('failed')) return 'failed';
  if (statuses.length > 0 && statuses.every((s) => s === 'skipped')) return 'skipped';
  return 'passed';
}

/** Leaves in order: a parallel group's steps instead of the group. */
export function leafResults(steps: readonly StepResult[]): StepResult[] {
  return steps.flatMap((s) => (s.steps ? s.steps : [s]));
}

/**
 * The first thing that went wrong in a run, in one line (`step "name" on node: check`), for summaries that have
 * room for one line per scenario; null when nothing did. Pure.
 */
export function firstFailure(result: Pick<ScenarioResult, 'steps' | 'cleanup' | 'reason'>): string | null {
  for (const step of leafResults([...result.steps, ...result.cleanup])) {
    if (step.status !== 'failed' && step.status !== 'aborted') continue;
    const run = step.nodes.find((n) => n.status !== 'passed');
    if (!run) return `step "${step.name}" ${step.status}`;
    const why = run.error
      ? run.error.message
      : run.failures[0]
        ? `${run.failures[0].check}${run.failures[0].detail ? `: ${run.failures[0].detail.trim().split('\n')[0]}` : ''}`
        : `exit ${run.exitCode}`;
    return `step "${step.name}" on ${run.node}: ${why}`;
  }
  return result.reason ?? null;
}
