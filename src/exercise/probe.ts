/**
 * Runs a step's verification, or its solution, on the live lab and says what was found: the engine's attempts
 * (runAttempts) on a quiet executor, nothing written to a transcript, since a check is polled every second;
 * one attempt per check (the exercise loop is the retry).
 */
import type { Lab } from '../lab/model.js';
import { runAttempts } from '../scenario/engine/attempts.js';
import { Executor } from '../scenario/engine/executor.js';
import { backgroundLaunch, backgroundLogPath, backgroundStop } from '../scenario/engine/remote.js';
import { boundedWatch, notReady, watchOutput, watchReadyScript } from '../scenario/engine/watch.js';
import { type Failure, lastMeaningfulLine } from '../scenario/failure.js';
import { interpolateShell } from '../scenario/format/interpolate.js';
import { scopeOnNode, valueIn } from '../scenario/format/scope.js';
import { type CommandStep, isCommand } from '../scenario/kinds/command.js';
import { type GuidedStep, kindOf, type LeafStep } from '../scenario/kinds/registry.js';
import type { Watch } from '../scenario/plan.js';
import type { SshPool } from '../ssh/pool.js';
import { type ExerciseStep, solutionLeaves } from './plan.js';

/** One command that did not hold on one node. */
export interface Miss {
  /** What was verified, in the author's words (the check's name). */
  what: string;
  node: string;
  command: string;
  failures: Failure[];
  /** What the node printed (stdout, else stderr), for "observed". */
  observed: string;
  /** The command could not be judged at all: connection lost, timeout, a capture never made. */
  error?: string;
}

export interface Verdict {
  holds: boolean;
  /**
   * Set when nothing could be judged: a watched step whose watch is not running (`--check`, long after the
   * student typed it). Its `holds` is true, as a confirm step's would be; afterTheFact calls it unproven.
   */
  unjudged?: true;
  misses: Miss[];
  /** Values captured by the commands that ran (a re-run step takes its capture this way). */
  captures: Record<string, string>;
}

export interface ProbeContext {
  pool: SshPool;
  lab: Lab;
  captures: Record<string, string>;
}

/** The commands whose holding means the step is done; none for a step the student confirms. */
export function verifyingCommands(step: ExerciseStep): CommandStep[] {
  if (step.verify.kind === 'check') return step.verify.checks;
  if (step.verify.kind === 'rerun') return solutionLeaves(step).filter(isCommand);
  return [];
}

/** Whether the step's verification holds on the live state now (a watched step's, on what its watch saw). */
export async function probe(step: ExerciseStep, ctx: ProbeContext): Promise<Verdict> {
  const watch = watchOfStep(step);
  if (!watch) return judgeAll(verifyingCommands(step), ctx, false);
  const w = watching.get(step.step);
  // Nothing watched the student's command: what it did can not be seen now, neither done nor missed.
  if (!w) return { holds: true, unjudged: true, misses: [], captures: {} };
  if (w.kind === 'failed') return { holds: false, misses: w.misses, captures: {} };
  return judgeAll(verifyingCommands(step), ctx, false, { output: w.output });
}

/** The watches running for steps on screen (one session, one process): by the plan step. */
const watching = new Map<GuidedStep, { kind: 'running'; node: string; pgid: number; sudo: boolean; output: string } | { kind: 'failed'; misses: Miss[] }>();

function watchOfStep(step: ExerciseStep): Watch | null {
  return step.verify.kind === 'check' ? step.verify.watch : null;
}

/**
 * A step comes on screen: its watch, when it has one, starts now, before the student types the step, and the
 * step's checks read what it sees (engine/watch.ts). Resolves once the watch is ready; the misses say why it
 * could not start (the step then can not be credited: probe says so). Ends the step's watch still running.
 */
export async function beginStep(step: ExerciseStep, ctx: ProbeContext, runId: string): Promise<Miss[]> {
  const watch = watchOfStep(step);
  if (!watch) return [];
  await endStep(step, ctx, runId);
  const node = watch.nodes[0]!;
  const output = watchOutput(runId, watch);
  const base = { what: watch.name, node, command: watch.run.trim(), failures: [], observed: '' };
  let misses: Miss[];
  try {
    const command = interpolateShell(watch.run, valueFor(watch, node, ctx));
    const launched = await ctx.pool.session(node).exec(backgroundLaunch(boundedWatch(command), output, watch.sudo), { timeoutMs: 30_000 });
    const pgid = Number(launched.stdout.trim());
    if (launched.exitCode !== 0 || !Number.isInteger(pgid) || pgid <= 1) {
      misses = [{ ...base, command, observed: launched.stderr.trimEnd(), failures: [notReady(watch, launched.stderr)] }];
    } else {
      watching.set(step.step, { kind: 'running', node, pgid, sudo: watch.sudo, output });
      const ready = await ctx.pool.session(node).exec(watchReadyScript(output, watch.timeoutMs), { timeoutMs: watch.timeoutMs + 10_000 });
      if (ready.exitCode === 0) return [];
      misses = [{ ...base, command, observed: ready.stderr.trimEnd(), failures: [notReady(watch, ready.stderr)] }];
      await endStep(step, ctx, runId);
    }
  } catch (err) {
    misses = [{ ...base, error: (err as Error).message }];
    if (watching.has(step.step)) await endStep(step, ctx, runId).catch(() => undefined);
  }
  watching.set(step.step, { kind: 'failed', misses });
  return misses;
}

/** The student leaves the step (done, back, quit): its watch stops. Nothing to do for a step without one. */
export async function endStep(step: ExerciseStep, ctx: ProbeContext, _runId: string): Promise<void> {
  const w = watching.get(step.step);
  watching.delete(step.step);
  if (w?.kind !== 'running') return;
  await ctx.pool.session(w.node).exec(backgroundStop(w.pgid, w.sudo), { timeoutMs: 15_000 });
}

/**
 * Runs the step's own commands for the student (key S): daemons detached as `lab scenario` starts them, the
 * others honouring their retry (a network that takes a moment to show on the other node).
 */
export async function runSolution(step: ExerciseStep, ctx: ProbeContext, runId: string): Promise<Verdict> {
  const leaves = solutionLeaves(step);
  const daemons = leaves.filter((l) => kindOf(l).daemon);
  const started = await Promise.all(daemons.flatMap((d) => d.nodes.map((node) => startDaemon(d, node, ctx, runId))));
  const commands = await judgeAll(leaves.filter(isCommand), ctx, true);
  const misses = [...started.flatMap((m) => (m ? [m] : [])), ...commands.misses];
  return { holds: misses.length === 0, misses, captures: commands.captures };
}

async function judgeAll(commands: readonly CommandStep[], ctx: ProbeContext, retry: boolean, watch?: { output: string }): Promise<Verdict> {
  const captures: Record<string, string> = {};
  const runs = await Promise.all(commands.flatMap((c) => c.nodes.map(async (node) => ({ c, node, miss: await judge(c, node, ctx, retry, captures, watch) }))));
  const misses = runs.flatMap((r) => (r.miss ? [r.miss] : []));
  return { holds: misses.length === 0, misses, captures };
}

async function judge(
  step: CommandStep,
  node: string,
  ctx: ProbeContext,
  retry: boolean,
  captures: Record<string, string>,
  watch?: { output: string },
): Promise<Miss | null> {
  const base = { what: step.name, node, command: step.run.trim(), failures: [], observed: '' };
  const value = valueFor(step, node, ctx, watch);
  let command: string;
  try {
    command = interpolateShell(step.run, value);
  } catch (err) {
    return { ...base, error: (err as Error).message };
  }
  const run = await runAttempts(new Executor(ctx.pool), step, node, command, value, { retry });
  if (run.status === 'passed') {
    if (run.capture) captures[run.capture.name] = run.capture.value;
    return null;
  }
  return {
    ...base,
    command,
    failures: run.failures,
    observed: (run.stdout.trim() ? run.stdout : run.stderr).trimEnd(),
    ...(run.error ? { error: run.error.message } : {}),
  };
}

async function startDaemon(step: LeafStep, node: string, ctx: ProbeContext, runId: string): Promise<Miss | null> {
  const base = { what: step.name, node, command: step.run.trim(), failures: [], observed: '' };
  try {
    const command = interpolateShell(step.run, valueFor(step, node, ctx));
    const log = backgroundLogPath(runId, node, step.slug);
    const r = await ctx.pool.session(node).exec(backgroundLaunch(command, log, step.sudo), { timeoutMs: step.timeoutMs });
    return r.exitCode === 0
      ? null
      : {
          ...base,
          command,
          observed: r.stderr.trimEnd(),
          failures: [
            {
              kind: 'daemon-died',
              check: 'start in the background',
              detail: `  exit ${r.exitCode}`,
              daemon: step.name,
              lastWords: lastMeaningfulLine(r.stderr),
            },
          ],
        };
  } catch (err) {
    return { ...base, error: (err as Error).message };
  }
}

function valueFor(step: LeafStep, node: string, ctx: ProbeContext, watch?: { output: string }): (expr: string) => string {
  return valueIn(scopeOnNode(ctx.lab, node, step.vars, ctx.captures, watch));
}
