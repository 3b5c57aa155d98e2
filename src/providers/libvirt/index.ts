import { hasCommand, hasDebianPackage } from '../../host/probe.js';
import type { Usability } from '../../host/usability.js';
import type { Lab } from '../../lab/model.js';
import { vagrantPlugins } from '../../vagrant/driver.js';
import { checkBox, ensureBox } from '../box.js';
import { type HostTool, toolFindings } from '../host-tools.js';
import type { Finding, Provider } from '../provider.js';
import { holdDaemons, releaseDaemons } from './daemons.js';
import { chooseDriver, GUEST_CPU, kvmRunsLabGuests } from './driver-choice.js';
import { prepareLibvirtHost, removeLeftoverDomains, removeLibvirtObjects, stageBootFiles } from './host.js';
import { checkKvmDevice } from './kvm-device.js';
import { libvirtFragment } from './vagrantfile.js';

/** What the libvirt provider depends on, as read off this machine. */
export interface LibvirtHost {
  virsh: boolean;
  plugin: boolean;
  /** Whether KVM runs a guest with the CPU the lab's KVM domains get (a guest with another model proves nothing). */
  kvm: Usability;
  /** /dev/kvm's group and mode, when there is a /dev/kvm (null: nothing to say). */
  device: Finding | null;
  tools: Finding[];
  root: boolean;
}

async function readUsability(): Promise<Pick<LibvirtHost, 'virsh' | 'plugin' | 'kvm'>> {
  const [virsh, plugins, kvm] = await Promise.all([hasCommand('virsh'), vagrantPlugins(), kvmRunsLabGuests()]);
  return { virsh, plugin: plugins.includes('vagrant-libvirt'), kvm };
}

async function readHost(lab: Lab): Promise<LibvirtHost> {
  const [usability, tools, device] = await Promise.all([readUsability(), toolFindings(libvirtTools(lab)), checkKvmDevice()]);
  return { ...usability, device, tools, root: process.getuid?.() === 0 };
}

/** Auto-detection picks libvirt only where KVM runs the lab's guests; emulation is for those who insist. Pure. */
export function libvirtUsability(host: Pick<LibvirtHost, 'virsh' | 'plugin' | 'kvm'>): Usability {
  if (!host.virsh) return { ok: false, why: 'libvirt is not installed (no virsh)' };
  if (!host.plugin) return { ok: false, why: 'the vagrant-libvirt plugin is not installed' };
  return host.kvm;
}

/**
 * The preflight, pure. /dev/kvm's mode is a finding with its fix, never changed here: udev owns it, and widening
 * who may open it is the host owner's call, as is every host setting docker-lab finds wrong.
 */
export function libvirtFindings(host: LibvirtHost): Finding[] {
  const { kvm } = host;
  return [
    ...host.tools,
    // Not a refusal: QEMU's emulation runs the lab without KVM, only slowly.
    {
      ok: true,
      what: kvm.ok
        ? `KVM runs a guest with the lab's CPU (${GUEST_CPU.kvm.qemu}): driver kvm`
        : "KVM does not run the lab's guests here: driver qemu (emulation, slow)",
    },
    ...(host.device && kvm.ok ? [host.device] : []),
    { ok: host.root, what: "root (starts libvirtd and makes the lab's networks and pool)", fix: 'run as root, e.g. `sudo -E npm run up`' },
  ];
}

function libvirtTools(lab: Lab): HostTool[] {
  const tools: HostTool[] = [
    ['libvirtd (libvirt-daemon-system)', () => hasCommand('libvirtd')],
    ['virsh (libvirt-clients)', () => hasCommand('virsh')],
    ['vagrant-libvirt (the Vagrant plugin)', () => hasDebianPackage('vagrant-libvirt')],
    ['qemu-system-x86_64 (qemu-system-x86)', () => hasCommand('qemu-system-x86_64')],
    ['dnsmasq (dnsmasq-base: DHCP on the management network)', () => hasCommand('dnsmasq')],
  ];
  if (lab.boxes.libvirt?.startsWith('docker-lab/')) {
    tools.push(
      ['mmdebstrap (builds the box and the course images)', () => hasCommand('mmdebstrap')],
      ['qemu-img (qemu-utils: packs the box)', () => hasCommand('qemu-img')],
    );
  }
  return tools;
}

export const libvirt: Provider<'libvirt'> = {
  name: 'libvirt',
  parallelUp: true,
  vagrantfile: libvirtFragment,
  async usable() {
    return libvirtUsability(await readUsability());
  },
  insist: "`--provider libvirt` runs the lab under QEMU's emulation (slow)",
  async preflight(lab) {
    return libvirtFindings(await readHost(lab));
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
