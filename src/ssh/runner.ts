/**
 * The client side of the command runner (runner.pl): starts it on an SSH connection, frames requests, and
 * routes its replies to the commands waiting for them. Several commands may run at once on one runner.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client, ClientChannel } from 'ssh2';
import { NODE_PATH } from '../shell/command-line.js';
import { shellQuote } from '../shell/quote.js';

const SCRIPT = readFileSync(join(import.meta.dirname, 'runner.pl'), 'utf8');

/** The per-stream cap on output kept in memory; course commands print far less. */
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

export interface Exit {
  /** null when the command was ended by a signal. */
  code: number | null;
  signal?: string;
}

/** One reply of the runner. */
type Reply = { kind: 'ready'; pid: number } | { kind: 'out' | 'err'; id: number; data: Buffer } | { kind: 'exit'; id: number; exit: Exit };

/** Cuts the runner's stdout into replies; chunks may split a reply anywhere. */
export class ReplyReader {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Reply[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const replies: Reply[] = [];
    for (;;) {
      const nl = this.buffer.indexOf(0x0a);
      if (nl < 0) break;
      const [verb, a, b, c] = this.buffer.subarray(0, nl).toString('latin1').split(' ');
      if (verb === 'out' || verb === 'err') {
        const length = Number(b);
        if (this.buffer.length < nl + 1 + length) break;
        replies.push({ kind: verb, id: Number(a), data: this.buffer.subarray(nl + 1, nl + 1 + length) });
        this.buffer = this.buffer.subarray(nl + 1 + length);
        continue;
      }
      this.buffer = this.buffer.subarray(nl + 1);
      if (verb === 'exit')
        replies.push({ kind: 'exit', id: Number(a), exit: { code: b === '-' ? null : Number(b), ...(c && c !== '-' ? { signal: c } : {}) } });
      else if (verb === 'ready') replies.push({ kind: 'ready', pid: Number(a) });
      else throw new Error(`unexpected reply from the runner: ${JSON.stringify(`${verb} ${a ?? ''}`.trim())}`);
    }
    return replies;
  }
}

/** A request to run `command`, framed by its length in bytes. */
export function runRequest(id: number, command: string): Buffer {
  const body = Buffer.from(command, 'utf8');
  return Buffer.concat([Buffer.from(`run ${id} ${body.length}\n`, 'latin1'), body]);
}

/** A command started on the runner: its output so far, and its end. */
export class RunningCommand {
  private readonly out: Buffer[] = [];
  private readonly err: Buffer[] = [];
  private outBytes = 0;
  private errBytes = 0;
  /** Resolves with the exit status; rejects with RunnerLostError when the runner goes away first. */
  readonly ended: Promise<Exit>;
  finish!: (exit: Exit) => void;
  fail!: (reason: string) => void;

  constructor(readonly id: number) {
    this.ended = new Promise<Exit>((resolve, reject) => {
      this.finish = resolve;
      this.fail = (reason) => reject(new RunnerLostError(reason));
    });
    this.ended.catch(() => undefined); // observed by whoever awaits it; never an unhandled rejection
  }

  add(stream: 'out' | 'err', data: Buffer): void {
    if (stream === 'out') {
      this.outBytes += data.length;
      if (this.outBytes <= MAX_OUTPUT_BYTES) this.out.push(Buffer.from(data));
    } else {
      this.errBytes += data.length;
      if (this.errBytes <= MAX_OUTPUT_BYTES) this.err.push(Buffer.from(data));
    }
  }

  get stdout(): string {
    return Buffer.concat(this.out).toString('utf8');
  }

  get stderr(): string {
    return Buffer.concat(this.err).toString('utf8');
  }
}

export class RunnerLostError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'RunnerLostError';
  }
}

export class Runner {
  private nextId = 1;
  private readonly running = new Map<number, RunningCommand>();
  private lostReason: string | null = null;

  private constructor(private readonly channel: ClientChannel) {}

  /** Starts the runner on a connection; resolves once it says it is ready. */
  static start(client: Client, timeoutMs: number): Promise<Runner> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the command runner did not start within ${timeoutMs} ms`)), timeoutMs);
      client.exec(`exec env PATH=${NODE_PATH} perl -e ${shellQuote(SCRIPT)}`, (err, channel) => {
        if (err) {
          clearTimeout(timer);
          reject(err);
          return;
        }
        const runner = new Runner(channel);
        const reader = new ReplyReader();
        let ready = false;
        let stderr = '';
        channel.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-2000)));
        channel.on('data', (chunk: Buffer) => {
          let replies: Reply[];
          try {
            replies = reader.push(chunk);
          } catch (e) {
            runner.lose((e as Error).message);
            channel.close();
            return;
          }
          for (const reply of replies) {
            if (reply.kind === 'ready') {
              ready = true;
              clearTimeout(timer);
              resolve(runner);
            } else runner.route(reply);
          }
        });
        channel.on('close', () => {
          const why = stderr.trim() ? `the command runner stopped: ${stderr.trim()}` : 'the command runner stopped';
          if (!ready) {
            clearTimeout(timer);
            reject(new Error(/perl: (command )?not found/.test(stderr) ? 'the node has no perl (Debian: perl-base)' : why));
          }
          // When the whole connection went, its own reason (reset, keepalive timeout) is the one to give:
          // the client reports it right after its channels close.
          setImmediate(() => runner.lose(why));
        });
      });
    });
  }

  /** Why the runner can no longer be used, or null while it can. */
  get lost(): string | null {
    return this.lostReason;
  }

  run(command: string): RunningCommand {
    const job = new RunningCommand(this.nextId++);
    if (this.lostReason !== null) {
      job.fail(this.lostReason);
      return job;
    }
    this.running.set(job.id, job);
    this.channel.write(runRequest(job.id, command));
    return job;
  }

  /** Kills the command's process group on the node; its `ended` follows when the runner reports it. */
  kill(job: RunningCommand): void {
    if (this.lostReason === null && this.running.has(job.id)) this.channel.write(`kill ${job.id}\n`);
  }

  /** Stops routing replies to a command given up on (its kill was not confirmed in time). */
  forget(job: RunningCommand): void {
    this.running.delete(job.id);
  }

  /** Fails every command in flight; called when the channel or the whole connection goes away. */
  lose(reason: string): void {
    if (this.lostReason !== null) return;
    this.lostReason = reason;
    for (const job of this.running.values()) job.fail(reason);
    this.running.clear();
  }

  /** Ending stdin makes the runner kill what still runs and exit. */
  close(): void {
    this.lose('the session was closed');
    this.channel.end();
  }

  private route(reply: Exclude<Reply, { kind: 'ready' }>): void {
    const job = this.running.get(reply.id);
    if (!job) return; // a command forgotten after an unconfirmed kill
    if (reply.kind === 'exit') {
      this.running.delete(reply.id);
      job.finish(reply.exit);
    } else job.add(reply.kind, reply.data);
  }
}
