import { hasCommand, hasDebianPackage } from '../../host/probe.js';
import type { Finding, Provider } from '../provider.js';
import { checkBox, ensureBox } from './box.js';
import { bridgeName } from './naming.js';
import { ensureBridge, removeBridge } from './bridge.js';
import { inotifyBudget, inotifyFinding, nodesToStart } from './host-limits.js';

const INSTALL = 'sudo bash provision/host/install-prerequisites.sh';

export const lxc: Provider = {
  name: 'lxc',
  parallelUp: true,
  async available() {
    return (await hasCommand('lxc-start')) && (await hasCommand('vagrant')) && (await hasDebianPackage('vagrant-lxc'));
  },
  async preflight(lab) {
    const tools: [string, () => Promise<boolean>][] = [
      ['vagrant', () => hasCommand('vagrant')],
      ['vagrant-lxc (the Vagrant plugin)', () => hasDebianPackage('vagrant-lxc')],
      ['lxc (lxc-start)', () => hasCommand('lxc-start')],
      ['debootstrap (builds the box)', () => hasCommand('debootstrap')],
      ['busybox-static (the course image, baked into the box)', () => hasDebianPackage('busybox-static')],
      ['sudo (vagrant-lxc calls it)', () => hasCommand('sudo')],
      ['ip (iproute2)', () => hasCommand('ip')],
    ];
    const findings: Finding[] = await Promise.all(tools.map(async ([what, check]) => ({ ok: await check(), what, fix: INSTALL })));
    findings.push({
      ok: process.getuid?.() === 0,
      what: `root (the lxc provider creates the host bridge ${bridgeName(lab)} and LXC containers)`,
      fix: 'run as root, e.g. `sudo -E npm run up`',
    });
    findings.push(inotifyFinding(await inotifyBudget(await nodesToStart(lab))));
    return findings;
  },
  async beforeUp(lab, ctx) {
    // Every refusal comes before anything is made on the host (the bridge checks before it makes itself).
    await checkBox(lab);
    await ensureBridge(lab, ctx.log);
    await ensureBox(lab, ctx.log, ctx.signal);
  },
  async afterDown(lab, ctx) {
    await removeBridge(lab, ctx.log);
  },
};
