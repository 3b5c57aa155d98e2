/**
 * The runner: one scenario plan on the nodes of an open SSH pool. Steps run in order (a step's nodes, and
 * a parallel group's steps, at the same time); the first failure skips the remaining steps; cleanup always
 * runs (after success, failure, timeout or abort) unless `keep`; background processes are stopped after
 * cleanup. Executes only: judging is expect.ts, values are capture.ts and interpolate.ts.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import semver from 'semver';
import type { Lab } from '../lab/model.js';
import type { SshPool } from '../ssh/pool.js';
import { ConnectionLostError, ExecAbortedError, ExecTimeoutError, type ExecResult } from '../ssh/session.js';
import { extractCapture } from './capture.js';
import { withChecks } from './checks.js';
import { formatDuration } from './duration.js';
import { checkOutcome, describeExpectation, fillExpectation, type CheckFailure } from './expect.js';
import { escapeRegex, interpolateShell, interpolateText } from './interpolate.js';
import type { BackgroundStep, CommandStep, LeafStep, PlanStep, ScenarioPlan, StopBackgroundStep } from './plan.js';
import { describeLabNetwork, explainConnectionError, type NodeView } from './lab-network.js';
import { backgroundLaunch, backgroundLogPath, backgroundStop, commandLine, deadDaemonsProbe, DOCKER_SERVER_VERSION, labNetworkProbe, parseDeadDaemons, parseLabNetwork } from './remote.js';
import type { NodeRun, Phase, ScenarioResult, StepResult, StepStatus } from './results.js';
import { resolveExpression } from './scope.js';
import { Transcript } from './transcript.js';

/** Told as things happen; the console report draws from it. Every method is optional. */
export interface RunObserver {
  scenarioStart?(plan: ScenarioPlan, info: { runId: string; transcriptDir: string }): void;
  stepStart?(step: PlanStep, phase: Phase): void;
  nodeEnd?(step: LeafStep | StopBackgroundStep, run: NodeRun): void;
  stepEnd?(step: PlanStep, result: StepResult): void;
  scenarioEnd?(result: ScenarioResult): void | Promise<void>;
}

/** The implicit last step: stopping the background processes still running after cleanup. */
export const FINAL_STOP: StopBackgroundStep = { kind: 'stop-background', id: 'stop', slug: 'stop', name: 'stop background processes', targets: null, nodes: [] };

export interface RunScenarioOptions {
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
  dockerVersions?: Map<string, Promise<string | Error>>;
  now?: () => Date;
}

const STOP_TIMEOUT_MS = 15_000;
const VERSION_TIMEOUT_MS = 15_000;
/** Per node, for the lab network probe: its pings take 1 s; a node slower than this to answer is itself a finding. */
const PROBE_TIMEOUT_MS = 5_000;

interface Started {
  node: string;
  pgid: number;
  sudo: boolean;
  step: string;
  name: string;
  log: string;
}

export async function runScenario(plan: ScenarioPlan, options: RunScenarioOptions): Promise<ScenarioResult> {
  const started = (options.now ?? (() => new Date()))();
  const runId = `${timestamp(started)}-${plan.name}`;
  const transcript = new Transcript(join(options.runDir, runId));
  const observer = options.observer ?? {};
  const t0 = performance.now();
  const base = { name: plan.name, file: plan.file, description: plan.description, startedAt: started.toISOString(), runId, transcriptDir: transcript.dir };
  observer.scenarioStart?.(plan, { runId, transcriptDir: transcript.dir });

  const unmet = plan.requires && !options.ignoreRequires ? await unmetRequirement(plan.requires.docker, options) : null;
  if (unmet) {
    const skip = (s: PlanStep, phase: Phase) => skipped(s, phase, unmet);
    const result: ScenarioResult = { ...base, status: 'skipped', reason: unmet, durationMs: performance.now() - t0, steps: withChecks(plan.steps).map((s) => skip(s, 'main')), cleanup: plan.cleanup.map((s) => skip(s, 'cleanup')) };
    await observer.scenarioEnd?.(result);
    return result;
  }

  const runner = new StepRunner(options, runId, transcript, observer);
  const steps: StepResult[] = [];
  let stop: { status: StepStatus; reason: string } | null = null;
  for (const step of withChecks(plan.steps)) {
    if (stop) {
      steps.push(skipped(step, 'main', stop.reason, observer));
      continue;
    }
    const result = await runner.step(step, 'main', options.signal);
    steps.push(result);
    if (result.status === 'aborted') stop = { status: 'aborted', reason: 'interrupted' };
    else if (result.status === 'failed') stop = { status: 'failed', reason: `step ${result.id} failed` };
  }
  if (!stop && options.signal?.aborted) stop = { status: 'aborted', reason: 'interrupted' };

  // Cleanup is not given the abort signal: after Ctrl-C it is exactly what must still happen. Per-step
  // timeouts bound it.
  const cleanup: StepResult[] = [];
  if (options.keep) {
    for (const s of plan.cleanup) cleanup.push(skipped(s, 'cleanup', 'kept (--keep)', observer));
  } else {
    for (const s of plan.cleanup) cleanup.push(await runner.step(s, 'cleanup', undefined));
    if (runner.backgroundRunning()) cleanup.push(await runner.step(FINAL_STOP, 'cleanup', undefined));
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
  private readonly background: Started[] = [];

  constructor(
    private readonly options: RunScenarioOptions,
    private readonly runId: string,
    private readonly transcript: Transcript,
    private readonly observer: RunObserver,
  ) {}

  /** `inner`: a step of a parallel group, whose group looks at the lab network once for all of them. */
  async step(step: PlanStep, phase: Phase, signal: AbortSignal | undefined, inner = false): Promise<StepResult> {
    this.observer.stepStart?.(step, phase);
    const t0 = performance.now();
    let result: StepResult;
    if (step.kind === 'stop-background') {
      result = await this.stopBackground(step);
    } else if (step.kind === 'parallel') {
      const children = await Promise.all(step.steps.map((s) => this.step(s, phase, signal, true)));
      result = { id: step.id, name: step.name, kind: 'parallel', phase, status: worst(children.map((c) => c.status)), durationMs: performance.now() - t0, nodes: [], steps: children, origin: step.origin };
    } else {
      const leaf = step;
      const nodes = await Promise.all(leaf.nodes.map((node) => this.onNode(leaf, node, signal)));
      result = { id: step.id, name: step.name, kind: step.kind, phase, status: worst(nodes.map((n) => n.status)), durationMs: performance.now() - t0, nodes, origin: step.origin };
    }
    if (!inner && phase === 'main' && result.status === 'failed') {
      const diagnosis = await this.labNetwork();
      if (diagnosis.length) result.diagnosis = diagnosis;
    }
    this.observer.stepEnd?.(step, result);
    return result;
  }

  private async onNode(step: LeafStep, node: string, signal: AbortSignal | undefined): Promise<NodeRun> {
    const t0 = performance.now();
    let command: string;
    try {
      command = interpolateShell(step.run, (expr) => this.value(step, expr, node));
    } catch (err) {
      const run: NodeRun = { node, status: 'failed', command: step.run, attempts: 0, exitCode: null, stdout: '', stderr: '', durationMs: 0, failures: [], error: (err as Error).message };
      this.observer.nodeEnd?.(step, run);
      return run;
    }
    const run = step.kind === 'background' ? await this.startBackground(step, node, command, signal) : await this.attempts(step, node, command, signal);
    if (run.status === 'failed' && !run.error) run.failures.push(...(await this.deadDaemons(node)));
    run.durationMs = performance.now() - t0;
    this.observer.nodeEnd?.(step, run);
    return run;
  }

  /** After a failed step: the daemons of this run on the node that have died, each with the end of its log. */
  private async deadDaemons(node: string): Promise<CheckFailure[]> {
    const mine = this.background.filter((b) => b.node === node);
    if (mine.length === 0) return [];
    try {
      const probe = await this.options.pool.session(node).exec(deadDaemonsProbe(mine), { timeoutMs: 10_000 });
      return [...parseDeadDaemons(probe.stdout)].map(([i, tail]) => ({
        check: `daemon "${mine[i]!.name}" is running`,
        detail: `  it has exited; the end of ${mine[i]!.log}:\n${tail.split('\n').map((l) => `    ${l}`).join('\n')}`,
      }));
    } catch {
      return []; // the probe is a courtesy: the step's own failure stands either way
    }
  }

  /**
   * After a failed step: can every node be asked, and can each reach the others on the lab network? A step
   * that fails because a node went away or the network was cut should say so, not only what timed out.
   */
  private async labNetwork(): Promise<string[]> {
    const nodes = this.options.lab.nodes;
    const views = await Promise.all(
      nodes.map(async ({ name }): Promise<NodeView> => {
        const others = nodes.filter((o) => o.name !== name);
        try {
          const probe = await this.options.pool.session(name).exec(labNetworkProbe(others), { timeoutMs: PROBE_TIMEOUT_MS });
          return { node: name, cannotReach: [...parseLabNetwork(probe.stdout)].map((i) => others[i]!.name) };
        } catch (err) {
          return { node: name, noAnswer: (err as Error).message };
        }
      }),
    );
    return describeLabNetwork(nodes, views);
  }

  /** Runs a command until its expectation holds, the retry deadline passes, or something rules out another try. */
  private async attempts(step: CommandStep, node: string, command: string, signal: AbortSignal | undefined): Promise<NodeRun> {
    const session = this.options.pool.session(node);
    const deadline = step.retry ? performance.now() + step.retry.forMs : 0;
    let expectation;
    try {
      expectation = fillExpectation(step.expect, (t) => interpolateText(t, (e) => this.value(step, e, node)), (t) => interpolateText(t, (e) => this.value(step, e, node), escapeRegex));
    } catch (err) {
      return { node, status: 'failed', command, attempts: 0, exitCode: null, stdout: '', stderr: '', durationMs: 0, failures: [], error: (err as Error).message };
    }
    const described = describeExpectation(expectation);
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.exec(session, step, node, attempt, command, commandLine(command, step.sudo), step.timeoutMs, signal);
      const base = { node, command, attempts: attempt, exitCode: outcome.result.exitCode, ...(outcome.result.signal ? { signal: outcome.result.signal } : {}), stdout: outcome.result.stdout, stderr: outcome.result.stderr, durationMs: 0, expectation: described };
      if (outcome.error) {
        const final = outcome.kind === 'aborted' || outcome.kind === 'lost';
        const failures: CheckFailure[] = outcome.kind === 'timeout' ? [{ check: `finish within ${formatDuration(step.timeoutMs)}`, detail: '  it was still running, and was killed on the node with everything it started' }] : [];
        if (final || !(await this.pauseBeforeRetry(step, deadline, signal))) {
          if (!final) failures.push(...gaveUp(step, attempt, signal));
          return { ...base, status: outcome.kind === 'aborted' || signal?.aborted ? 'aborted' : 'failed', failures, error: outcome.error };
        }
        continue;
      }
      const failures = checkOutcome(expectation, outcome.result);
      if (failures.length === 0 && step.capture) {
        const captured = extractCapture(step.capture, outcome.result.stdout);
        if (captured.ok) {
          this.captures[step.capture.name] = captured.value;
          return { ...base, status: 'passed', failures, capture: { name: step.capture.name, value: captured.value } };
        }
        failures.push({ check: `capture ${step.capture.name}`, detail: `  ${captured.message}` });
      }
      if (failures.length === 0) return { ...base, status: 'passed', failures };
      if (!(await this.pauseBeforeRetry(step, deadline, signal))) return { ...base, status: signal?.aborted ? 'aborted' : 'failed', failures: [...failures, ...gaveUp(step, attempt, signal)] };
    }
  }

  /** True when another attempt fits before the deadline (after the pause); false when retrying is over. */
  private async pauseBeforeRetry(step: CommandStep, deadline: number, signal: AbortSignal | undefined): Promise<boolean> {
    if (!step.retry || signal?.aborted) return false;
    if (performance.now() + step.retry.everyMs >= deadline) return false;
    try {
      await sleep(step.retry.everyMs, undefined, signal ? { signal } : {});
      return true;
    } catch {
      return false; // aborted during the pause
    }
  }

  private async startBackground(step: BackgroundStep, node: string, command: string, signal: AbortSignal | undefined): Promise<NodeRun> {
    const log = backgroundLogPath(this.runId, node, step.slug);
    const outcome = await this.exec(this.options.pool.session(node), step, node, 1, command, backgroundLaunch(command, log, step.sudo), step.timeoutMs, signal);
    const base = { node, command, attempts: 1, exitCode: outcome.result.exitCode, stdout: outcome.result.stdout, stderr: outcome.result.stderr, durationMs: 0, failures: [] as CheckFailure[] };
    if (outcome.error) return { ...base, status: outcome.kind === 'aborted' ? 'aborted' : 'failed', error: outcome.error };
    const pgid = Number(outcome.result.stdout.trim());
    if (outcome.result.exitCode !== 0 || !Number.isInteger(pgid) || pgid <= 1) {
      return { ...base, status: 'failed', failures: [{ check: 'start in the background', detail: `  exit ${outcome.result.exitCode}; stderr:\n${outcome.result.stderr}` }] };
    }
    this.background.push({ node, pgid, sudo: step.sudo, step: step.id, name: step.name, log });
    return { ...base, status: 'passed', background: { pgid, log } };
  }

  backgroundRunning(): boolean {
    return this.background.length > 0;
  }

  /** TERM then KILL to the process groups of the step's targets (all, for the final stop), newest first. */
  private async stopBackground(step: StopBackgroundStep): Promise<StepResult> {
    const t0 = performance.now();
    const mine = this.background.filter((b) => step.targets === null || step.targets.includes(b.step));
    this.background.splice(0, this.background.length, ...this.background.filter((b) => !mine.includes(b)));
    const nodes = [...new Set(mine.map((b) => b.node))];
    const runs = await Promise.all(
      nodes.map(async (node): Promise<NodeRun> => {
        const runs: NodeRun[] = [];
        const groups = mine.filter((b) => b.node === node).reverse();
        for (const b of groups) {
          const command = `kill -TERM -- -${b.pgid}  # step ${b.step}`;
          const o = await this.exec(this.options.pool.session(node), step, node, 1, command, backgroundStop(b.pgid, b.sudo), STOP_TIMEOUT_MS, undefined);
          const ok = !o.error && o.result.exitCode === 0;
          runs.push({ node, status: ok ? 'passed' : 'failed', command, attempts: 1, exitCode: o.result.exitCode, stdout: o.result.stdout, stderr: o.result.stderr, durationMs: o.result.durationMs, failures: [], ...(o.error ? { error: o.error } : {}) });
        }
        const run: NodeRun = runs.find((r) => r.status === 'failed') ?? { ...runs[runs.length - 1]!, command: runs.map((r) => r.command).join('\n'), stdout: runs.map((r) => r.stdout).join(''), durationMs: runs.reduce((t, r) => t + r.durationMs, 0) };
        this.observer.nodeEnd?.(step, run);
        return run;
      }),
    );
    return { id: step.id, name: step.name, kind: 'stop-background', phase: 'cleanup', status: worst(runs.map((r) => r.status)), durationMs: performance.now() - t0, nodes: runs, ...(step.origin ? { origin: step.origin } : {}) };
  }

  /** One command on one node; errors become data, and every attempt goes to the node's transcript. */
  private async exec(
    session: ReturnType<SshPool['session']>,
    step: { id: string },
    node: string,
    attempt: number,
    shown: string,
    sent: string,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<{ result: ExecResult; error?: undefined; kind?: undefined } | { result: ExecResult; error: string; kind: 'timeout' | 'aborted' | 'lost' | 'error' }> {
    let out: Awaited<ReturnType<StepRunner['exec']>>;
    try {
      out = { result: await session.exec(sent, { timeoutMs, ...(signal ? { signal } : {}) }) };
    } catch (err) {
      const partial = err instanceof ExecTimeoutError || err instanceof ExecAbortedError || err instanceof ConnectionLostError ? err.partial : undefined;
      const kind = err instanceof ExecTimeoutError ? 'timeout' : err instanceof ExecAbortedError ? 'aborted' : err instanceof ConnectionLostError ? 'lost' : 'error';
      const message = kind === 'lost' ? explainConnectionError(node, (err as Error).message) : (err as Error).message;
      out = { result: { exitCode: null, stdout: partial?.stdout ?? '', stderr: partial?.stderr ?? '', durationMs: partial?.durationMs ?? 0 }, error: message, kind };
    }
    this.transcript.record({
      node,
      step: step.id,
      attempt,
      command: shown === sent ? sent : `${shown}\n# sent as: ${sent}`,
      exitCode: out.result.exitCode,
      ...(out.result.signal ? { signal: out.result.signal } : {}),
      durationMs: out.result.durationMs,
      stdout: out.result.stdout,
      stderr: out.result.stderr,
      ...(out.error ? { note: out.error } : {}),
    });
    return out;
  }

  /** The value of a `${{ }}` for `step` on `node`; a capture never made (only possible in cleanup) throws. */
  private value(step: LeafStep, expr: string, node: string): string {
    const ip = this.options.lab.nodes.find((x) => x.name === node)?.ip ?? '';
    const r = resolveExpression(expr, { lab: this.options.lab, node: { name: node, ip }, vars: step.vars, captures: this.captures });
    if (!r.ok) throw new Error(r.message);
    return r.value;
  }
}

/** Why a retried step stopped trying, when it was its deadline (not an interruption): said, not left to guess. */
function gaveUp(step: CommandStep, attempts: number, signal: AbortSignal | undefined): CheckFailure[] {
  if (!step.retry || signal?.aborted) return [];
  return [{ check: `retry deadline of ${formatDuration(step.retry.forMs)} reached`, detail: `  gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}` }];
}

/** The status of a group from its parts: aborted beats failed beats passed; all skipped is skipped. */
function worst(statuses: StepStatus[]): StepStatus {
  if (statuses.includes('aborted')) return 'aborted';
  if (statuses.includes('failed')) return 'failed';
  if (statuses.length > 0 && statuses.every((s) => s === 'skipped')) return 'skipped';
  return 'passed';
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
    ...(step.kind === 'parallel' ? { steps: step.steps.map((s) => skipped(s, phase, reason)) } : {}),
    origin: step.origin,
  };
  observer?.stepEnd?.(step, result);
  return result;
}

/** Reads every node's Docker version (once per invocation) and says why the range is not met, or null. */
async function unmetRequirement(range: string, options: RunScenarioOptions): Promise<string | null> {
  const cache = options.dockerVersions ?? new Map<string, Promise<string | Error>>();
  const problems: string[] = [];
  for (const node of options.lab.nodes.map((n) => n.name)) {
    let version = cache.get(node);
    if (!version) {
      version = options.pool
        .session(node)
        .exec(DOCKER_SERVER_VERSION, { timeoutMs: VERSION_TIMEOUT_MS })
        .then((r) => (r.exitCode === 0 && r.stdout.trim() ? r.stdout.trim() : new Error(`docker version failed (exit ${r.exitCode}): ${(r.stderr.trim().split('\n')[0] ?? '').slice(0, 200)}`)))
        .catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
      cache.set(node, version);
    }
    const v = await version;
    if (v instanceof Error) problems.push(`${node}: ${v.message}`);
    else {
      const coerced = semver.coerce(v);
      if (!coerced || !semver.satisfies(coerced, range)) problems.push(`${node} runs Docker ${v}`);
    }
  }
  return problems.length ? `needs Docker ${range}; ${problems.join('; ')}` : null;
}

function timestamp(d: Date): string {
  // Milliseconds kept: two runs of one scenario in the same second must not share a folder.
  return d.toISOString().replace(/[-:]/g, '');
}
