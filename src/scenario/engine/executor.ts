/**
 * One command on one node, for every kind of step: errors become data (a RunError of a known kind), and every
 * attempt goes to the node's transcript. Without a transcript it is quiet: exercise mode polls checks every
 * second, and a transcript of that would be noise.
 */
import type { SshPool } from '../../ssh/pool.js';
import { ConnectionLostError, ExecAbortedError, type ExecResult, ExecTimeoutError } from '../../ssh/session.js';
import type { RunError } from '../failure.js';
import { explainConnectionError } from './lab-network.js';
import type { Transcript } from './transcript.js';

type ExecOutcome = { result: ExecResult; error?: undefined } | { result: ExecResult; error: RunError };

interface ExecRequest {
  node: string;
  step: string;
  attempt: number;
  /** The command as a reader would type it (transcripts show it). */
  shown: string;
  /** What goes to the node (a wrapper around `shown`, or `shown` itself). */
  sent: string;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

export class Executor {
  constructor(
    readonly pool: SshPool,
    private readonly transcript: Transcript | null = null,
  ) {}

  async exec(req: ExecRequest): Promise<ExecOutcome> {
    let out: ExecOutcome;
    try {
      out = { result: await this.pool.session(req.node).exec(req.sent, { timeoutMs: req.timeoutMs, ...(req.signal ? { signal: req.signal } : {}) }) };
    } catch (err) {
      const partial = err instanceof ExecTimeoutError || err instanceof ExecAbortedError || err instanceof ConnectionLostError ? err.partial : undefined;
      const message = (err as Error).message;
      const error: RunError =
        err instanceof ExecTimeoutError
          ? { kind: 'timeout', message }
          : err instanceof ExecAbortedError
            ? { kind: 'interrupted', message }
            : err instanceof ConnectionLostError
              ? { kind: 'node-lost', message: explainConnectionError(req.node, message) }
              : { kind: 'error', message };
      out = { result: { exitCode: null, stdout: partial?.stdout ?? '', stderr: partial?.stderr ?? '', durationMs: partial?.durationMs ?? 0 }, error };
    }
    this.transcript?.record({
      node: req.node,
      step: req.step,
      attempt: req.attempt,
      command: req.shown === req.sent ? req.sent : `${req.shown}\n# sent as: ${req.sent}`,
      exitCode: out.result.exitCode,
      ...(out.result.signal ? { signal: out.result.signal } : {}),
      durationMs: out.result.durationMs,
      stdout: out.result.stdout,
      stderr: out.result.stderr,
      ...(out.error ? { note: out.error.message } : {}),
    });
    return out;
  }
}
