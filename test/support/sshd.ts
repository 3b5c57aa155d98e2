/**
 * Real OpenSSH servers for engine tests: each one is a "node", listening on its own loopback address with
 * generated host and user keys. Started and stopped by PID; no mock of SSH anywhere.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Lab } from '../../src/lab/model.js';
import { REMOTE_RUN_ROOT } from '../../src/scenario/engine/remote.js';
import type { SshTarget } from '../../src/ssh/target.js';

export interface SshdNode {
  name: string;
  host: string;
  port: number;
  /** PID of the listening sshd (started by us). */
  pid: number;
  target: SshTarget;
  /** PIDs of the per-connection sshd processes (the listener's children). */
  connectionPids(): number[];
  /** Kills every connection's sshd process by PID: clients see the connection drop. */
  dropConnections(): number[];
  /**
   * The node goes away for good: the listener stops first, then the open connections are killed, so a client
   * that sees its connection drop finds the port already refusing (never a reconnect in between).
   */
  goAway(): Promise<void>;
  stop(): Promise<void>;
}

export interface SshdLab {
  nodes: SshdNode[];
  targets: SshTarget[];
  lab: Lab;
  dir: string;
  stop(): Promise<void>;
}

const SSHD = '/usr/sbin/sshd';

async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function childrenOf(pid: number): number[] {
  const kids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) comes after the command name in parentheses, which may itself hold spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) kids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return kids;
}

/**
 * Starts sshd so that its sessions see an empty home directory: the login user's own dotfiles (on a
 * developer machine, a ~/.bashrc that runs pyenv or nvm costs ~0.5 s per command, as bash sources it for ssh
 * commands) must not make the tests slow or depend on them. A private mount namespace binds an empty
 * folder over the home directory for sshd and its children only; `unshare` and `sh` exec, so the PID we
 * get is sshd's. Where namespaces are not allowed, sshd runs plainly.
 */
function spawnIsolated(config: string, emptyHome: string): ChildProcess {
  const home = process.env.HOME ?? '/root';
  mkdirSync(emptyHome, { recursive: true });
  let canUnshare = false;
  try {
    execFileSync('unshare', ['--mount', '--propagation', 'private', 'mount', '--bind', emptyHome, home], { stdio: 'ignore' });
    canUnshare = true;
  } catch {
    canUnshare = false;
  }
  if (!canUnshare) return spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  return spawn(
    'unshare',
    ['--mount', '--propagation', 'private', 'sh', '-c', 'mount --bind "$0" "$1" && exec "$2" -D -e -f "$3"', emptyHome, home, SSHD, config],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
}

export async function startSshd(name: string, host: string, dir: string, userKey: string): Promise<SshdNode> {
  mkdirSync('/run/sshd', { recursive: true }); // sshd's privilege-separation directory
  const own = join(dir, name);
  mkdirSync(own, { recursive: true });
  const hostKey = join(own, 'host_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  const authorized = join(own, 'authorized_keys');
  copyFileSync(`${userKey}.pub`, authorized);
  const port = await freePort(host);
  const config = join(own, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      `ListenAddress ${host}`,
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${authorized}`,
      `PidFile ${join(own, 'sshd.pid')}`,
      'StrictModes no',
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'MaxSessions 32',
      'MaxStartups 32',
      'LogLevel INFO',
      '',
    ].join('\n'),
  );
  const proc: ChildProcess = spawnIsolated(config, join(own, 'home'));
  const log: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sshd for ${name} did not start:\n${log.join('')}`)), 10_000);
    proc.stderr!.on('data', (chunk: Buffer) => {
      log.push(chunk.toString());
      if (log.join('').includes('Server listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sshd for ${name} exited with ${code}:\n${log.join('')}`));
    });
  });
  const pid = proc.pid!;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
      process.kill(pid, 'SIGTERM');
    });
  return {
    name,
    host,
    port,
    pid,
    target: { node: name, host, port, user: process.env.USER ?? 'root', identityFile: userKey },
    connectionPids: () => childrenOf(pid),
    dropConnections() {
      const pids = childrenOf(pid);
      for (const p of pids) process.kill(p, 'SIGKILL');
      return pids;
    },
    stop,
    async goAway() {
      // Taken while the listener lives: once it is gone, its sessions are no longer its children.
      const sessions = childrenOf(pid);
      await stop(); // OpenSSH's listener leaves its sessions running when it ends
      for (const p of sessions) process.kill(p, 'SIGKILL');
    },
  };
}

/** Two sshd "nodes" (docker-node1 on 127.0.0.1, docker-node2 on 127.0.0.2) and a Lab that names them. */
export async function startSshdLab(names: string[] = ['docker-node1', 'docker-node2']): Promise<SshdLab> {
  const dir = mkdtempSync(join(tmpdir(), 'docker-lab-sshd-'));
  const userKey = join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', userKey]);
  const nodes: SshdNode[] = [];
  try {
    for (const [i, name] of names.entries()) nodes.push(await startSshd(name, `127.0.0.${i + 1}`, dir, userKey));
  } catch (err) {
    await Promise.all(nodes.map((n) => n.stop()));
    throw err;
  }
  const lab: Lab = {
    name: 'test-lab',
    dir,
    file: join(dir, 'lab.yaml'),
    network: { cidr: '127.0.0.0/8', network: '127.0.0.0', prefix: 8, broadcast: '127.255.255.255', hostAddress: '127.0.0.1' },
    suite: 'bookworm',
    docker: { version: '20.10.24' },
    etcd: { version: '3.4.23' },
    boxes: {},
    nodes: nodes.map((n) => ({ name: n.name, ip: n.host, memory: 1024, cpus: 1 })),
  };
  return {
    nodes,
    targets: nodes.map((n) => n.target),
    lab,
    dir,
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * An sshd lab for the tests of a file or a describe: started before them, stopped after them, and the background
 * logs of the runs named in `runIds` removed from this machine (the "nodes").
 */
export function useSshdLab(): { readonly lab: SshdLab; runIds: string[] } {
  let lab: SshdLab | undefined;
  const runIds: string[] = [];
  beforeAll(async () => {
    lab = await startSshdLab();
  });
  afterAll(async () => {
    await lab?.stop();
    for (const id of runIds) rmSync(join(REMOTE_RUN_ROOT, id), { recursive: true, force: true });
  });
  return {
    get lab() {
      if (!lab) throw new Error('the sshd lab is used before its beforeAll');
      return lab;
    },
    runIds,
  };
}
