/**
 * A scenario as the runner sees it: validated, fragments spliced in, durations in milliseconds, nodes
 * resolved, expectations and captures compiled. Built only by load.ts; a plan that exists is runnable.
 */
import type { Location } from '../errors.js';
import type { CourseImage } from '../images/catalog.js';
import type { CaptureSpec } from './judge/capture.js';
import type { CourseRef } from './format/course.js';
import type { Expectation } from './judge/expect.js';

/** Where a step was written (scenario or fragment file), for reports. */
export type Origin = Location;

interface LeafBase {
  /** Position in the plan: `3`, or `4.2` inside a parallel group; unique within a scenario. */
  id: string;
  /** `id` plus the name, safe in a file name: `03-start-etcd`. */
  slug: string;
  name: string;
  nodes: string[];
  /** The command as written, `${{ }}` placeholders still in it. */
  run: string;
  sudo: boolean;
  /** Per attempt. */
  timeoutMs: number;
  /** The vars this step sees: the scenario's, or its fragment's after `with:`. */
  vars: Record<string, string>;
  origin: Origin;
  /** Set on the scenario's top-level main steps only: what exercise mode shows and how it knows the step is done. */
  guide?: StudentGuide;
}

/**
 * How a step is known to be done when the student types it (exercise mode). `check`: the step's read-only
 * checks hold. `rerun`: the step has no check and is read-only itself, so its own run and expect are run
 * again on the live state. `confirm`: a "do this" step (or a daemon) the student confirms with Enter.
 */
export type Verification = { kind: 'check'; checks: CommandStep[] } | { kind: 'rerun' } | { kind: 'confirm' };

export interface StudentGuide {
  /** Markdown, from the course notes. */
  explain: string | null;
  hint: string | null;
  verify: Verification;
}

export interface CommandStep extends LeafBase {
  kind: 'command';
  expect: Expectation;
  retry: { forMs: number; everyMs: number } | null;
  /** Only ever set on a step with one node (checked when loading). */
  capture: CaptureSpec | null;
}

/** A daemon: started detached, judged only on starting, stopped after cleanup. */
export interface BackgroundStep extends LeafBase {
  kind: 'background';
}

export type LeafStep = CommandStep | BackgroundStep;

export interface ParallelStep {
  kind: 'parallel';
  id: string;
  slug: string;
  name: string;
  steps: LeafStep[];
  origin: Origin;
  guide?: StudentGuide;
}

/**
 * Stops background processes: written as `- stop: <background step name>` in cleanup (a daemon that must go
 * before cleanup restores something, e.g. dockerd before the stock daemon restarts), and implicitly after
 * cleanup for whatever still runs.
 */
export interface StopBackgroundStep {
  kind: 'stop-background';
  id: string;
  slug: string;
  name: string;
  /** Ids of the background steps whose processes stop here; null: every one still running. */
  targets: string[] | null;
  /** The nodes those steps run on (where processes may need stopping). */
  nodes: string[];
  origin?: Origin;
}

/** `- graph: <title>`: a snapshot of the lab's topology, written into the run's folder (graph-step.ts). */
export interface GraphStep {
  kind: 'graph';
  id: string;
  slug: string;
  name: string;
  /** The nodes whose network is discovered. */
  nodes: string[];
  /** How long each node may take to answer. */
  timeoutMs: number;
  origin: Origin;
}

export type PlanStep = LeafStep | ParallelStep | StopBackgroundStep | GraphStep;

/** The implicit last step: stopping the background processes still running after cleanup. */
export const FINAL_STOP: StopBackgroundStep = { kind: 'stop-background', id: 'stop', slug: 'stop', name: 'stop background processes', targets: null, nodes: [] };

export interface ScenarioPlan {
  name: string;
  file: string;
  description: string;
  /** The parts of the course notes it reproduces (none for a scenario of one's own). */
  course: CourseRef[];
  requires: { docker: string } | null;
  /** Course images the nodes must have before the first step (src/images/ puts them there). */
  images: readonly CourseImage[];
  steps: PlanStep[];
  /**
   * The course's own undo steps, after `steps`: part of the lesson (the student types them, `lab scenario`
   * runs them), but not of the state the lesson builds, so `--keep` stops before them and `--check` does not
   * count them.
   */
  teardown: PlanStep[];
  /** The scenario's own cleanup, then its fragments' in reverse order of use. */
  cleanup: PlanStep[];
}

/** The main steps in the order they run: the lesson, then its teardown unless the state is to be kept. */
export function mainSteps(plan: ScenarioPlan, keep = false): PlanStep[] {
  return keep ? plan.steps : [...plan.steps, ...plan.teardown];
}

/** The checks `lab scenario` runs right after a step (none when the step has no `check:`). */
export function checksOf(step: PlanStep): CommandStep[] {
  return step.kind !== 'stop-background' && step.kind !== 'graph' && step.guide?.verify.kind === 'check' ? step.guide.verify.checks : [];
}

/** The steps that run on nodes: a parallel group's steps, or the step itself. */
export function leaves(step: PlanStep): (LeafStep | StopBackgroundStep | GraphStep)[] {
  return step.kind === 'parallel' ? step.steps : [step];
}
