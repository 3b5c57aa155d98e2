/**
 * A scenario as the runner sees it: validated, fragments spliced in, durations in milliseconds, nodes
 * resolved, expectations and captures compiled. Built only by format/load.ts; a plan that exists is runnable.
 * Each kind of step is described in its own file of kinds/; what they share is here.
 */
import type { Location } from '../errors.js';
import type { CourseImage } from '../images/catalog.js';
import type { CourseRef } from './format/course.js';
import type { BackgroundStep } from './kinds/background.js';
import type { CommandStep } from './kinds/command.js';
import type { GuidedStep, PlanStep } from './kinds/registry.js';

/** Where a step was written (scenario or fragment file), for reports. */
export type Origin = Location;

/** What every step written with `run:` has, whatever its kind. */
export interface LeafBase {
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
 * checks hold, with the output of the step's `watch:` when it has one. `rerun`: the step has no check and is
 * read-only itself, so its own run and expect are run again on the live state. `confirm`: a "do this" step
 * (or a daemon) the student confirms with Enter.
 */
export type Verification = { kind: 'check'; checks: CommandStep[]; watch: Watch | null } | { kind: 'rerun' } | { kind: 'confirm' };

/**
 * `watch:`: what collects a step's evidence while the step is on (engine/watch.ts runs it): a command on one
 * node, e.g. `tcpdump -l -n -i docker0 icmp`, started detached before the step's command and stopped once its
 * checks have judged, its output (stdout and stderr) in a file on that node that the checks read as
 * `${{ watch.output }}`. A daemon that lives exactly as long as its step, so it is a background step in shape;
 * its id is the step's with `.watch`.
 */
export type Watch = BackgroundStep;

export interface StudentGuide {
  /** Markdown, from the course notes. */
  explain: string | null;
  hint: string | null;
  verify: Verification;
}

export interface ScenarioPlan {
  name: string;
  file: string;
  description: string;
  /** The parts of the course notes it reproduces (none for a scenario of one's own). */
  course: CourseRef[];
  requires: { docker: string } | null;
  /** One way of teaching the lesson `of` (lesson.ts picks among them by Docker version); null for a lesson of one way. */
  variant: { of: string; name: string } | null;
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

/** A step a student types, with what exercise mode needs for it (only top-level main steps have a guide). */
export function hasGuide(step: PlanStep): step is GuidedStep & { guide: StudentGuide } {
  return 'guide' in step && step.guide !== undefined;
}

/** The checks `lab scenario` runs right after a step (none when the step has no `check:`). */
export function checksOf(step: PlanStep): CommandStep[] {
  return hasGuide(step) && step.guide.verify.kind === 'check' ? step.guide.verify.checks : [];
}

/** The step's watch, when it has one. */
export function watchOf(step: PlanStep): Watch | null {
  return hasGuide(step) && step.guide.verify.kind === 'check' ? step.guide.verify.watch : null;
}

/** A step that runs on nodes itself, rather than through the steps it holds. */
export type NodeStep = Exclude<PlanStep, { steps: unknown }>;

/** The steps that run on nodes: a group's steps, or the step itself. */
export function leaves(step: PlanStep): NodeStep[] {
  return 'steps' in step ? step.steps : [step];
}
