/**
 * The libvirt provider for real, on the driver this machine can really use: KVM where it runs a guest with the
 * lab's CPU, QEMU's emulation otherwise (lab dlab-lv-e2e, 192.168.226.0/24). `up` with the locally built box,
 * the lesson that crosses between the nodes' own kernels as today's Docker does it (swarm's overlay: VXLAN over
 * a virtual NIC, which LXC nodes sharing the host's kernel never show; the etcd overlay's daemons and store are
 * the LXC suite's, and took 4.6 of this test's minutes under emulation), `down`, and then nothing of the
 * lab left: no domain, volume, network, pool, bridge, iptables rule or chain libvirt added for it, process, nor
 * the daemons the lab started; even when libvirtd died before `down`, as after a reboot.
 */
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadLab } from '../../src/lab/model.js';
import { ensureBox } from '../../src/providers/box.js';
import { kvmRunsLabGuests } from '../../src/providers/libvirt/driver-choice.js';
import { domainName, labBridge, libvirtName, managementBridge } from '../../src/providers/libvirt/naming.js';
import { e2eLab, leftovers, linkExists } from '../support/e2e.js';
import { timed } from '../support/times.js';

const DIR = '/var/tmp/docker-lab-lv';
const e2e = e2eLab('dlab-lv-e2e', DIR, '192.168.226');
const lab = e2e.run;
const prefix = libvirtName(e2e);

async function virshNames(args: string[]): Promise<string[]> {
  const r = await execa('virsh', ['--connect', 'qemu:///system', '--quiet', ...args], { reject: false });
  return r.exitCode === 0
    ? String(r.stdout)
        .split('\n')
        .map((l) => l.trim().split(/\s+/)[0]!)
        .filter(Boolean)
    : [];
}

async function processes(pattern: RegExp): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').join(' ').trim();
    if (pattern.test(args)) found.push(`process ${pid}: ${args}`);
  }
  return found;
}

async function libvirtChains(): Promise<string[]> {
  const out: string[] = [];
  for (const table of ['filter', 'nat', 'mangle']) {
    const r = await execa('iptables', ['-w', '-t', table, '-S'], { reject: false });
    out.push(
      ...String(r.stdout)
        .split('\n')
        .filter((l) => /^-N LIBVIRT_/.test(l))
        .map((l) => `${table}: ${l}`),
    );
  }
  return out;
}

/** Everything of the libvirt lab still on the host, one line each. */
async function libvirtLeftovers(daemonsBefore: string[], chainsBefore: string[]): Promise<string[]> {
  const found: string[] = [];
  // With libvirtd stopped, virsh answers nothing: what it defined persists as files, which are looked at too.
  found.push(...(await virshNames(['list', '--all', '--name'])).filter((d) => d.startsWith(prefix)).map((d) => `domain ${d}`));
  found.push(...(await virshNames(['net-list', '--all', '--name'])).filter((n) => n.startsWith(prefix)).map((n) => `network ${n}`));
  found.push(...(await virshNames(['pool-list', '--all', '--name'])).filter((p) => p.startsWith(prefix)).map((p) => `pool ${p}`));
  for (const dir of ['/etc/libvirt/qemu', '/etc/libvirt/qemu/networks', '/etc/libvirt/storage', '/var/lib/libvirt/images', '/var/lib/libvirt/boot']) {
    found.push(...(await readdir(dir).catch(() => [] as string[])).filter((f) => f.includes(e2e.name)).map((f) => `${dir}/${f}`));
  }
  for (const bridge of [labBridge(e2e), managementBridge(e2e)]) if (await linkExists(bridge)) found.push(`bridge ${bridge}`);
  const rules = String((await execa('iptables-save')).stdout).split('\n');
  found.push(...rules.filter((l) => l.includes(labBridge(e2e)) || l.includes(managementBridge(e2e))).map((l) => `iptables: ${l}`));
  found.push(...(await libvirtChains()).filter((c) => !chainsBefore.includes(c)).map((c) => `iptables chain ${c}`));
  found.push(...(await processes(new RegExp(`qemu-system.*${prefix}|dnsmasq.*${prefix}`))));
  if (!daemonsBefore.some((d) => /libvirtd/.test(d))) found.push(...(await processes(/^\/?\S*libvirtd\b/)));
  if (!daemonsBefore.some((d) => /virtlogd/.test(d))) found.push(...(await processes(/^\/?\S*virtlogd\b/)));
  return found;
}

/** Stops the libvirtd the lab started (by the PID it wrote), and waits until it is gone. */
async function stopLibvirtd(): Promise<void> {
  const pid = Number((await readFile('/run/libvirtd.pid', 'utf8')).trim());
  process.kill(pid, 'SIGTERM');
  await vi.waitFor(() => expect(() => process.kill(pid, 0)).toThrow(), { timeout: 60_000, interval: 200 });
}

describe('libvirt lab under emulation', () => {
  let daemonsBefore: string[] = [];
  let chainsBefore: string[] = [];

  beforeAll(async () => {
    // The box build belongs to no test's time: about 7 minutes once per recipe, on a loaded machine more.
    await timed('the libvirt box (built when its recipe changed)', () =>
      ensureBox(loadLab(e2e.file), 'libvirt', (line) => console.log(`[libvirt box] ${line}`)),
    );
    await lab('down'); // a lab a killed run left behind
    daemonsBefore = await processes(/^\/?\S*(libvirtd|virtlogd)\b/);
    // The reboot below stops the libvirtd the lab started; one that was running already is not ours to stop.
    const foreign = daemonsBefore.filter((d) => /libvirtd/.test(d));
    if (foreign.length)
      throw new Error(`libvirtd already runs, not started by a lab (${foreign.join('; ')}): stop it first, this test must stop the libvirtd its lab starts`);
    chainsBefore = await libvirtChains();
  }, 60 * 60_000);

  afterAll(async () => {
    await lab('down');
  }, 20 * 60_000);

  it('comes up on the driver that runs here, passes overlay-swarm across the VMs, and leaves no trace when down', async () => {
    const up = await lab('up', '--provider', 'libvirt');
    expect(up.exitCode, up.all).toBe(0);
    const emulated = !(await kvmRunsLabGuests()).ok;
    expect(up.all.includes("QEMU's emulation, which is slow")).toBe(emulated);
    const domains = await execa('virsh', ['--connect', 'qemu:///system', 'dumpxml', domainName(e2e, { name: 'docker-node1' })]);
    expect(String(domains.stdout)).toContain(`<domain type='${emulated ? 'qemu' : 'kvm'}'`);

    const report = `${DIR}/report.json`;
    const run = await lab('scenario', 'overlay-swarm', '--run-dir', `${DIR}/runs`, '--reporter', 'json', '--output', report);
    expect(run.exitCode, run.all).toBe(0);
    // The lesson ran and passed: one skipped for its Docker range would exit 0 too.
    const { scenarios } = JSON.parse(readFileSync(report, 'utf8')) as { scenarios: { name: string; status: string }[] };
    expect(scenarios.map((r) => `${r.name}: ${r.status}`)).toEqual(['overlay-swarm: passed']);

    // As after a reboot: the libvirtd the lab started is gone, and `down` must start it again to destroy the nodes.
    await stopLibvirtd();

    const down = await lab('down');
    expect(down.exitCode, down.all).toBe(0);
    expect(await libvirtLeftovers(daemonsBefore, chainsBefore)).toEqual([]);
    expect(await leftovers(e2e)).toEqual([]);
  });
});
