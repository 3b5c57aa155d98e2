/**
 * The console report: a listr2 tree with one task per step (its time in the title) and a subtask per node,
 * drawn from the runner's events; then, for each failure, the node, command, exit code, output tails and
 * expectation against what came. For a terminal; CI and pipes get plain-lines.ts.
 */
import { Listr, type ListrDefaultRenderer, type ListrSimpleRenderer, type ListrTask, type ListrTaskWrapper } from 'listr2';
import { withChecks } from '../scenario/engine/checks.js';
import type { RunObserver } from '../scenario/engine/run.js';
import { formatDuration } from '../scenario/format/duration.js';
import { kindOf, type PlanStep } from '../scenario/kinds/registry.js';
import { FINAL_STOP } from '../scenario/kinds/stop.js';
import { leaves, mainSteps, type ScenarioPlan } from '../scenario/plan.js';
import type { NodeRun, ScenarioResult, StepResult } from '../scenario/results.js';
import { scenarioFooter, scenarioHeader, stepTrouble } from './scenario-text.js';

type Wrapper = ListrTaskWrapper<unknown, ListrDefaultRenderer, ListrSimpleRenderer>;

type Settled<T> = { value: T } | { skipped: string };

class Deferred<T> {
  resolve!: (v: Settled<T>) => void;
  readonly promise = new Promise<Settled<T>>((r) => (this.resolve = r));
}

export class ConsoleReporter implements RunObserver {
  private readonly nodes = new Map<string, Deferred<NodeRun>>();
  private readonly steps = new Map<string, Deferred<StepResult>>();
  private running: Promise<unknown> = Promise.resolve();
  /** Set when the scenario is over: a task that starts only now has nothing left to wait for. */
  private endedReason: string | null = null;

  constructor(private readonly write: (text: string) => void = (t) => process.stdout.write(t)) {}

  scenarioStart(plan: ScenarioPlan, info: { transcriptDir: string }): void {
    this.nodes.clear();
    this.steps.clear();
    this.endedReason = null;
    const hasBackground = plan.steps.some((s) => leaves(s).some((l) => kindOf(l).daemon));
    const tasks: ListrTask[] = [
      ...withChecks(mainSteps(plan)).map((s) => this.task(s)),
      ...plan.cleanup.map((s) => this.task(s, 'cleanup: ')),
      ...(hasBackground ? [this.task(FINAL_STOP, 'cleanup: ')] : []),
    ];
    this.write(scenarioHeader(plan, info.transcriptDir));
    this.running = new Listr(tasks, {
      concurrent: false,
      exitOnError: false,
      registerSignalListeners: false, // Ctrl-C belongs to the runner: it must still clean up
      renderer: 'default',
      // A skipped step keeps its title in the tree (the plain renderer adds the reason after it).
      rendererOptions: { collapseSubtasks: false, showErrorMessage: true, showSkipMessage: false },
    })
      .run()
      .catch(() => undefined);
  }

  nodeEnd(step: { id: string }, run: NodeRun): void {
    this.nodeDeferred(step.id, run.node).resolve({ value: run });
  }

  stepEnd(step: PlanStep, result: StepResult): void {
    // Nodes that did not report (skipped step, nothing to stop there) are done too; resolving twice is a no-op.
    for (const l of leaves(step)) {
      if (result.status === 'skipped') this.stepDeferred(l.id).resolve({ skipped: result.reason ?? 'skipped' });
      for (const n of l.nodes) this.nodeDeferred(l.id, n).resolve({ skipped: result.reason ?? 'nothing to do' });
    }
    this.stepDeferred(step.id).resolve({ value: result });
  }

  async scenarioEnd(result: ScenarioResult): Promise<void> {
    // Whatever never ran (requirements unmet, no background to stop) is shown as skipped.
    this.endedReason = result.reason ?? 'nothing to do';
    for (const d of [...this.steps.values(), ...this.nodes.values()]) d.resolve({ skipped: this.endedReason });
    await this.running;
    this.write(scenarioFooter(result));
  }

  private task(step: PlanStep, prefix = ''): ListrTask {
    const label = `${prefix}${step.name}`;
    return {
      title: label,
      task: (_ctx, task) => {
        if ('steps' in step) {
          const group = task.newListr(
            step.steps.map((s) => this.task(s, prefix)),
            { concurrent: true, exitOnError: false },
          );
          return task.newListr([{ task: () => group }, { task: async () => this.stepTitle(step.id, label, task) }], { exitOnError: true });
        }
        const nodes = task.newListr(
          step.nodes.map((node): ListrTask => ({ title: node, task: (_c, sub) => this.nodeTask(step.id, node, sub) })),
          { concurrent: true, exitOnError: false },
        );
        // Two untitled (hidden) subtasks: the nodes, then the step's verdict, which puts its time in the title
        // and, on failure, fails the step itself (a failed node alone would not mark its parent).
        return task.newListr([{ task: () => nodes }, { task: async () => this.stepTitle(step.id, label, task) }], { exitOnError: true });
      },
    };
  }

  private async nodeTask(stepId: string, node: string, sub: Wrapper): Promise<void> {
    const r = await this.nodeDeferred(stepId, node).promise;
    if ('skipped' in r) return sub.skip(); // the reason is in the scenario's summary line
    const run = r.value;
    const tries = run.attempts > 1 ? `, ${run.attempts} attempts` : '';
    sub.title = `${node} (${formatDuration(run.durationMs)}${tries})`;
    const why = run.error?.message ?? run.failures[0]?.detail.trim().split('\n')[0] ?? run.status;
    if (run.status !== 'passed') throw new Error(`${node}: ${why}`);
  }

  private async stepTitle(stepId: string, label: string, task: Wrapper): Promise<void> {
    const r = await this.stepDeferred(stepId).promise;
    if ('skipped' in r) return task.skip(r.skipped);
    if (r.value.status === 'skipped') return task.skip(r.value.reason ?? 'skipped');
    task.title = `${label} (${formatDuration(r.value.durationMs)})`;
    // The diagnosis goes in the live line too: whoever watches the run learns why as soon as the step fails.
    if (r.value.status !== 'passed') throw new Error(`${label}: ${stepTrouble(r.value)}`);
  }

  private nodeDeferred(stepId: string, node: string): Deferred<NodeRun> {
    const key = `${stepId}@${node}`;
    const d = this.nodes.get(key) ?? this.fresh<NodeRun>();
    this.nodes.set(key, d);
    return d;
  }

  private stepDeferred(stepId: string): Deferred<StepResult> {
    const d = this.steps.get(stepId) ?? this.fresh<StepResult>();
    this.steps.set(stepId, d);
    return d;
  }

  private fresh<T>(): Deferred<T> {
    const d = new Deferred<T>();
    if (this.endedReason !== null) d.resolve({ skipped: this.endedReason });
    return d;
  }
}
