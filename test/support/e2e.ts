/**
 * Labs of the end-to-end tests: each has a name, folder and subnet of its own (derived from the repo's lab.yaml),
 * is driven through the real CLI, and can tell what of it is still on the host.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { stampedLabs } from '../../src/fleet/fleet.js';
import { loadLab, vagrantfilePath } from '../../src/lab/model.js';
import { bridgeName } from '../../src/providers/lxc/naming.js';
import { expectedVagrantfile } from '../../src/providers/vagrantfile-file.js';

export const ROOT = join(import.meta.dirname, '../..');

export interface E2eLab {
  name: string;
  dir: string;
  file: string;
  /** The first three octets of the lab's /24, e.g. `192.168.216`. */
  subnet: string;
  /** Runs `lab ARGS --lab FILE` to its end, as CI does (plain output). */
  run(...args: string[]): ReturnType<typeof cli>;
  /** The same, as a user whose environment names no provider (DOCKER_LAB_PROVIDER empty): auto-detection decides. */
  runChoosing(...args: string[]): ReturnType<typeof cli>;
  /** Starts `lab ARGS --lab FILE` as the leader of a process group of its own, as a shell runs a foreground job. */
  start(...args: string[]): ReturnType<typeof cli>;
}

function cli(file: string, args: string[], detached = false, env: Record<string, string> = {}) {
  // No SIGKILL 5 s after a test's signal (execa's default): the cleanup it starts takes longer, and must finish.
  return execa('node', [join(ROOT, 'bin/lab.js'), ...args, '--lab', file], {
    reject: false,
    cwd: ROOT,
    env: { CI: 'true', ...env },
    all: true,
    detached,
    forceKillAfterDelay: false,
  });
}

/**
 * Writes `dir/lab.yaml` (the repo's lab with another name and subnet, and whatever `edit` changes) and its
 * Vagrantfile. The folder outlives checkouts, and a Vagrantfile another checkout wrote names that checkout's
 * provision script: `up` would refuse it as drifted.
 */
export function e2eLab(name: string, dir: string, subnet: string, edit: (text: string) => string = (t) => t): E2eLab {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'lab.yaml');
  const text = readFileSync(join(ROOT, 'lab.yaml'), 'utf8').replace('name: docker-lab', `name: ${name}`).replaceAll('192.168.205.', `${subnet}.`);
  writeFileSync(file, edit(text));
  const lab = loadLab(file);
  writeFileSync(vagrantfilePath(lab), expectedVagrantfile(lab));
  return handle(name, dir, subnet);
}

/**
 * The `count` labs `lab up --count COUNT --lab BASE` stamps (the product's own naming, nothing written): each a lab
 * like any other once that `up` wrote it.
 */
export function stampedE2eLabs(base: E2eLab, count: number): E2eLab[] {
  return stampedLabs(loadLab(base.file), count).map((lab) => handle(lab.name, lab.dir, lab.network.cidr.split('.').slice(0, 3).join('.')));
}

function handle(name: string, dir: string, subnet: string): E2eLab {
  const file = join(dir, 'lab.yaml');
  return {
    name,
    dir,
    file,
    subnet,
    run: (...args) => cli(file, args),
    runChoosing: (...args) => cli(file, args, false, { DOCKER_LAB_PROVIDER: '' }),
    start: (...args) => cli(file, args, true),
  };
}

export async function lxcContainers(prefix: string): Promise<string[]> {
  const r = await execa('lxc-ls', ['-1']);
  return String(r.stdout)
    .split('\n')
    .filter((n) => n.startsWith(prefix));
}

export async function linkExists(name: string): Promise<boolean> {
  return (await execa('ip', ['link', 'show', 'dev', name], { reject: false })).exitCode === 0;
}

/** Polls until `check` holds; fails naming `what` if it never does, or if `gaveUp` says waiting is pointless. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, gaveUp: () => boolean = () => false, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (gaveUp() || Date.now() > deadline) throw new Error(`never saw ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Everything of the lab still on the host, one line each; empty when the lab is gone: its LXC containers, its
 * bridge, Vagrant's machine state, the cached ssh-config, iptables rules naming the bridge, and processes
 * working for it (lxc-start of its containers, Vagrant on its folder).
 */
export async function leftovers(lab: Pick<E2eLab, 'name' | 'dir'>): Promise<string[]> {
  const bridge = bridgeName(lab);
  const found: string[] = (await lxcContainers(`${lab.name}-`)).map((c) => `LXC container ${c}`);
  if (await linkExists(bridge)) found.push(`bridge ${bridge}`);
  const machines = await readdir(join(lab.dir, '.vagrant', 'machines')).catch(() => []);
  found.push(...machines.map((m) => `.vagrant/machines/${m}`));
  if ((await readdir(join(lab.dir, '.vagrant', 'docker-lab')).catch(() => null)) !== null) found.push('.vagrant/docker-lab (cached ssh-config)');
  const rules = String((await execa('iptables-save')).stdout).split('\n');
  found.push(...rules.filter((l) => l.includes(bridge)).map((l) => `iptables: ${l}`));
  found.push(...(await labProcesses(lab)));
  return found;
}

async function labProcesses(lab: Pick<E2eLab, 'name' | 'dir'>): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    // A process may end while we look: what it left unread is not ours to report.
    const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').join(' ').trim();
    const env = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
    if (/^lxc-start|^\[lxc monitor\]/.test(args) && args.includes(`${lab.name}-`)) found.push(`process ${pid}: ${args}`);
    else if (env.split('\0').includes(`VAGRANT_CWD=${lab.dir}`)) found.push(`process ${pid}: ${args}`);
  }
  return found;
}
