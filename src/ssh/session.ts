/**
 * One SSH connection per node, opened once and reused by every command, with one command runner on it
 * (runner.pl): a command costs a request on an open channel and a fork on the node, instead of a new SSH
 * channel (sshd forks a session and a shell for each) or a whole new connection.
 *
 * Every exec has a deadline. On timeout or abort the command's whole process group is killed and the exec
 * fails with what the command printed so far. A dropped connection fails the commands in flight with the
 * node's name (the runner kills them on the node) and is reopened once, lazily, before the next exec; a
 * command that may have run is never sent again.
 */
import { readFileSync } from 'node:fs';
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import { FailureError, InputError } from '../errors.js';
import { formatTime } from '../format.js';
import { Runner, RunnerLostError, type RunningCommand } from './runner.js';
import type { SshTarget } from './target.js';

interface ExecOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface ExecResult {
  /** null when the command was ended by a signal. */
  exitCode: number | null;
  signal?: string;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface SessionOptions {
  /** Handshake deadline. */
  readyTimeoutMs?: number;
  /** SSH keepalive: a connection silent for interval x countMax is declared dead. */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
}

/** How long stopping a timed-out command may take before we report the timeout anyway. */
const KILL_TIMEOUT_MS = 5_000;

/** Output seen so far, kept on errors so reports can show what the command printed before it was stopped. */
interface Partial {
  stdout: string;
  stderr: string;
  durationMs: number;
}

export class ExecTimeoutError extends FailureError {
  constructor(
    readonly node: string,
    readonly command: string,
    readonly timeoutMs: number,
    readonly partial: Partial,
  ) {
    super(`${node}: command timed out after ${formatTime(timeoutMs)} and was killed: ${oneLine(command)}`);
    this.name = 'ExecTimeoutError';
  }
}

export class ExecAbortedError extends FailureError {
  constructor(
    readonly node: string,
    readonly command: string,
    readonly partial: Partial,
  ) {
    super(`${node}: command aborted and killed: ${oneLine(command)}`);
    this.name = 'ExecAbortedError';
  }
}

export class ConnectionLostError extends FailureError {
  constructor(
    readonly node: string,
    message: string,
    readonly partial?: Partial,
  ) {
    super(message);
    this.name = 'ConnectionLostError';
  }
}

export class SshSession {
  private client: Client | null = null;
  private runner: Runner | null = null;
  /** Why the last connection went away; set until it is reopened. */
  private lostReason: string | null = null;
  private closing = false;
  private reopening: Promise<void> | null = null;

  private constructor(
    readonly target: SshTarget,
    private readonly options: Required<SessionOptions>,
  ) {}

  get node(): string {
    return this.target.node;
  }

  static async open(target: SshTarget, options: SessionOptions = {}): Promise<SshSession> {
    const session = new SshSession(target, {
      readyTimeoutMs: options.readyTimeoutMs ?? 20_000,
      keepaliveIntervalMs: options.keepaliveIntervalMs ?? 5_000,
      keepaliveCountMax: options.keepaliveCountMax ?? 3,
    });
    await session.connect();
    return session;
  }

  /** True while the connection is up (false after a drop, until the next exec reopens it). */
  get connected(): boolean {
    return this.client !== null;
  }

  private where(): string {
    return `${this.target.node} (${this.target.user}@${this.target.host}:${this.target.port})`;
  }

  /** A connection and its runner; either both are up or neither is. */
  private async connect(): Promise<void> {
    const client = await this.handshake();
    try {
      this.runner = await Runner.start(client, this.options.readyTimeoutMs);
    } catch (err) {
      client.destroy();
      throw new FailureError(`${this.where()}: cannot start the command runner: ${(err as Error).message}`, { cause: err });
    }
    this.client = client;
    this.lostReason = null;
  }

  private handshake(): Promise<Client> {
    let key: Buffer;
    try {
      key = readFileSync(this.target.identityFile);
    } catch (err) {
      // The path only, never the contents.
      return Promise.reject(new InputError(`${this.target.node}: cannot read the SSH key ${this.target.identityFile}: ${(err as Error).message}`));
    }
    const config: ConnectConfig = {
      host: this.target.host,
      port: this.target.port,
      username: this.target.user,
      privateKey: key,
      readyTimeout: this.options.readyTimeoutMs,
      keepaliveInterval: this.options.keepaliveIntervalMs,
      keepaliveCountMax: this.options.keepaliveCountMax,
      // Lab nodes are recreated with fresh host keys by design (like `vagrant ssh`, which disables host key
      // checking for them); they are only ever reached on the lab's own network or loopback.
      hostVerifier: () => true,
    };
    return new Promise((resolve, reject) => {
      const client = new Client();
      let ready = false;
      client.once('ready', () => {
        ready = true;
        // Without it, Nagle's algorithm holds each small request packet for a delayed ACK: ~40 ms per command.
        client.setNoDelay(true);
        resolve(client);
      });
      client.on('error', (err) => {
        if (!ready) reject(new FailureError(`${this.where()}: cannot connect: ${err.message}`, { cause: err }));
        else this.dropped(client, err.message);
      });
      client.on('close', () => {
        if (!ready) reject(new FailureError(`${this.where()}: connection closed during the handshake`));
        else this.dropped(client, 'the connection was closed');
      });
      client.connect(config);
    });
  }

  private dropped(client: Client, reason: string): void {
    if (this.client !== client) return; // an old connection's late event
    this.client = null;
    this.runner?.lose(reason);
    this.runner = null;
    if (!this.closing) this.lostReason = reason;
  }

  /** Runs one command. Resolves with its exit status whatever it is; rejects on timeout, abort or a lost connection. */
  async exec(command: string, { timeoutMs, signal }: ExecOptions): Promise<ExecResult> {
    if (this.closing) throw new FailureError(`${this.target.node}: session is closed`);
    if (signal?.aborted) throw new ExecAbortedError(this.node, command, { stdout: '', stderr: '', durationMs: 0 });
    if (!this.runner || this.runner.lost !== null) await this.reopen();
    const runner = this.runner!;
    const started = performance.now();
    const job = runner.run(command);
    const partial = (): Partial => ({ stdout: job.stdout, stderr: job.stderr, durationMs: performance.now() - started });

    type Stop = 'timeout' | 'abort';
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const stopped = new Promise<Stop>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
      onAbort = () => resolve('abort');
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const outcome = await Promise.race([job.ended, stopped]);
      if (typeof outcome === 'object') {
        return { exitCode: outcome.code, ...(outcome.signal ? { signal: outcome.signal } : {}), ...partial() };
      }
      const seen = partial();
      await this.kill(runner, job);
      throw outcome === 'timeout' ? new ExecTimeoutError(this.node, command, timeoutMs, seen) : new ExecAbortedError(this.node, command, seen);
    } catch (err) {
      if (!(err instanceof RunnerLostError)) throw err;
      throw new ConnectionLostError(
        this.node,
        `${this.where()}: connection lost (${err.reason}) while running: ${oneLine(command)}; the command may or may not have completed`,
        partial(),
      );
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * A command on an SSH channel of its own, beside the runner: its stdout is raw bytes, streamed as they come
   * (a packet capture), where the runner's replies are collected text. The caller owns the channel.
   */
  async channel(command: string): Promise<ClientChannel> {
    if (this.closing) throw new FailureError(`${this.target.node}: session is closed`);
    if (!this.client || !this.runner || this.runner.lost !== null) await this.reopen();
    const client = this.client!;
    return new Promise((resolve, reject) =>
      client.exec(command, (err, channel) =>
        err ? reject(new FailureError(`${this.where()}: cannot open a channel: ${err.message}`, { cause: err })) : resolve(channel),
      ),
    );
  }

  /**
   * An interactive login shell on a pseudo-terminal of `cols` x `rows` (`lab web`'s terminals), on the same
   * connection as the runner. The caller owns the channel (`setWindow` resizes it).
   */
  async shell(window: { cols: number; rows: number }): Promise<ClientChannel> {
    if (this.closing) throw new FailureError(`${this.target.node}: session is closed`);
    if (!this.client || !this.runner || this.runner.lost !== null) await this.reopen();
    const client = this.client!;
    return new Promise((resolve, reject) =>
      client.shell({ term: 'xterm-256color', cols: window.cols, rows: window.rows }, (err, channel) =>
        err ? reject(new FailureError(`${this.where()}: cannot open a shell: ${err.message}`, { cause: err })) : resolve(channel),
      ),
    );
  }

  /** Kills a command's process group and waits, bounded, for the runner to confirm it ended. */
  private async kill(runner: Runner, job: RunningCommand): Promise<void> {
    runner.kill(job);
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, KILL_TIMEOUT_MS)));
    await Promise.race([
      job.ended.then(
        () => undefined,
        () => undefined,
      ),
      gaveUp,
    ]);
    clearTimeout(timer);
    runner.forget(job);
  }

  /** After a drop: one new connection, shared by every exec that asks for it meanwhile. Nothing that was in flight is sent again. */
  private reopen(): Promise<void> {
    this.reopening ??= this.reconnect().finally(() => (this.reopening = null));
    return this.reopening;
  }

  private async reconnect(): Promise<void> {
    const reason = this.lostReason ?? this.runner?.lost ?? 'not connected';
    this.client?.destroy(); // a connection whose runner died is of no further use
    this.client = null;
    this.runner = null;
    try {
      await this.connect();
    } catch (err) {
      throw new ConnectionLostError(this.node, `${this.where()}: connection lost (${reason}) and could not be reopened: ${(err as Error).message}`);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    const client = this.client;
    this.runner?.close();
    this.client = null;
    this.runner = null;
    if (!client) return;
    await new Promise<void>((resolve) => {
      client.once('close', () => resolve());
      client.end();
      // A peer that never answers the disconnect must not hold us.
      setTimeout(() => {
        client.destroy();
        resolve();
      }, 2_000).unref();
    });
  }
}

function oneLine(command: string): string {
  const line = command.replace(/\s+/g, ' ').trim();
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}
