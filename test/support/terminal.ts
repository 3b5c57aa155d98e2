/**
 * A real terminal for the interactive modes, as a person has one: tmux, on a server of the test's own (its own
 * socket in a folder of its own, so nothing of a user's tmux is touched, and nothing is left), one window of 160x90. Keys go in with send-keys, the screen
 * comes back with capture-pane: what a person would read, not the bytes that drew it. The pane stays when the
 * command ends, with its exit code printed, so a test can see how it ended.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

export class Terminal {
  private constructor(private readonly dir: string) {}

  /** tmux's options that name this terminal's server. */
  private get server(): string[] {
    return ['-S', join(this.dir, 'socket')];
  }

  /** Starts `command` (a shell line) in `cwd`; after it ends the terminal shows `EXITED <code>`. */
  static async open(command: string, cwd: string): Promise<Terminal> {
    const terminal = new Terminal(mkdtempSync(join(tmpdir(), 'dlab-tmux-')));
    const conf = join(terminal.dir, 'tmux.conf');
    // In the configuration, not set after the start: a command that ends at once would take its pane with it.
    writeFileSync(conf, 'set -g remain-on-exit on\nset -g history-limit 10000\n');
    const line = `cd ${cwd} && ${command}; echo "EXITED $?"`;
    await execa('tmux', [...terminal.server, '-f', conf, 'new-session', '-d', '-x', '160', '-y', '90', 'bash', '-c', line], {
      env: { TERM: 'xterm-256color' },
    });
    return terminal;
  }

  /** The screen as it shows now, trailing blank lines dropped. */
  async screen(): Promise<string> {
    const r = await execa('tmux', [...this.server, 'capture-pane', '-p', '-t', '0'], { reject: false });
    return String(r.stdout).trimEnd();
  }

  /** One key as typed: `Enter`, or a character. */
  async key(k: string): Promise<void> {
    await execa('tmux', [...this.server, 'send-keys', '-t', '0', ...(k === 'Enter' ? ['Enter'] : ['-l', k])]);
  }

  /** Polls the screen until `pattern` shows; fails with the screen as it was. */
  async see(pattern: RegExp | string, limitMs: number): Promise<string> {
    const deadline = Date.now() + limitMs;
    for (;;) {
      const text = await this.screen();
      if (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text)) return text;
      if (Date.now() > deadline) throw new Error(`never saw ${pattern} on the screen:\n${text}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Ends the terminal's server, and so the command in it (tmux hangs up its pane); tmux leaves its socket behind. */
  async close(): Promise<void> {
    await execa('tmux', [...this.server, 'kill-server'], { reject: false });
    rmSync(this.dir, { recursive: true, force: true });
  }
}
