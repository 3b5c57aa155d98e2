import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshPool } from '../../src/ssh/pool.js';
import { ReplyReader, runRequest } from '../../src/ssh/runner.js';
import { ConnectionLostError, ExecAbortedError, ExecTimeoutError, SshSession } from '../../src/ssh/session.js';
import { type SshdLab, startSshdLab } from '../support/sshd.js';

let lab: SshdLab;
beforeAll(async () => {
  lab = await startSshdLab();
});
afterAll(async () => {
  await lab?.stop();
});

describe('the runner protocol', () => {
  it('frames a request by its length in bytes, not characters', () => {
    expect(runRequest(7, 'echo é').toString('utf8')).toBe('run 7 7\necho é'); // 6 characters, 7 bytes
  });

  it('reads replies cut anywhere, with output that holds newlines and reply-like text', () => {
    const wire = Buffer.from('ready 42\nout 1 12\nexit 2 0 -\n\nerr 1 3\nno\nexit 1 3 -\nexit 3 - KILL\n');
    const whole = new ReplyReader().push(wire);
    expect(whole).toEqual([
      { kind: 'ready', pid: 42 },
      { kind: 'out', id: 1, data: Buffer.from('exit 2 0 -\n\n') },
      { kind: 'err', id: 1, data: Buffer.from('no\n') },
      { kind: 'exit', id: 1, exit: { code: 3 } },
      { kind: 'exit', id: 3, exit: { code: null, signal: 'KILL' } },
    ]);
    // Byte by byte gives the same replies.
    const reader = new ReplyReader();
    const pieces = [...wire].flatMap((byte) => reader.push(Buffer.from([byte])));
    expect(pieces).toEqual(whole);
  });

  it('refuses a reply it does not know', () => {
    expect(() => new ReplyReader().push(Buffer.from('hello world\n'))).toThrow(/unexpected reply/);
  });
});

describe('SshSession against a real sshd', () => {
  it('runs commands on one reused connection, with exit code and both streams', async () => {
    const s = await SshSession.open(lab.targets[0]!);
    try {
      const before = lab.nodes[0]!.connectionPids();
      const r = await s.exec('echo out; echo err >&2; exit 3', { timeoutMs: 5000 });
      expect(r).toMatchObject({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
      for (let i = 0; i < 5; i++) expect((await s.exec('true', { timeoutMs: 5000 })).exitCode).toBe(0);
      // No new connection per command: the listener still has the same children.
      expect(lab.nodes[0]!.connectionPids()).toEqual(before);
      // Commands run side by side on the one connection, each with its own output.
      const many = await Promise.all([1, 2, 3, 4].map((i) => s.exec(`sleep 0.$((5 - ${i})); echo ${i}`, { timeoutMs: 5000 })));
      expect(many.map((m) => m.stdout)).toEqual(['1\n', '2\n', '3\n', '4\n']);
      // Output larger than one read, byte for byte.
      const big = await s.exec('head -c 300000 /dev/zero | tr "\\0" x', { timeoutMs: 5000 });
      expect(big.stdout).toBe('x'.repeat(300_000));
    } finally {
      await s.close();
    }
  });

  it('replaces the bashes started ahead when they die waiting', async () => {
    const s = await SshSession.open(lab.targets[0]!);
    try {
      // The runner's other children are its bashes waiting for a command: this step waits until the runner, idle
      // while it runs, has started them (an event, not a delay), then kills them by PID.
      const others = 'ps -o pid= --ppid $PPID | grep -vw $$';
      // Limits are a safety net for a loaded machine (seen failing at 10 s and 5 s while labs ran beside it).
      // Then it waits until they are dead (a zombie, or reaped): SIGKILL is delivered when the victim next runs,
      // which on a loaded machine can be after the runner has taken the next command.
      const dead = `for p in $victims; do while [ -e /proc/$p ] && [ "$(cut -d' ' -f3 /proc/$p/stat 2>/dev/null)" != Z ]; do sleep 0.01; done; done`;
      const killed = await s.exec(
        `until [ -n "$(${others})" ]; do sleep 0.01; done; victims=$(${others}); for p in $victims; do kill -9 "$p" && echo "$p"; done; ${dead}; true`,
        {
          timeoutMs: 60_000,
        },
      );
      expect(killed.stdout.trim()).not.toBe('');
      for (let i = 0; i < 5; i++) expect((await s.exec(`echo ${i}`, { timeoutMs: 60_000 })).stdout).toBe(`${i}\n`);
    } finally {
      await s.close();
    }
  });

  it('kills a command that outlives its timeout and names the node', async () => {
    const s = await SshSession.open(lab.targets[1]!);
    try {
      const dir = mkdtempSync(join(tmpdir(), 'docker-lab-timeout-'));
      const command = `echo $$ > ${dir}/shell; sleep 30 & echo $! > ${dir}/sleep; echo started; wait; touch ${dir}/finished`;
      // Generous next to `echo` (a loaded machine must not fail this), tiny next to the sleep.
      const err = await s.exec(command, { timeoutMs: 3000 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ExecTimeoutError);
      expect((err as ExecTimeoutError).message).toMatch(/^docker-node2: command timed out after 3.0 s and was killed: echo \$\$ > /);
      expect((err as ExecTimeoutError).partial.stdout).toBe('started\n');
      // The whole process group was signalled: the shell and its sleep are gone, the rest never ran.
      await waitFor(() => gone(pidIn(join(dir, 'shell'))) && gone(pidIn(join(dir, 'sleep'))));
      expect(existsSync(join(dir, 'finished'))).toBe(false);
      rmSync(dir, { recursive: true, force: true });
      // The connection survived the timeout.
      expect((await s.exec('echo still-here', { timeoutMs: 5000 })).stdout).toBe('still-here\n');
    } finally {
      await s.close();
    }
  });

  it('aborts on an AbortSignal', async () => {
    const s = await SshSession.open(lab.targets[0]!);
    try {
      const ac = new AbortController();
      const dir = mkdtempSync(join(tmpdir(), 'docker-lab-abort-'));
      const p = s.exec(`echo $$ > ${dir}/shell; sleep 30`, { timeoutMs: 60_000, signal: ac.signal });
      // Abort once the command has visibly started.
      await waitFor(() => existsSync(join(dir, 'shell')) && readFileSync(join(dir, 'shell'), 'utf8').endsWith('\n'));
      ac.abort();
      await expect(p).rejects.toBeInstanceOf(ExecAbortedError);
      await waitFor(() => gone(pidIn(join(dir, 'shell'))));
      rmSync(dir, { recursive: true, force: true });
    } finally {
      await s.close();
    }
  });

  it('reports a dropped connection with the node name and reopens it once for the next command', async () => {
    const s = await SshSession.open(lab.targets[1]!);
    try {
      const node = lab.nodes[1]!;
      const dir = mkdtempSync(join(tmpdir(), 'docker-lab-drop-'));
      const p = s.exec(`echo $$ > ${dir}/shell; sleep 30`, { timeoutMs: 60_000 });
      await waitFor(() => existsSync(join(dir, 'shell')) && readFileSync(join(dir, 'shell'), 'utf8').endsWith('\n'));
      expect(node.dropConnections().length).toBeGreaterThan(0);
      const err = await p.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectionLostError);
      expect((err as Error).message).toContain('docker-node2');
      expect((err as Error).message).toContain('sleep 30');
      // The runner saw its channel end and killed the command: nothing runs on for nobody.
      await waitFor(() => gone(pidIn(join(dir, 'shell'))));
      rmSync(dir, { recursive: true, force: true });
      // Two commands at once after the drop share one new connection.
      const again = await Promise.all(['back', 'too'].map((w) => s.exec(`echo ${w}`, { timeoutMs: 5000 })));
      expect(again.map((r) => r.stdout)).toEqual(['back\n', 'too\n']);
      expect(node.connectionPids()).toHaveLength(1);
    } finally {
      await s.close();
    }
  });

  it('opens a pool on every node in parallel', async () => {
    const pool = await SshPool.open(lab.targets);
    try {
      expect(pool.nodes).toEqual(['docker-node1', 'docker-node2']);
      const r = await pool.session('docker-node2').exec('echo $SSH_CONNECTION', { timeoutMs: 5000 });
      expect(r.stdout).toContain('127.0.0.2');
    } finally {
      await pool.close();
    }
  });

  it('fails to open a pool on an unreachable node, naming it', async () => {
    const bad = { ...lab.targets[0]!, node: 'ghost', port: 1 };
    await expect(SshPool.open([lab.targets[0]!, bad])).rejects.toThrow(/ghost/);
  });
});

async function waitFor(cond: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function pidIn(file: string): number {
  return Number(readFileSync(file, 'utf8'));
}

/** Gone, or a zombie nobody reaped yet (gone for every purpose). */
function gone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}
