/**
 * Runs a step's verification, or its solution, on the live lab and says what was found: the engine's attempts
 * (runAttempts) on a quiet executor, nothing written to a transcript, since a check is polled every second;
 * one attempt per check (the exercise loop is the retry).
 */
import type { Lab } from '../lab/model.js';
import { runAttempts } from '../scenario/engine/attempts.js';
import { Executor } from '../scenario/engine/executor.js';
import { backgroundLaunch, backgroundLogPath } from '../scenario/engine/remote.js';
import { type Failure, lastMeaningfulLine } from '../scenario/failure.js';
import { interpolateShell } from '../scenario/format/interpolate.js';
import { scopeOnNode, valueIn } from '../scenario/format/scope.js';
import { type CommandStep, isCommand } from '../scenario/kinds/command.js';
import { kindOf, type LeafStep } from '../scenario/kinds/registry.js';
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

/** Whether the step's verification holds on the live state now. */
export async function probe(step: ExerciseStep, ctx: ProbeContext): Promise<Verdict> {
  return judgeAll(verifyingCommands(step), ctx, false);
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

async function judgeAll(commands: readonly CommandStep[], ctx: ProbeContext, retry: boolean): Promise<Verdict> {
  const captures: Record<string, string> = {};
  const runs = await Promise.all(commands.flatMap((c) => c.nodes.map(async (node) => ({ c, node, miss: await judge(c, node, ctx, retry, captures) }))));
  const misses = runs.flatMap((r) => (r.miss ? [r.miss] : []));
  return { holds: misses.length === 0, misses, captures };
}

async function judge(step: CommandStep, node: string, ctx: ProbeContext, retry: boolean, captures: Record<string, string>): Promise<Miss | null> {
  const base = { what: step.name, node, command: step.run.trim(), failures: [], observed: '' };
  const value = valueFor(step, node, ctx);
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

function valueFor(step: LeafStep, node: string, ctx: ProbeContext): (expr: string) => string {
  return valueIn(scopeOnNode(ctx.lab, node, step.vars, ctx.captures));
}
