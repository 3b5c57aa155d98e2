/**
 * One command step on one node, attempt after attempt: the expectation filled with the step's values, each
 * attempt judged, the capture taken, and (when asked) another attempt until the expectation holds or the retry
 * deadline passes. The runner runs every command step this way, and exercise mode its checks.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { commandLine } from '../../shell/command-line.js';
import type { Failure, RunError } from '../failure.js';
import { formatDuration } from '../format/duration.js';
import { escapeRegex, interpolateText } from '../format/interpolate.js';
import { extractCapture } from '../judge/capture.js';
import { checkOutcome, describeExpectation, type Expectation, fillExpectation } from '../judge/expect.js';
import type { CommandStep } from '../kinds/command.js';
import type { NodeRun } from '../results.js';
import type { Executor } from './executor.js';

interface AttemptOptions {
  /** false: one attempt whatever the step's `retry` (exercise mode polls, and that is its retry). */
  retry: boolean;
  signal?: AbortSignal | undefined;
}

/**
 * Runs `command` (the step's run, already interpolated) until its expectation holds, the retry deadline passes,
 * or something rules out another try. `value` gives the `${{ }}` values of the step's expectation on this node.
 */
export async function runAttempts(
  executor: Executor,
  step: CommandStep,
  node: string,
  command: string,
  value: (expr: string) => string,
  o: AttemptOptions,
): Promise<NodeRun> {
  const retry = o.retry ? step.retry : null;
  const { signal } = o;
  const deadline = retry ? performance.now() + retry.forMs : 0;
  let expectation: Expectation;
  try {
    expectation = fillExpectation(
      step.expect,
      (t) => interpolateText(t, value),
      (t) => interpolateText(t, value, escapeRegex),
    );
  } catch (err) {
    return badValue(node, command, err);
  }
  const described = describeExpectation(expectation);
  for (let attempt = 1; ; attempt++) {
    const outcome = await executor.exec({
      node,
      step: step.id,
      attempt,
      shown: command,
      sent: commandLine(command, step.sudo),
      timeoutMs: step.timeoutMs,
      signal,
    });
    const base = {
      node,
      command,
      attempts: attempt,
      exitCode: outcome.result.exitCode,
      ...(outcome.result.signal ? { signal: outcome.result.signal } : {}),
      stdout: outcome.result.stdout,
      stderr: outcome.result.stderr,
      durationMs: 0,
      expectation: described,
    };
    if (outcome.error) {
      const final = outcome.error.kind === 'interrupted' || outcome.error.kind === 'node-lost';
      const failures: Failure[] =
        outcome.error.kind === 'timeout'
          ? [
              {
                kind: 'timeout',
                check: `finish within ${formatDuration(step.timeoutMs)}`,
                detail: '  it was still running, and was killed on the node with everything it started',
                timeoutMs: step.timeoutMs,
              },
            ]
          : [];
      if (final || !(await pauseBeforeRetry(retry, deadline, signal))) {
        if (!final) failures.push(...gaveUp(retry, attempt, signal));
        return { ...base, status: outcome.error.kind === 'interrupted' || signal?.aborted ? 'aborted' : 'failed', failures, error: outcome.error };
      }
      continue;
    }
    const failures: Failure[] = checkOutcome(expectation, outcome.result);
    if (failures.length === 0 && step.capture) {
      const captured = extractCapture(step.capture, outcome.result.stdout);
      if (captured.ok) return { ...base, status: 'passed', failures, capture: { name: step.capture.name, value: captured.value } };
      failures.push({ kind: 'capture', check: `capture ${step.capture.name}`, detail: `  ${captured.message}` });
    }
    if (failures.length === 0) return { ...base, status: 'passed', failures };
    if (!(await pauseBeforeRetry(retry, deadline, signal)))
      return { ...base, status: signal?.aborted ? 'aborted' : 'failed', failures: [...failures, ...gaveUp(retry, attempt, signal)] };
  }
}

type Retry = CommandStep['retry'];

/** True when another attempt fits before the deadline (after the pause); false when retrying is over. */
async function pauseBeforeRetry(retry: Retry, deadline: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (!retry || signal?.aborted) return false;
  if (performance.now() + retry.everyMs >= deadline) return false;
  try {
    await sleep(retry.everyMs, undefined, signal ? { signal } : {});
    return true;
  } catch {
    return false; // aborted during the pause
  }
}

/** Why a retried step stopped trying, when it was its deadline (not an interruption): said, not left to guess. */
function gaveUp(retry: Retry, attempts: number, signal: AbortSignal | undefined): Failure[] {
  if (!retry || signal?.aborted) return [];
  return [
    {
      kind: 'deadline',
      forMs: retry.forMs,
      attempts,
      check: `retry deadline of ${formatDuration(retry.forMs)} reached`,
      detail: `  gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}`,
    },
  ];
}

/** A command that could not be made: a `${{ }}` with no value. Nothing ran. */
export function badValue(node: string, command: string, err: unknown): NodeRun {
  const error: RunError = { kind: 'bad-value', message: (err as Error).message };
  return { node, status: 'failed', command, attempts: 0, exitCode: null, stdout: '', stderr: '', durationMs: 0, failures: [], error };
}
