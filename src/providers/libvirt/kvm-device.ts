/**
 * libvirt runs QEMU as libvirt-qemu (group kvm). Without udev, /dev/kvm stays root's alone (0600), and then
 * libvirt finds KVM at its first probe, loses it later, and `vagrant up` hangs at "Creating domain" with no
 * error. udev's rule makes it group kvm, mode 0660; the preflight asks for that before anything starts.
 */
import { stat } from 'node:fs/promises';
import { execa } from 'execa';
import type { Finding } from '../provider.js';

/** Pure: the finding for a /dev/kvm of this group and mode (null: there is no /dev/kvm, nothing to say). */
export function kvmDeviceFinding(device: { gid: number; mode: number } | null, kvmGid: number | null): Finding | null {
  if (device === null || kvmGid === null) return null;
  const ok = device.gid === kvmGid && (device.mode & 0o060) === 0o060;
  return {
    ok,
    what: `/dev/kvm is group kvm, mode 0660 (libvirt's QEMU is not root)${ok ? '' : `: it is mode ${(device.mode & 0o777).toString(8)}`}`,
    fix: 'chgrp kvm /dev/kvm && chmod 0660 /dev/kvm (what udev does at boot)',
  };
}

export async function checkKvmDevice(): Promise<Finding | null> {
  const device = await stat('/dev/kvm').catch(() => null);
  const group = await execa('getent', ['group', 'kvm'], { reject: false });
  const gid = group.exitCode === 0 ? Number(String(group.stdout).split(':')[2]) : null;
  return kvmDeviceFinding(device && { gid: device.gid, mode: device.mode }, gid);
}
