/**
 * Daemons a scenario starts (`background: true`): started detached in a process group of their own, logging on
 * the node, and stopped (TERM, then KILL) by a `stop:` step or after cleanup, newest first.
 */

import { type Failure, lastMeaningfulLine } from '../failure.js';
import type { BackgroundStep } from '../kinds/background.js';
import type { StopBackgroundStep } from '../kinds/stop.js';
import type { NodeRun } from '../results.js';
import type { Executor } from './executor.js';
import { backgroundLaunch, backgroundLogPath, backgroundStop, parseLaunchFailure } from './remote.js';

const STOP_TIMEOUT_MS = 15_000;

/** A daemon this run started. */
export interface Started {
  node: string;
  pgid: number;
  sudo: boolean;
  step: string;
  name: string;
  log: string;
}

export class Background {
  private readonly started: Started[] = [];

  constructor(
    private readonly executor: Executor,
    private readonly runId: string,
  ) {}

  running(): boolean {
    return this.started.length > 0;
  }

  on(node: string): Started[] {
    return this.started.filter((b) => b.node === node);
  }

  async start(step: BackgroundStep, node: string, command: string, signal: AbortSignal | undefined): Promise<NodeRun> {
    const log = backgroundLogPath(this.runId, node, step.slug);
    const outcome = await this.executor.exec({
      node,
      step: step.id,
      attempt: 1,
      shown: command,
      sent: backgroundLaunch(command, log, step.sudo),
      timeoutMs: step.timeoutMs,
      signal,
    });
    const base = {
      node,
      command,
      attempts: 1,
      exitCode: outcome.result.exitCode,
      stdout: outcome.result.stdout,
      stderr: outcome.result.stderr,
      durationMs: 0,
      failures: [] as Failure[],
    };
    if (outcome.error) return { ...base, status: outcome.error.kind === 'interrupted' ? 'aborted' : 'failed', error: outcome.error };
    const pgid = Number(outcome.result.stdout.trim());
    if (outcome.result.exitCode !== 0 || !Number.isInteger(pgid) || pgid <= 1) {
      const launch = parseLaunchFailure(outcome.result.stderr);
      const died: Failure = {
        kind: 'daemon-died',
        check: `daemon "${step.name}" starts`,
        detail: `  exit ${launch?.code ?? outcome.result.exitCode}; stderr:\n${outcome.result.stderr}`,
        daemon: step.name,
        lastWords: lastMeaningfulLine(launch?.logTail ?? outcome.result.stderr),
      };
      return { ...base, status: 'failed', failures: [died] };
    }
    this.started.push({ node, pgid, sudo: step.sudo, step: step.id, name: step.name, log });
    return { ...base, status: 'passed', background: { pgid, log } };
  }

  /** The process groups of the step's targets (all, for the final stop), newest first; one NodeRun per node. */
  async stop(step: StopBackgroundStep): Promise<NodeRun[]> {
    const mine = this.started.filter((b) => step.targets === null || step.targets.includes(b.step));
    this.started.splice(0, this.started.length, ...this.started.filter((b) => !mine.includes(b)));
    const nodes = [...new Set(mine.map((b) => b.node))];
    return Promise.all(
      nodes.map(async (node): Promise<NodeRun> => {
        const runs: NodeRun[] = [];
        for (const b of mine.filter((x) => x.node === node).reverse()) {
          const command = `kill -TERM -- -${b.pgid}  # step ${b.step}`;
          const o = await this.executor.exec({
            node,
            step: step.id,
            attempt: 1,
            shown: command,
            sent: backgroundStop(b.pgid, b.sudo),
            timeoutMs: STOP_TIMEOUT_MS,
          });
          const ok = !o.error && o.result.exitCode === 0;
          runs.push({
            node,
            status: ok ? 'passed' : 'failed',
            command,
            attempts: 1,
            exitCode: o.result.exitCode,
            stdout: o.result.stdout,
            stderr: o.result.stderr,
            durationMs: o.result.durationMs,
            failures: [],
            ...(o.error ? { error: o.error } : {}),
          });
        }
        return (
          runs.find((r) => r.status === 'failed') ?? {
            ...runs[runs.length - 1]!,
            command: runs.map((r) => r.command).join('\n'),
            stdout: runs.map((r) => r.stdout).join(''),
            durationMs: runs.reduce((t, r) => t + r.durationMs, 0),
          }
        );
      }),
    );
  }
}
