/**
 * The host limit that stops many labs: inotify instances. The nodes are privileged LXC containers, so every
 * root process in every node counts against the host root's `fs.inotify.max_user_instances` (128 on Debian).
 * A booting node's systemd that cannot get one never reaches "running", and Vagrant times out after minutes.
 * Counted before `vagrant up`, so that `up` refuses at once with the fix instead.
 */
import { readdir, readFile, readlink, stat } from 'node:fs/promises';
import { execa } from 'execa';
import type { Lab } from '../../lab/model.js';
import type { Finding } from '../provider.js';
import { containerName } from './naming.js';

/**
 * Measured on running nodes (bookworm box): systemd 5, containerd 1, agetty 1, systemd-logind 1; dbus runs as
 * its own user. With Debian's 128, that is the 16 nodes (8 labs) that came up before the 9th lab hung.
 */
export const INOTIFY_PER_NODE = 8;
/** What LXC's production-setup guide suggests for hosts of many containers. */
const ADVISED_INSTANCES = 1_048_576;

interface InotifyBudget {
  max: number;
  /** Instances root holds now. */
  used: number;
  /** Nodes about to start. */
  nodes: number;
}

/** Pure: whether `nodes` more nodes fit, and if not, the fix. */
export function inotifyFinding({ max, used, nodes }: InotifyBudget): Finding {
  const needed = nodes * INOTIFY_PER_NODE;
  const what = `inotify instances for root: ${used} of ${max} in use, ${nodes} node${nodes === 1 ? '' : 's'} to start need about ${needed}`;
  if (used + needed <= max) return { ok: true, what };
  return {
    ok: false,
    what: `${what}: the nodes would hang at boot`,
    fix: `sysctl -w fs.inotify.max_user_instances=${ADVISED_INSTANCES} (and, to keep it, put fs.inotify.max_user_instances = ${ADVISED_INSTANCES} in /etc/sysctl.d/60-docker-lab.conf)`,
  };
}

/** The inotify instances one process holds. A process may end while we look: it holds none. */
export async function inotifyInstancesOf(pid: number | string, proc = '/proc'): Promise<number> {
  const fds = await readdir(`${proc}/${pid}/fd`).catch(() => [] as string[]);
  const targets = await Promise.all(fds.map((fd) => readlink(`${proc}/${pid}/fd/${fd}`).catch(() => '')));
  return targets.filter((t) => t === 'anon_inode:inotify').length;
}

/** inotify instances held by the processes of one user (root's count against the limit), from /proc. */
export async function inotifyInstancesOfUser(uid: number, proc = '/proc'): Promise<number> {
  let count = 0;
  for (const pid of (await readdir(proc)).filter((p) => /^\d+$/.test(p))) {
    const owner = await stat(`${proc}/${pid}`).then(
      (s) => s.uid,
      () => -1,
    );
    if (owner === uid) count += await inotifyInstancesOf(pid, proc);
  }
  return count;
}

async function maxInstances(): Promise<number> {
  return Number((await readFile('/proc/sys/fs/inotify/max_user_instances', 'utf8')).trim());
}

/** How `nodes` more nodes would fare on this host now. */
export async function inotifyBudget(nodes: number): Promise<InotifyBudget> {
  return { max: await maxInstances(), used: await inotifyInstancesOfUser(0), nodes };
}

/** The lab's nodes that are not running yet: only they will take more instances. */
export async function nodesToStart(lab: Lab): Promise<number> {
  const running = new Set(String((await execa('lxc-ls', ['--running', '-1'], { reject: false })).stdout).split('\n'));
  return lab.nodes.filter((n) => !running.has(containerName(lab, n))).length;
}
