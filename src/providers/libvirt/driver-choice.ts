import { kvmUsable } from '../../host/kvm.js';

/** Read by the Vagrantfile's libvirt block: `kvm` unless `lab up` found KVM unable to run a guest. */
export const DRIVER_ENV = 'DOCKER_LAB_LIBVIRT_DRIVER';

export type LibvirtDriver = 'kvm' | 'qemu';

/**
 * KVM where it really runs a guest, else QEMU's emulation (TCG), said out loud: every node is then several
 * times slower. Sets the variable for the Vagrant processes this one starts.
 */
export async function chooseDriver(log: (line: string) => void): Promise<LibvirtDriver> {
  const kvm = await kvmUsable();
  const driver: LibvirtDriver = kvm.ok ? 'kvm' : 'qemu';
  if (!kvm.ok) log(`KVM cannot run a guest here (${kvm.why}): the nodes run under QEMU's emulation, which is slow (minutes to boot)`);
  process.env[DRIVER_ENV] = driver;
  return driver;
}
