/**
 * `npm run bench -- --labs N [--lab FILE] [--jobs J]`: many labs on one host. Stamps N labs from the lab file
 * (as `lab up --count N` does), brings them up J at a time, runs `overlay` on all of them at once, reads each
 * node's memory from its LXC cgroup, brings everything down and checks that nothing of them is left.
 * It reports; it asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile, readlink, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { execa } from 'execa';
import { fleetDown, fleetScenarios, fleetUp, scenariosLine } from '../src/fleet/fleet.js';
import { formatTime } from '../src/format.js';
import type { Lab } from '../src/lab/model.js';
import { stampLabs } from '../src/lifecycle/derived-labs.js';
import { providerNamed } from '../src/providers/index.js';
import { inotifyInstancesOfUser } from '../src/providers/lxc/host-limits.js';
import { bridgeName, containerName } from '../src/providers/lxc/naming.js';

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** A node's memory as its cgroup counts it (cgroup v1 usage, or v2 current), page cache included. */
async function nodeMemory(container: string): Promise<number | null> {
  for (const key of ['memory.usage_in_bytes', 'memory.current']) {
    const r = await execa('lxc-cgroup', ['-n', container, key], { reject: false });
    if (r.exitCode === 0 && /^\d+$/.test(String(r.stdout).trim())) return Number(String(r.stdout).trim());
  }
  return null;
}

/** inotify instances held by a node's root processes, from the processes of its cgroup (v1 memory, or v2). */
async function nodeInotify(container: string): Promise<number | null> {
  for (const root of [`/sys/fs/cgroup/memory/lxc.payload.${container}`, `/sys/fs/cgroup/lxc.payload.${container}`]) {
    const r = await execa('find', [root, '-name', 'cgroup.procs', '-exec', 'cat', '{}', '+'], { reject: false });
    if (r.exitCode !== 0) continue;
    let count = 0;
    for (const pid of new Set(String(r.stdout).split('\n').filter(Boolean))) {
      if (
        (await stat(`/proc/${pid}`).then(
          (st) => st.uid,
          () => -1,
        )) !== 0
      )
        continue;
      const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
      for (const fd of fds) if ((await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')) === 'anon_inode:inotify') count++;
    }
    return count;
  }
  return null;
}

/** What of the labs is still on the host: their containers and bridges. */
export async function leftovers(labs: readonly Lab[]): Promise<string[]> {
  const containers = String((await execa('lxc-ls', ['-1'])).stdout).split('\n');
  const found = labs.flatMap((lab) =>
    lab.nodes
      .map((n) => containerName(lab, n))
      .filter((c) => containers.includes(c))
      .map((c) => `container ${c}`),
  );
  for (const lab of labs)
    if ((await execa('ip', ['link', 'show', 'dev', bridgeName(lab)], { reject: false })).exitCode === 0) found.push(`bridge ${bridgeName(lab)}`);
  return found;
}

export async function benchLabs(base: Lab, count: number, jobs: number): Promise<number> {
  const labs = await stampLabs(base, count);
  console.log(
    `${count} labs from ${base.file}: ${labs[0]!.name} (${labs[0]!.network.cidr}) .. ${labs[count - 1]!.name} (${labs[count - 1]!.network.cidr}), up ${jobs} at a time`,
  );
  const inotifyBefore = await inotifyInstancesOfUser(0);
  const max = Number((await readFile('/proc/sys/fs/inotify/max_user_instances', 'utf8')).trim());
  const runDir = mkdtempSync(`${tmpdir()}/docker-lab-bench-labs-`);
  let code = 0;
  try {
    const t0 = performance.now();
    const up = await fleetUp(labs, providerNamed('lxc'), jobs);
    const upMs = performance.now() - t0;
    const running = up.filter((o) => o.ok).map((o) => o.lab);
    const inotifyUp = await inotifyInstancesOfUser(0);
    const perNode = (await Promise.all(running.flatMap((lab) => lab.nodes.map((n) => nodeInotify(containerName(lab, n)))))).filter(
      (x): x is number => x !== null,
    );

    const t1 = performance.now();
    const runs = await fleetScenarios(running, ['overlay'], { runDir });
    const overlayMs = performance.now() - t1;
    const memory = (await Promise.all(running.flatMap((lab) => lab.nodes.map((n) => nodeMemory(containerName(lab, n)))))).filter(
      (m): m is number => m !== null,
    );
    const passed = runs.filter((r) => r.results[0]?.status === 'passed').length;
    const walls = runs.flatMap((r) => r.results.map((x) => x.durationMs)).sort((a, b) => a - b);

    console.log(`\nmany labs on one host (${count} lab${count === 1 ? '' : 's'}, ${count * base.nodes.length} nodes):`);
    console.log(
      `  up, all labs                 ${formatTime(upMs)}   ${running.length} of ${count} up${
        up.some((o) => !o.ok)
          ? `; failed: ${up
              .filter((o) => !o.ok)
              .map((o) => `${o.lab.name} (${o.error?.split('\n')[0]})`)
              .join(', ')}`
          : ''
      }`,
    );
    console.log(
      `  overlay on all at once       ${formatTime(overlayMs)}   ${passed} of ${count} passed; walls ${walls.length ? `${formatTime(walls[0]!)} .. ${formatTime(walls[walls.length - 1]!)}` : '-'}`,
    );
    for (const r of runs) console.log(`    ${scenariosLine(r)}`);
    if (memory.length) {
      const total = memory.reduce((a, b) => a + b, 0);
      console.log(
        `  memory per node (LXC cgroup) ${mib(total / memory.length)} mean, ${mib(Math.min(...memory))} .. ${mib(Math.max(...memory))}; ${mib(total)} in all`,
      );
    }
    const nodeRange = perNode.length ? `; ${Math.min(...perNode)} .. ${Math.max(...perNode)} per node, counted in their cgroups` : '';
    console.log(`  inotify instances of root    ${inotifyBefore} before, ${inotifyUp} with the labs up (limit ${max}, whole host)${nodeRange}`);
    if (passed < count) code = 1;
  } finally {
    const t2 = performance.now();
    await fleetDown(labs, 'lxc', jobs);
    const left = await leftovers(labs);
    console.log(
      `  down, all labs               ${formatTime(performance.now() - t2)}   ${left.length ? `LEFT: ${left.join(', ')}` : 'nothing left (containers, bridges)'}`,
    );
    if (left.length) code = 1;
    rmSync(runDir, { recursive: true, force: true });
  }
  return code;
}
