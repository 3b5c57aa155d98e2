/**
 * Every kind of step, in the order the file format lists them. A new kind is a file of this folder, implementing
 * StepKind (kind.ts), and its lines here: the list, the PlanStep union, and its YAML key when it brings one. Its
 * step type has an id, a name and an origin; one that runs on nodes lists them in `nodes`, one that holds
 * other steps has them in `steps` (the reports draw a tree from these).
 */
import type { StepFile } from '../format/schema.js';
import { type BackgroundStep, background } from './background.js';
import { type CommandStep, command } from './command.js';
import { type GraphStep, graph, graphKeys } from './graph.js';
import { kindOf, register, type StepForm, type StepKind } from './kind.js';
import { type ParallelStep, parallel, parallelKeys } from './parallel.js';
import { type StopBackgroundStep, stop, stopKeys } from './stop.js';

export type PlanStep = CommandStep | BackgroundStep | ParallelStep | StopBackgroundStep | GraphStep;

/** Steps written with `run:`: what a parallel group holds. */
export type LeafStep = CommandStep | BackgroundStep;

/** Steps a student types in exercise mode, with a guide when they are top-level main steps. */
export type GuidedStep = LeafStep | ParallelStep;

/** `use:` splices a fragment's steps in: a way to write steps, not a kind of its own. */
const use: StepForm = { key: 'use', unguided: true, load: (b, source, step, path, phase) => b.fragment(source, step, path, phase) };

/** How a step may be written, in the order of the file format: every kind, and `use:`. */
const FORMS: readonly StepForm[] = [command, background, parallel, use, stop, graph];

const KINDS = FORMS.filter((f): f is StepKind<PlanStep> => 'kind' in f);

/** The keys the kinds bring to a step, beside `run:` and what every command step has (format/keys.ts). */
export const STEP_KEYS = { ...parallelKeys, ...stopKeys, ...graphKeys };

/** The YAML keys that say how a step is written (forms may share one). */
export const FORM_KEYS: readonly (keyof StepFile)[] = [...new Set(FORMS.map((f) => f.key))];

register(KINDS);

export { kindOf };

/** How a written step is written: the form whose key it uses (and that claims it, when forms share the key). */
export function formOf(key: keyof StepFile, step: StepFile): StepForm | undefined {
  return FORMS.find((f) => f.key === key && (f.is?.(step) ?? true));
}

/** The kind that builds a step written with `run:`, where it stands (at the top, in a group, as a check). */
export function leafKindOf(step: StepFile): StepKind<LeafStep> | undefined {
  return KINDS.find((k) => k.key === 'run' && k.leaf && (k.is?.(step) ?? true)) as StepKind<LeafStep> | undefined;
}
