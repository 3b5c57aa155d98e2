import { hasCommand, hasDebianPackage } from '../../host/probe.js';
import { kvmUsable } from '../../host/kvm.js';
import { vagrantPlugins } from '../../vagrant/driver.js';
import { checkBox, ensureBox } from '../box.js';
import { toolFindings, type HostTool } from '../host-tools.js';
import type { Usability } from '../../host/usability.js';
import type { Provider } from '../provider.js';
import { holdDaemons, releaseDaemons } from './daemons.js';
import { chooseDriver } from './driver-choice.js';
import { checkKvmDevice } from './kvm-device.js';
import { prepareLibvirtHost, removeLeftoverDomains, removeLibvirtObjects, stageBootFiles } from './host.js';
import { libvirtFragment } from './vagrantfile.js';

/** Tools first (cheap), then KVM itself: the probe boots a guest. Auto-detection picks libvirt only with KVM. */
async function usable(): Promise<Usability> {
  if (!(await hasCommand('virsh'))) return { ok: false, why: 'libvirt is not installed (no virsh)' };
  if (!(await vagrantPlugins()).includes('vagrant-libvirt')) return { ok: false, why: 'the vagrant-libvirt plugin is not installed' };
  const kvm = await kvmUsable();
  return kvm.ok ? kvm : { ok: false, why: `${kvm.why}; auto-detection wants KVM, \`--provider libvirt\` runs the lab under QEMU's emulation (slow)` };
}

export const libvirt: Provider<'libvirt'> = {
  name: 'libvirt',
  parallelUp: true,
  vagrantfile: libvirtFragment,
  usable,
  async preflight(lab) {
    const tools: HostTool[] = [
      ['libvirtd (libvirt-daemon-system)', () => hasCommand('libvirtd')],
      ['virsh (libvirt-clients)', () => hasCommand('virsh')],
      ['vagrant-libvirt (the Vagrant plugin)', () => hasDebianPackage('vagrant-libvirt')],
      ['qemu-system-x86_64 (qemu-system-x86)', () => hasCommand('qemu-system-x86_64')],
      ['dnsmasq (dnsmasq-base: DHCP on the management network)', () => hasCommand('dnsmasq')],
    ];
    if (lab.boxes.libvirt?.startsWith('docker-lab/')) {
      tools.push(['mmdebstrap (builds the box)', () => hasCommand('mmdebstrap')], ['debootstrap (builds the course images)', () => hasCommand('debootstrap')], ['qemu-img (qemu-utils: packs the box)', () => hasCommand('qemu-img')]);
    }
    const findings = await toolFindings(tools);
    const kvm = await kvmUsable();
    // Not a refusal: QEMU's emulation runs the lab without KVM, only slowly.
    findings.push({ ok: true, what: kvm.ok ? 'KVM runs a guest: driver kvm' : `KVM does not run a guest here: driver qemu (emulation, slow)` });
    const device = await checkKvmDevice();
    if (device && kvm.ok) findings.push(device);
    findings.push({ ok: process.getuid?.() === 0, what: 'root (starts libvirtd and makes the lab\'s networks and pool)', fix: 'run as root, e.g. `sudo -E npm run up`' });
    return findings;
  },
  hostExposure: 'nodes are QEMU/KVM guests on isolated libvirt networks: root in a node is not root on the host.',
  async beforeUp(lab, ctx) {
    await checkBox(lab, 'libvirt');
    await chooseDriver(ctx.log);
    await holdDaemons(lab.name, ctx.log);
    await prepareLibvirtHost(lab, ctx.log);
    await ensureBox(lab, 'libvirt', ctx.log, ctx.signal);
    await stageBootFiles(lab, ctx.log);
  },
  async beforeDown(lab, ctx) {
    // After a reboot nothing runs libvirtd, and without it Vagrant can neither destroy nor find the domains.
    await holdDaemons(lab.name, ctx.log);
  },
  async afterDestroy(lab, ctx) {
    await removeLeftoverDomains(lab, ctx.log);
  },
  async afterDown(lab, ctx) {
    await removeLibvirtObjects(lab, ctx.log);
    await releaseDaemons(lab.name, ctx.log);
  },
};
