/**
 * What every step kind answers, so that the rest of the scenario room asks the kind instead of naming it: how
 * it is written and loaded, how it runs, how it stretches on a slow lab, how exercise mode verifies and shows
 * it, and what `lab exercise --reset` runs in its place. registry.ts lists the kinds.
 */
import type { Lab } from '../../lab/model.js';
import type { SshPool } from '../../ssh/pool.js';
import type { Background } from '../engine/background.js';
import type { Executor } from '../engine/executor.js';
import type { Path, Source, StepBuilder } from '../format/builder.js';
import type { StepFile } from '../format/schema.js';
import type { LeafBase, NodeStep, ScenarioPlan } from '../plan.js';
import type { NodeRun, Phase, StepResult } from '../results.js';
import type { LeafStep, PlanStep } from './registry.js';

const registered = new Map<string, StepKind<PlanStep>>();

/**
 * Called by registry.ts only. A kind that holds steps of other kinds (parallel) asks theirs through kindOf, and so
 * does not import the registry, which imports it: in that circle, whichever module came first would find the
 * other's bindings not yet made.
 */
export function register(kinds: readonly StepKind<PlanStep>[]): void {
  for (const k of kinds) registered.set(k.kind, k);
}

/** The kind of a plan step; import it from registry.ts, which registers them all, outside kinds/. */
export function kindOf<S extends PlanStep>(step: S): StepKind<S> {
  const kind = registered.get(step.kind);
  if (!kind) throw new Error(`no step kind '${step.kind}' is registered`);
  return kind as unknown as StepKind<S>;
}

/** What a kind's run may use: the lab, the run's executor and daemons, and the runner for what it holds. */
export interface StepContext {
  pool: SshPool;
  lab: Lab;
  /** The run's folder. */
  dir: string;
  signal: AbortSignal | undefined;
  executor: Executor;
  background: Background;
  /** Tells the observer a node's part is done. */
  nodeEnd(step: NodeStep, run: NodeRun): void;
  /** Runs steps of a group at the same time, each reported as a step of its own. */
  group(steps: readonly PlanStep[], phase: Phase): Promise<StepResult[]>;
  /**
   * Runs a `run:` step on each of its nodes: the command's `${{ }}` filled for the node, a capture kept for later
   * steps, the run's dead daemons named when it fails. `start` does the kind's part with the filled command.
   */
  onNodes(step: LeafStep, phase: Phase, start: (node: string, command: string, values: (expr: string) => string) => Promise<NodeRun>): Promise<StepResult>;
}

/** How a step is written and loaded: every kind is a form, and `use:`, which splices a fragment's steps in, is one too. */
export interface StepForm {
  /** The YAML key that writes a step of this form: `run`, `parallel`, `stop`, ... */
  readonly key: keyof StepFile;
  /** When forms share a key (`run`, and `run` with `background: true`): whether a written step is this one. */
  is?(step: StepFile): boolean;
  /** Set when a step of this form is not one a student types: explain, hint, check and confirm do not apply. */
  readonly unguided?: true;
  /** The plan steps a written step becomes; problems go to the builder. */
  load(b: StepBuilder, source: Source, step: StepFile, path: Path, phase: Phase): PlanStep[];
}

export interface StepKind<S extends PlanStep> extends StepForm {
  readonly kind: S['kind'];
  /**
   * For a kind written with `run:`, which may also stand in a parallel group or as a check: the step from the
   * parts every such step has.
   */
  leaf?(b: StepBuilder, source: Source, step: StepFile, path: Path, phase: Phase, base: LeafBase, visibleCaptures: ReadonlySet<string>): S | null;
  run(step: S, phase: Phase, context: StepContext): Promise<StepResult>;
  /** The step with its timeouts and deadlines stretched by `factor` (engine/speed.ts). Pure. */
  scale(step: S, factor: number): S;
  /** Whether exercise mode may run the step again to see that it holds: a daemon can not be started twice. */
  rerunnable(step: S): boolean;
  /** Set on a kind whose processes outlive their step: cleanup, and `--reset`, must stop them. */
  readonly daemon?: true;
  /** How the student types the step's filled command, when not as it is. */
  typed?(text: string, step: S): string;
  /** What `lab exercise --reset` runs in the step's place, when not the step itself. */
  reset?(step: S, plan: ScenarioPlan): PlanStep;
}
