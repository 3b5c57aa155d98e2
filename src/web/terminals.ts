/**
 * One shell per node, over the lab's own SSH connection (an ssh2 shell channel on a pseudo-terminal), kept
 * while the server runs: a browser that loses its websocket comes back to the same shell, and gets what the
 * shell printed meanwhile from a bounded scrollback. Several tabs may show one shell; each sees the same. A
 * teacher's tab may watch it too, read-only.
 */
import type { ClientChannel } from 'ssh2';
import type { WebSocket } from 'ws';

/** Opens a node's shell on a pseudo-terminal of that size (SshSession.shell on the lab's pool). */
export type OpenShell = (node: string, window: { cols: number; rows: number }) => Promise<ClientChannel>;

/** What a browser sends on a terminal's websocket (text frames, JSON); the shell's output comes back as binary frames. */
export type TerminalMessage = { type: 'input'; data: string } | { type: 'resize'; cols: number; rows: number };

/** Enough for a few screens of `ip` output; older bytes are dropped first. */
export const SCROLLBACK_BYTES = 256 * 1024;

export function parseTerminalMessage(text: string): TerminalMessage | null {
  try {
    const m = JSON.parse(text) as Record<string, unknown>;
    if (m.type === 'input' && typeof m.data === 'string') return { type: 'input', data: m.data };
    if (m.type === 'resize' && isSize(m.cols) && isSize(m.rows)) return { type: 'resize', cols: m.cols, rows: m.rows };
  } catch {
    // not JSON: ignored, like any other message the page does not send
  }
  return null;
}

function isSize(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 2 && n <= 1000;
}

/** The last `limit` bytes of what a shell printed. */
export class Scrollback {
  private chunks: Buffer[] = [];
  private bytes = 0;

  constructor(private readonly limit = SCROLLBACK_BYTES) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    while (this.bytes > this.limit && this.chunks.length > 0) {
      const over = this.bytes - this.limit;
      const first = this.chunks[0]!;
      if (first.length <= over) {
        this.chunks.shift();
        this.bytes -= first.length;
      } else {
        this.chunks[0] = first.subarray(over);
        this.bytes -= over;
      }
    }
  }

  contents(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

class NodeShell {
  private channel: ClientChannel | null = null;
  private opening: Promise<ClientChannel> | null = null;
  private readonly scrollback = new Scrollback();
  private readonly viewers = new Set<WebSocket>();
  private size = { cols: 100, rows: 30 };
  private closed = false;

  constructor(
    readonly node: string,
    private readonly open: OpenShell,
  ) {}

  /** A browser's websocket: it gets the scrollback, then everything the shell prints; what it types goes to the shell. */
  async attach(ws: WebSocket): Promise<void> {
    ws.on('close', () => this.viewers.delete(ws));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const m = parseTerminalMessage(data.toString());
      if (m?.type === 'resize') this.resize(m.cols, m.rows);
      else if (m?.type === 'input') void this.write(m.data);
    });
    try {
      await this.ensure();
      // In the same tick: what the shell prints from now on goes live, what it printed before in the replay, once.
      if (ws.readyState !== ws.OPEN) return;
      ws.send(this.scrollback.contents(), { binary: true });
      this.viewers.add(ws);
    } catch (err) {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(Buffer.from(`\r\n[cannot open a shell on ${this.node}: ${(err as Error).message}]\r\n`), { binary: true });
      // The page reconnects, and the shell is tried again then.
      ws.close(1011, 'no shell');
    }
  }

  /**
   * A teacher watching: the same replay and live output, and nothing of theirs reaches the shell. No handler
   * reads their frames, so neither a key nor a size can; nor is a shell opened for them: they see the
   * student's once the student opens it.
   */
  watch(ws: WebSocket): void {
    ws.on('close', () => this.viewers.delete(ws));
    if (ws.readyState !== ws.OPEN) return;
    const shown = this.scrollback.contents();
    ws.send(
      shown.length > 0 || this.channel ? shown : Buffer.from(`[watching ${this.node}: no shell open there yet; it shows here once the student opens it]\r\n`),
      { binary: true },
    );
    this.viewers.add(ws);
  }

  private async write(data: string): Promise<void> {
    try {
      (await this.ensure()).write(data);
    } catch {
      // said to the viewers by ensure's failure on the next attach; a keystroke has nowhere else to go
    }
  }

  private resize(cols: number, rows: number): void {
    this.size = { cols, rows };
    this.channel?.setWindow(rows, cols, 0, 0);
  }

  /** The shell, opened on first need and again after it ended (the student typed `exit`). */
  private ensure(): Promise<ClientChannel> {
    if (this.closed) return Promise.reject(new Error('the server is stopping'));
    if (this.channel) return Promise.resolve(this.channel);
    this.opening ??= this.open(this.node, this.size)
      .then((channel) => {
        this.channel = channel;
        // The page may have said its size while the shell was opening.
        channel.setWindow(this.size.rows, this.size.cols, 0, 0);
        const out = (chunk: Buffer) => this.output(chunk);
        channel.on('data', out);
        channel.stderr.on('data', out);
        channel.on('close', () => {
          if (this.channel === channel) this.channel = null;
          if (!this.closed) this.output(Buffer.from(`\r\n[the shell on ${this.node} ended; type to open a new one]\r\n`));
        });
        return channel;
      })
      .finally(() => (this.opening = null));
    return this.opening;
  }

  private output(chunk: Buffer): void {
    this.scrollback.push(chunk);
    for (const ws of this.viewers) if (ws.readyState === ws.OPEN) ws.send(chunk, { binary: true });
  }

  close(): void {
    this.closed = true;
    for (const ws of this.viewers) ws.close(1001, 'server stopping');
    this.channel?.close();
    this.channel = null;
  }
}

/** The nodes' shells, made on first use. */
export class Terminals {
  private readonly shells = new Map<string, NodeShell>();

  constructor(private readonly open: OpenShell) {}

  attach(node: string, ws: WebSocket): Promise<void> {
    return this.shell(node).attach(ws);
  }

  /** A read-only viewer of the node's shell (see NodeShell.watch). */
  watch(node: string, ws: WebSocket): void {
    this.shell(node).watch(ws);
  }

  private shell(node: string): NodeShell {
    let shell = this.shells.get(node);
    if (!shell) {
      shell = new NodeShell(node, this.open);
      this.shells.set(node, shell);
    }
    return shell;
  }

  close(): void {
    for (const shell of this.shells.values()) shell.close();
  }
}
