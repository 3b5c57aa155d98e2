/**
 * The runner: one scenario plan on the nodes of an open SSH pool. Steps run in order (a step's nodes, and
 * a parallel group's steps, at the same time); the first failure skips the remaining steps; cleanup always
 * runs (after success, failure, timeout or abort) unless `keep`; background processes are stopped after
 * cleanup. Each step is run by its kind (kinds/), through the context given here: the executor, the run's
 * daemons (background.ts), the values of `${{ }}` (format/scope.ts). Judging is judge/, what went wrong around a
 * failure is diagnosis.ts.
 */
import { join } from 'node:path';
import type { Lab } from '../../lab/model.js';
import type { SshPool } from '../../ssh/pool.js';
import { interpolateShell } from '../format/interpolate.js';
import { scopeOnNode, valueIn } from '../format/scope.js';
import type { StepContext } from '../kinds/kind.js';
import { kindOf, type LeafStep, type PlanStep } from '../kinds/registry.js';
import { FINAL_STOP, type StopBackgroundStep } from '../kinds/stop.js';
import { mainSteps, type NodeStep, type ScenarioPlan, type Watch, watchOf } from '../plan.js';
import { type NodeRun, type Phase, type ScenarioResult, type StepResult, type StepStatus, worstStatus } from '../results.js';
import { badValue } from './attempts.js';
import { Background } from './background.js';
import { withChecks } from './checks.js';
import { deadDaemons, labNetwork } from './diagnosis.js';
import { Executor } from './executor.js';
import { type DockerVersions, unmetRequirement } from './requirements.js';
import { scalePlan } from './speed.js';
import { Transcript } from './transcript.js';
import { boundedWatch, isWatchStop, notReady, watchOutput, watchReadyScript } from './watch.js';

/** Told as things happen; the console report draws from it. Every method is optional. */
export interface RunObserver {
  scenarioStart?(plan: ScenarioPlan, info: { runId: string; transcriptDir: string }): void;
  stepStart?(step: PlanStep, phase: Phase): void;
  nodeEnd?(step: NodeStep, run: NodeRun): void;
  stepEnd?(step: PlanStep, result: StepResult): void;
  scenarioEnd?(result: ScenarioResult): void | Promise<void>;
}

interface RunScenarioOptions {
  pool: SshPool;
  lab: Lab;
  keep: boolean;
  ignoreRequires: boolean;
  /** Aborts the current step; cleanup still runs. */
  signal?: AbortSignal;
  /** Parent of the per-run transcript folders. */
  runDir: string;
  observer?: RunObserver;
  /** Docker versions already read from the nodes, shared by the scenarios of one invocation. */
  dockerVersions?: DockerVersions;
  /** How much slower than a normal node the lab's nodes are (speed.ts): timeouts and retry deadlines stretch by it. */
  speedFactor?: number;
  now?: () => Date;
}

export async function runScenario(written: ScenarioPlan, options: RunScenarioOptions): Promise<ScenarioResult> {
  const plan = scalePlan(written, options.speedFactor ?? 1);
  const started = (options.now ?? (() => new Date()))();
  const runId = `${timestamp(started)}-${plan.name}`;
  const transcript = new Transcript(join(options.runDir, runId));
  const observer = options.observer ?? {};
  const t0 = performance.now();
  const base = {
    name: plan.name,
    file: plan.file,
    description: plan.description,
    ...(plan.variant ? { variant: plan.variant } : {}),
    startedAt: started.toISOString(),
    runId,
    transcriptDir: transcript.dir,
  };
  observer.scenarioStart?.(plan, { runId, transcriptDir: transcript.dir });

  const unmet =
    plan.requires && !options.ignoreRequires ? await unmetRequirement(plan.requires.docker, options.pool, options.lab, options.dockerVersions) : null;
  if (unmet) {
    const skip = (s: PlanStep, phase: Phase) => skipped(s, phase, unmet);
    const result: ScenarioResult = {
      ...base,
      status: 'skipped',
      reason: unmet,
      durationMs: performance.now() - t0,
      steps: withChecks(mainSteps(plan)).map((s) => skip(s, 'main')),
      cleanup: plan.cleanup.map((s) => skip(s, 'cleanup')),
    };
    await observer.scenarioEnd?.(result);
    return result;
  }

  const runner = new StepRunner(options, runId, transcript, observer);
  const steps: StepResult[] = [];
  let stop: Halt | null = null;
  // --keep leaves the lesson's state in place: the course's own undo steps would take it away.
  const kept = new Set(options.keep ? plan.teardown : []);
  for (const main of mainSteps(plan)) {
    const unit = withChecks([main]);
    if (stop || kept.has(main)) {
      const reason = stop?.reason ?? "kept (--keep): the lesson's teardown";
      for (const step of unit) steps.push(skipped(step, 'main', reason, observer));
      continue;
    }
    // A watch sees the step's command and its checks, and is stopped after them whatever happened.
    const watch = watchOf(main);
    const ran: StepResult[] = [];
    for (const step of unit) {
      const before = ran.map(halt).find((h) => h !== null);
      if (step === watch) ran.push(await runner.startWatch(watch, options.signal));
      else if (isWatchStop(step)) ran.push(await runner.stopWatch(step));
      else ran.push(before ? skipped(step, 'main', before.reason, observer) : await runner.step(step, 'main', options.signal));
    }
    steps.push(...ran);
    stop = ran.map(halt).find((h) => h !== null) ?? null;
  }
  if (!stop && options.signal?.aborted) stop = { status: 'aborted', reason: 'interrupted' };

  // Cleanup is not given the abort signal: after Ctrl-C it is exactly what must still happen. Per-step
  // timeouts bound it.
  const cleanup: StepResult[] = [];
  if (options.keep) {
    for (const s of plan.cleanup) cleanup.push(skipped(s, 'cleanup', 'kept (--keep)', observer));
  } else {
    for (const s of plan.cleanup) cleanup.push(await runner.step(s, 'cleanup', undefined));
    if (runner.background.running()) cleanup.push(await runner.step(FINAL_STOP, 'cleanup', undefined));
  }

  const cleanupFailed = cleanup.some((c) => c.status === 'failed');
  const status: StepStatus = stop?.status ?? (cleanupFailed ? 'failed' : 'passed');
  const result: ScenarioResult = {
    ...base,
    status,
    ...(stop?.status === 'aborted' ? { reason: 'interrupted; cleanup ran' } : {}),
    durationMs: performance.now() - t0,
    steps,
    cleanup,
  };
  await observer.scenarioEnd?.(result);
  return result;
}

class StepRunner {
  private readonly captures: Record<string, string> = {};
  private readonly executor: Executor;
  readonly background: Background;

  private readonly transcriptDir: string;
  /** The output of the watch of the step being run, which its checks read as `${{ watch.output }}`. */
  private watching: { output: string } | null = null;

  constructor(
    private readonly options: RunScenarioOptions,
    private readonly runId: string,
    transcript: Transcript,
    private readonly observer: RunObserver,
  ) {
    this.transcriptDir = transcript.dir;
    this.executor = new Executor(options.pool, transcript);
    this.background = new Background(this.executor, runId);
  }

  /** `inner`: a step of a parallel group, whose group looks at the lab network once for all of them. */
  async step(step: PlanStep, phase: Phase, signal: AbortSignal | undefined, inner = false): Promise<StepResult> {
    this.observer.stepStart?.(step, phase);
    const result = await kindOf(step).run(step, phase, this.context(signal));
    if (!inner && phase === 'main') await this.diagnose(result);
    this.observer.stepEnd?.(step, result);
    return result;
  }

  /** A main step that failed is followed by a look at the lab network: who can reach whom, and over SSH. */
  private async diagnose(result: StepResult): Promise<void> {
    if (result.status !== 'failed') return;
    const diagnosis = await labNetwork(this.options.pool, this.options.lab);
    if (diagnosis.length) result.diagnosis = diagnosis;
  }

  /** Starts a step's watch, and waits for it to be ready; reported as a background step of its own. */
  async startWatch(watch: Watch, signal: AbortSignal | undefined): Promise<StepResult> {
    const output = watchOutput(this.runId, watch);
    this.observer.stepStart?.(watch, 'main');
    const result = await this.context(signal).onNodes(watch, 'main', async (node, command) => {
      // Not interruptible: a launch cut short by Ctrl-C would leave the watch running, detached and unknown to
      // the run; it takes a moment, and the stop after the step ends it.
      const run = await this.background.start(watch, node, boundedWatch(command), undefined);
      if (run.status !== 'passed') return run;
      const ready = await this.executor.exec({
        node,
        step: watch.id,
        attempt: 1,
        shown: `wait for the watch's first line in ${output}`,
        sent: watchReadyScript(output, watch.timeoutMs),
        timeoutMs: watch.timeoutMs + 10_000,
        signal,
      });
      if (ready.error) return { ...run, status: ready.error.kind === 'interrupted' ? 'aborted' : 'failed', error: ready.error };
      if (ready.result.exitCode !== 0) return { ...run, status: 'failed', failures: [notReady(watch, ready.result.stderr)] };
      return run;
    });
    this.watching = { output };
    await this.diagnose(result); // a watch fails as a step does when its node goes
    this.observer.stepEnd?.(watch, result);
    return result;
  }

  /** Stops a step's watch (not interruptible: after Ctrl-C it is what must still happen). */
  async stopWatch(stopping: StopBackgroundStep): Promise<StepResult> {
    this.watching = null;
    return this.step(stopping, 'main', undefined, true);
  }

  private context(signal: AbortSignal | undefined): StepContext {
    return {
      pool: this.options.pool,
      lab: this.options.lab,
      dir: this.transcriptDir,
      signal,
      executor: this.executor,
      background: this.background,
      nodeEnd: (step, run) => this.observer.nodeEnd?.(step, run),
      group: (steps, phase) => Promise.all(steps.map((s) => this.step(s, phase, signal, true))),
      onNodes: async (step, phase, start) => {
        const t0 = performance.now();
        const nodes = await Promise.all(step.nodes.map((node) => this.onNode(step, node, start)));
        return {
          id: step.id,
          name: step.name,
          kind: step.kind,
          phase,
          status: worstStatus(nodes.map((n) => n.status)),
          durationMs: performance.now() - t0,
          nodes,
          origin: step.origin,
        };
      },
    };
  }

  private async onNode(
    step: LeafStep,
    node: string,
    start: (node: string, command: string, values: (expr: string) => string) => Promise<NodeRun>,
  ): Promise<NodeRun> {
    const t0 = performance.now();
    const values = this.values(step, node);
    let command: string;
    try {
      command = interpolateShell(step.run, values);
    } catch (err) {
      const run = badValue(node, step.run, err);
      this.observer.nodeEnd?.(step, run);
      return run;
    }
    const run = await start(node, command, values);
    if (run.capture) this.captures[run.capture.name] = run.capture.value;
    if (run.status === 'failed' && !run.error) run.failures.push(...(await deadDaemons(this.options.pool, node, this.background.on(node))));
    run.durationMs = performance.now() - t0;
    this.observer.nodeEnd?.(step, run);
    return run;
  }

  /** The `${{ }}` values of `step` on `node`; a capture never made (only possible in cleanup) throws. */
  private values(step: LeafStep, node: string): (expr: string) => string {
    return valueIn(scopeOnNode(this.options.lab, node, step.vars, this.captures, this.watching ?? undefined));
  }
}

interface Halt {
  status: StepStatus;
  reason: string;
}

/** What a step's result means for the steps after it: none run after a failure or an interruption. */
function halt(result: StepResult): Halt | null {
  if (result.status === 'aborted') return { status: 'aborted', reason: 'interrupted' };
  if (result.status === 'failed') return { status: 'failed', reason: `step ${result.id} failed` };
  return null;
}

function skipped(step: PlanStep, phase: Phase, reason: string, observer?: RunObserver): StepResult {
  const result: StepResult = {
    id: step.id,
    name: step.name,
    kind: step.kind,
    phase,
    status: 'skipped',
    reason,
    durationMs: 0,
    nodes: [],
    ...('steps' in step ? { steps: step.steps.map((s) => skipped(s, phase, reason)) } : {}),
    origin: step.origin,
  };
  observer?.stepEnd?.(step, result);
  return result;
}

function timestamp(d: Date): string {
  // Milliseconds kept: two runs of one scenario in the same second must not share a folder.
  return d.toISOString().replace(/[-:]/g, '');
}
