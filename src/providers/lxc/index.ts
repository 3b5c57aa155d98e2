import { execa } from 'execa';
import { hasCommand, hasDebianPackage } from '../../host/probe.js';
import type { Lab } from '../../lab/model.js';
import { vagrantPlugins } from '../../vagrant/driver.js';
import { checkBox, ensureBox } from '../box.js';
import { type HostTool, toolFindings } from '../host-tools.js';
import type { Provider } from '../provider.js';
import { ensureBridge, removeBridge } from './bridge.js';
import { inotifyBudget, inotifyFinding, nodesToStart } from './host-limits.js';
import { bridgeName, containerName } from './naming.js';
import { lxcFragment } from './vagrantfile.js';

export const lxc: Provider<'lxc'> = {
  name: 'lxc',
  parallelUp: true,
  vagrantfile: lxcFragment,
  async usable() {
    if (!(await hasCommand('lxc-start'))) return { ok: false, why: 'LXC is not installed (no lxc-start)' };
    if (!(await hasCommand('vagrant'))) return { ok: false, why: 'Vagrant is not installed' };
    if (!(await vagrantPlugins()).includes('vagrant-lxc')) return { ok: false, why: 'the vagrant-lxc plugin is not installed' };
    if (process.getuid?.() !== 0) return { ok: false, why: 'not root (the lxc provider makes a host bridge and LXC containers)' };
    return { ok: true };
  },
  async preflight(lab) {
    const tools: HostTool[] = [
      ['vagrant', () => hasCommand('vagrant')],
      ['vagrant-lxc (the Vagrant plugin)', () => hasDebianPackage('vagrant-lxc')],
      ['lxc (lxc-start)', () => hasCommand('lxc-start')],
      ['mmdebstrap (builds the box and the course images)', () => hasCommand('mmdebstrap')],
      ['busybox-static (the course image, baked into the box)', () => hasDebianPackage('busybox-static')],
      ['sudo (vagrant-lxc calls it)', () => hasCommand('sudo')],
      ['ip (iproute2)', () => hasCommand('ip')],
    ];
    const findings = await toolFindings(tools);
    findings.push({
      ok: process.getuid?.() === 0,
      what: `root (the lxc provider creates the host bridge ${bridgeName(lab)} and LXC containers)`,
      fix: 'run as root, e.g. `sudo -E npm run up`',
    });
    findings.push(inotifyFinding(await inotifyBudget(await nodesToStart(lab))));
    return findings;
  },
  hostExposure:
    'nodes are privileged LXC containers, AppArmor unconfined, with every device allowed (Docker needs that nested): ' +
    'root in a node is root on the host. Use a VM provider (libvirt, VirtualBox, VMware) where that matters.',
  async beforeUp(lab, ctx) {
    // Every refusal comes before anything is made on the host (the bridge checks before it makes itself).
    await checkBox(lab, 'lxc');
    await ensureBridge(lab, ctx.log);
    await ensureBox(lab, 'lxc', ctx.log, ctx.signal);
  },
  async afterDestroy(lab, ctx) {
    // `vagrant destroy` forgets containers of an interrupted `up`; they go by name.
    for (const name of await leftoverContainers(lab)) {
      ctx.log(`destroying leftover LXC container ${name}`);
      // A group of its own, like Vagrant's: a Ctrl-C in the terminal must not cut the cleanup short.
      await execa('lxc-destroy', ['--force', '--name', name], { reject: false, detached: true });
    }
  },
  async afterDown(lab, ctx) {
    await removeBridge(lab, ctx.log);
  },
  async roomForLabs(labs) {
    const nodes = (await Promise.all(labs.map(nodesToStart))).reduce((a, b) => a + b, 0);
    return inotifyFinding(await inotifyBudget(nodes));
  },
  runsMatrix: true,
};

async function leftoverContainers(lab: Lab): Promise<string[]> {
  const r = await execa('lxc-ls', ['-1'], { reject: false });
  const existing = new Set(
    String(r.stdout)
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  return lab.nodes.map((n) => containerName(lab, n)).filter((name) => existing.has(name));
}
