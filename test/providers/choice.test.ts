/**
 * Auto-detection on the host conditions users met: each case builds what the probes would read off such a host,
 * runs the providers' own judgements and the decision on it, and checks the provider chosen and the lines said.
 */
import { describe, expect, it } from 'vitest';
import type { Usability } from '../../src/host/usability.js';
import { decideProvider, type ProviderOutcome } from '../../src/providers/choice.js';
import { GUEST_CPU } from '../../src/providers/libvirt/driver-choice.js';
import { type LibvirtHost, libvirt, libvirtFindings, libvirtUsability } from '../../src/providers/libvirt/index.js';
import { kvmDeviceFinding } from '../../src/providers/libvirt/kvm-device.js';

const KVM_GID = 994;
const runs: Usability = { ok: true };
const msr: Usability = {
  ok: false,
  why: 'a guest under kvm with CPU model host failed to start (QEMU exit 1: qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69)',
};
const noDevice: Usability = { ok: false, why: 'no /dev/kvm (hardware virtualization is off, or not passed to this machine)' };
const ok = (what: string) => ({ ok: true, what });

/** A laptop-like libvirt host: everything installed, KVM working, udev's /dev/kvm; `edit` makes it this case's. */
function libvirtHost(edit: Partial<LibvirtHost> = {}): LibvirtHost {
  return {
    virsh: true,
    plugin: true,
    kvm: runs,
    device: kvmDeviceFinding({ gid: KVM_GID, mode: 0o20660 }, KVM_GID),
    tools: [ok('libvirtd (libvirt-daemon-system)'), ok('qemu-system-x86_64 (qemu-system-x86)')],
    root: true,
    ...edit,
  };
}

function libvirtOutcome(host: LibvirtHost): ProviderOutcome {
  const usable = libvirtUsability(host);
  return { name: 'libvirt', usable, findings: usable.ok ? libvirtFindings(host) : [], insist: libvirt.insist! };
}

const virtualboxMissing: ProviderOutcome = { name: 'virtualbox', usable: { ok: false, why: 'VirtualBox is not installed (no VBoxManage)' }, findings: [] };
const vmwareMissing: ProviderOutcome = {
  name: 'vmware_desktop',
  usable: { ok: false, why: 'VMware Workstation/Fusion is not installed (no vmrun)' },
  findings: [],
};
const lxcReady: ProviderOutcome = { name: 'lxc', usable: { ok: true }, findings: [ok('vagrant'), ok('lxc (lxc-start)')] };

function decide(host: LibvirtHost) {
  return decideProvider([virtualboxMissing, libvirtOutcome(host), vmwareMissing, lxcReady]);
}

function libvirtLine(host: LibvirtHost): string {
  return decide(host).skipped.find((s) => s.name === 'libvirt')!.line;
}

describe('auto-detection, per host condition', () => {
  it('no /dev/kvm: lxc, and libvirt is passed over with the reason and how to insist (emulation)', () => {
    const host = libvirtHost({ kvm: noDevice, device: null });
    expect(decide(host).chosen).toBe('lxc');
    expect(libvirtLine(host)).toBe(`libvirt skipped: ${noDevice.why}; \`--provider libvirt\` runs the lab under QEMU's emulation (slow)`);
  });

  it('/dev/kvm mode 0600 with no udev: lxc, and the line gives the fix udev would have made', () => {
    const host = libvirtHost({ device: kvmDeviceFinding({ gid: 0, mode: 0o20600 }, KVM_GID) });
    expect(decide(host).chosen).toBe('lxc');
    expect(libvirtLine(host)).toBe(
      "libvirt skipped: /dev/kvm is group kvm, mode 0660 (libvirt's QEMU is not root): it is mode 600; fix: chgrp kvm /dev/kvm && chmod 0660 /dev/kvm (what udev does at boot)",
    );
  });

  it("a guest runs with QEMU's default CPU model but not with the lab's: the lab's is the one judged, so lxc", () => {
    // Such a host boots the probe as qemu64 and fails it as the host's CPU, which is what the lab's KVM domains
    // get and what the probe asks for (test/host/kvm.test.ts).
    const bootsAs = (cpu: string): Usability => (cpu === 'qemu64' ? runs : msr);
    const host = libvirtHost({ kvm: bootsAs(GUEST_CPU.kvm.qemu) });
    expect(GUEST_CPU.kvm.qemu).not.toBe('qemu64');
    expect(decide(host).chosen).toBe('lxc');
    expect(libvirtLine(host)).toContain('failed to set MSR 0x10a');
  });

  it('vagrant-libvirt missing: lxc, saying so', () => {
    const host = libvirtHost({ plugin: false });
    expect(decide(host).chosen).toBe('lxc');
    expect(libvirtLine(host)).toMatch(/^libvirt skipped: the vagrant-libvirt plugin is not installed; /);
  });

  it('every provider usable: the first in the registry, and nothing is said to be skipped', () => {
    const all = [virtualboxMissing, libvirtOutcome(libvirtHost()), vmwareMissing, lxcReady].map((o) => ({ ...o, usable: { ok: true } as Usability }));
    expect(decideProvider(all)).toEqual({ chosen: 'virtualbox', skipped: [] });
  });

  it("libvirt with KVM that runs the lab's CPU comes before lxc; the providers before it are each named once", () => {
    const d = decide(libvirtHost());
    expect(d.chosen).toBe('libvirt');
    expect(d.skipped.map((s) => s.line)).toEqual([`virtualbox skipped: VirtualBox is not installed (no VBoxManage); --provider virtualbox to use it anyway`]);
  });

  it('nothing usable: no choice, and every provider has its line', () => {
    const lxcMissing: ProviderOutcome = {
      ...lxcReady,
      findings: [{ ok: false, what: 'mmdebstrap (builds the box)', fix: 'sudo bash provision/host/install-prerequisites.sh' }],
    };
    const d = decideProvider([virtualboxMissing, libvirtOutcome(libvirtHost({ virsh: false })), lxcMissing]);
    expect(d.chosen).toBeNull();
    expect(d.skipped.map((s) => s.name)).toEqual(['virtualbox', 'libvirt', 'lxc']);
    expect(d.skipped[2]!.line).toBe('lxc skipped: mmdebstrap (builds the box); fix: sudo bash provision/host/install-prerequisites.sh');
  });
});
