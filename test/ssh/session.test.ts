import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announcePgid, ConnectionLostError, ExecAbortedError, ExecTimeoutError, parseAnnouncement, SshSession } from '../../src/ssh/session.js';
import { SshPool } from '../../src/ssh/pool.js';
import { startSshdLab, type SshdLab } from '../support/sshd.js';

let lab: SshdLab;
beforeAll(async () => {
  lab = await startSshdLab();
});
afterAll(async () => {
  await lab?.stop();
});

describe('the process-group announcement', () => {
  it('is parsed from the head of stderr and only from there', () => {
    const line = Buffer.from('\u001edocker-lab-pgid=4242\nreal stderr');
    expect(parseAnnouncement(line)).toEqual({ length: 22, pgid: 4242 });
    expect(parseAnnouncement(Buffer.from('\u001edocker-lab'))).toBe('incomplete');
    expect(parseAnnouncement(Buffer.from('\u001edocker-lab-pgid=42'))).toBe('incomplete');
    expect(parseAnnouncement(Buffer.from('some error\n'))).toBeNull();
    expect(announcePgid('echo hi')).toBe(`printf '\\036docker-lab-pgid=%s\\n' "$$" >&2; echo hi`);
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
      expect((err as ExecTimeoutError).message).toMatch(/^docker-node2: command timed out after 3 s and was killed: echo \$\$ > /);
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
      const p = s.exec('echo go; sleep 30', { timeoutMs: 60_000, signal: ac.signal });
      // Abort once the command has visibly started.
      await waitFor(async () => (await s.exec("pgrep -f 'echo go; sleep 30' || true", { timeoutMs: 5000 })).stdout.trim() !== '');
      ac.abort();
      await expect(p).rejects.toBeInstanceOf(ExecAbortedError);
    } finally {
      await s.close();
    }
  });

  it('reports a dropped connection with the node name and reopens it once for the next command', async () => {
    const s = await SshSession.open(lab.targets[1]!);
    try {
      const node = lab.nodes[1]!;
      const p = s.exec('sleep 30', { timeoutMs: 60_000 });
      await waitFor(async () => node.connectionPids().length > 0);
      expect(node.dropConnections().length).toBeGreaterThan(0);
      const err = await p.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectionLostError);
      expect((err as Error).message).toContain('docker-node2');
      expect((err as Error).message).toContain('sleep 30');
      const again = await s.exec('echo back', { timeoutMs: 5000 });
      expect(again.stdout).toBe('back\n');
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
