/**
 * One SSH connection per node, opened once and reused by every command: a command costs one channel on a
 * warm connection instead of a TCP+SSH handshake (or a 2.4 s `vagrant ssh`).
 *
 * Every exec has a deadline. On timeout or abort the command's whole process group is killed (its shell
 * announces its PID on stderr, see announcePgid) and the channel is closed. A dropped connection fails the commands in flight with the node's name and is reopened once, lazily,
 * before the next exec; a command that may have run is never sent again.
 */
import { readFileSync } from 'node:fs';
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import { FailureError, InputError } from '../errors.js';
import type { SshTarget } from './target.js';

export interface ExecOptions {
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

/** The per-stream cap on output kept in memory; course commands print far less. */
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
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
    super(`${node}: command timed out after ${humanMs(timeoutMs)} and was killed: ${oneLine(command)}`);
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
  /** Why the last connection went away; set until it is reopened. */
  private lostReason: string | null = null;
  private closing = false;
  /** The execs in flight on the current connection, told when it goes away. */
  private readonly inFlight = new Set<(reason: string) => void>();

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

  private connect(): Promise<void> {
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
        this.client = client;
        this.lostReason = null;
        resolve();
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
    if (this.closing) return;
    this.lostReason = reason;
    for (const tell of [...this.inFlight]) tell(reason);
    this.inFlight.clear();
  }

  /** Runs one command. Resolves with its exit status whatever it is; rejects on timeout, abort or a lost connection. */
  async exec(command: string, { timeoutMs, signal }: ExecOptions): Promise<ExecResult> {
    if (this.closing) throw new FailureError(`${this.target.node}: session is closed`);
    if (signal?.aborted) throw new ExecAbortedError(this.node, command, { stdout: '', stderr: '', durationMs: 0 });
    if (!this.client) await this.reopen();
    const client = this.client!;
    const started = performance.now();

    return new Promise<ExecResult>((resolve, reject) => {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let outBytes = 0;
      let errBytes = 0;
      let channel: ClientChannel | null = null;
      let exit: { code: number | null; signal?: string } | null = null;
      /** The remote shell's process group, announced on the first line of stderr. */
      let pgid: number | null = null;
      let errHead: Buffer | null = Buffer.alloc(0);
      let settled = false;

      const partial = (): Partial => ({ stdout: decode(out), stderr: decode(err), durationMs: performance.now() - started });
      const finish = (action: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.inFlight.delete(onLost);
        action();
      };
      /** Stops the command: its whole process group, then its channel. Resolves when that is done (bounded). */
      const kill = async () => {
        const ch = channel as ClientChannel | null;
        try {
          ch?.signal('KILL'); // honoured by sshd for privilege-separated (non-root) logins
        } catch {
          // the channel may already be gone
        }
        if (pgid !== null) await this.killGroup(client, pgid);
        ch?.close();
      };
      const onLost = (reason: string) =>
        finish(() =>
          reject(new ConnectionLostError(this.node, `${this.where()}: connection lost (${reason}) while running: ${oneLine(command)}; the command may or may not have completed`, partial())),
        );
      const onAbort = () =>
        finish(() => {
          const p = partial();
          void kill().finally(() => reject(new ExecAbortedError(this.node, command, p)));
        });
      const timer = setTimeout(
        () =>
          finish(() => {
            const p = partial();
            void kill().finally(() => reject(new ExecTimeoutError(this.node, command, timeoutMs, p)));
          }),
        timeoutMs,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      this.inFlight.add(onLost);

      client.exec(announcePgid(command), (openErr, stream) => {
        if (openErr) {
          finish(() => reject(new FailureError(`${this.where()}: cannot start a command: ${openErr.message}`, { cause: openErr })));
          return;
        }
        channel = stream;
        if (settled) {
          void kill(); // timed out or aborted while the channel was opening
          return;
        }
        stream.on('data', (chunk: Buffer) => {
          if ((outBytes += chunk.length) <= MAX_OUTPUT_BYTES) out.push(chunk);
        });
        stream.stderr.on('data', (chunk: Buffer) => {
          if (errHead !== null) {
            // Until the announcement line is complete, hold stderr back; then drop that line.
            errHead = Buffer.concat([errHead, chunk]);
            const parsed = parseAnnouncement(errHead);
            if (parsed === 'incomplete') return;
            chunk = parsed ? errHead.subarray(parsed.length) : errHead;
            if (parsed) pgid = parsed.pgid;
            errHead = null;
          }
          if ((errBytes += chunk.length) <= MAX_OUTPUT_BYTES) err.push(chunk);
        });
        stream.on('exit', (code: number | null, sig?: string) => {
          exit = { code: typeof code === 'number' ? code : null, ...(sig ? { signal: sig } : {}) };
        });
        stream.on('close', () =>
          finish(() => {
            if (errHead?.length) err.push(errHead); // stderr too short to hold an announcement
            const p = partial();
            if (!exit) {
              // Closed without an exit status: the server or the connection went away mid-command.
              reject(new ConnectionLostError(this.node, `${this.where()}: the command's channel closed without an exit status: ${oneLine(command)}`, p));
              return;
            }
            resolve({ exitCode: exit.code, ...(exit.signal ? { signal: exit.signal } : {}), stdout: p.stdout, stderr: p.stderr, durationMs: p.durationMs });
          }),
        );
      });
    });
  }

  /**
   * Kills a process group from a second channel: first as the login user, then through `sudo -n` for what a
   * `sudo` command runs as root (silently nothing where the user has no sudo). This is what stops a command
   * when sshd ignores the signal request (it does for root logins, which skip privilege separation).
   */
  private killGroup(client: Client, pgid: number): Promise<void> {
    const script = `kill -KILL -- -${pgid} 2>/dev/null; sudo -n kill -KILL -- -${pgid} 2>/dev/null; true`;
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, KILL_TIMEOUT_MS);
      const done = () => (clearTimeout(timer), resolve());
      try {
        client.exec(script, (err, stream) => {
          if (err) return done();
          stream.on('close', done);
          stream.resume();
          stream.stderr.resume();
        });
      } catch {
        done(); // the connection is gone: nothing to send it on
      }
    });
  }

  /** After a drop: one new connection. Nothing that was in flight is sent again. */
  private async reopen(): Promise<void> {
    const reason = this.lostReason ?? 'not connected';
    try {
      await this.connect();
    } catch (err) {
      throw new ConnectionLostError(this.node, `${this.where()}: connection lost (${reason}) and could not be reopened: ${(err as Error).message}`);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    const client = this.client;
    this.client = null;
    for (const tell of [...this.inFlight]) tell('the session was closed');
    this.inFlight.clear();
    if (!client) return;
    await new Promise<void>((resolve) => {
      client.once('close', () => resolve());
      client.end();
      // A peer that never answers the disconnect must not hold us.
      setTimeout(() => (client.destroy(), resolve()), 2_000).unref();
    });
  }
}

/**
 * Prefixes a command with one line on stderr naming its shell's PID. sshd makes that shell a session (and
 * process group) leader, so the PID is the group to kill on timeout. The line is removed from stderr.
 */
const ANNOUNCE = '\u001edocker-lab-pgid=';

export function announcePgid(command: string): string {
  return `printf '\\036docker-lab-pgid=%s\\n' "$$" >&2; ${command}`;
}

/** The announcement at the head of stderr: its length and PID, null when absent, 'incomplete' when cut. */
export function parseAnnouncement(head: Buffer): { length: number; pgid: number } | null | 'incomplete' {
  const text = head.toString('latin1');
  if (text.length < ANNOUNCE.length) return ANNOUNCE.startsWith(text) ? 'incomplete' : null;
  if (!text.startsWith(ANNOUNCE)) return null;
  const nl = text.indexOf('\n');
  if (nl < 0) return text.length > ANNOUNCE.length + 12 ? null : 'incomplete';
  const pgid = Number(text.slice(ANNOUNCE.length, nl));
  return Number.isInteger(pgid) && pgid > 1 ? { length: nl + 1, pgid } : null;
}

/** `300 ms`, `2 s`, `1.5 s`: how the scenario file says it. */
function humanMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(3))} s`;
}

function decode(chunks: Buffer[]): string {
  return Buffer.concat(chunks).toString('utf8');
}

function oneLine(command: string): string {
  const line = command.replace(/\s+/g, ' ').trim();
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}
