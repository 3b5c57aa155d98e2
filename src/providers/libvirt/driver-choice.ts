/**
 * How the lab's domains run: libvirt's driver (KVM, or QEMU's emulation) and the CPU model each driver gives
 * them. The table below is the one place both are said. The Vagrantfile is rendered from it, and the KVM probe
 * boots its guest with the same model, so the probe proves the CPU the nodes will really have.
 */
import { kvmRuns } from '../../host/kvm.js';
import type { Usability } from '../../host/usability.js';
import { rb } from '../fragment.js';

/** Read by the Vagrantfile's libvirt block: `kvm` unless `lab up` found KVM unable to run the lab's guests. */
const DRIVER_ENV = 'DOCKER_LAB_LIBVIRT_DRIVER';

type LibvirtDriver = 'kvm' | 'qemu';

interface GuestCpu {
  /** vagrant-libvirt's `cpu_mode` and `cpu_model` ('' when the mode takes none). */
  libvirt: { mode: 'host-passthrough' | 'custom'; model: string };
  /** The same CPU as QEMU's `-cpu` names it. */
  qemu: string;
}

/**
 * Under KVM the host's own CPU, passed through: no libvirt guesswork about which of its features a named model
 * lacks. Under emulation QEMU's own generic model, which TCG implements in full on every host.
 */
export const GUEST_CPU: Readonly<Record<LibvirtDriver, GuestCpu>> = {
  kvm: { libvirt: { mode: 'host-passthrough', model: '' }, qemu: 'host' },
  qemu: { libvirt: { mode: 'custom', model: 'qemu64' }, qemu: 'qemu64' },
};

/** A Ruby expression: the value for the driver `lab up` chose, read from the environment when Vagrant runs. */
export function perDriver(pick: (driver: LibvirtDriver) => string | number): string {
  const entries = (Object.keys(GUEST_CPU) as LibvirtDriver[]).map((d) => `${rb(d)} => ${rb(pick(d))}`);
  return `{ ${entries.join(', ')} }.fetch(ENV.fetch(${rb(DRIVER_ENV)}, "kvm"))`;
}

/** Whether KVM runs a guest with the CPU the lab's KVM domains get. */
export function kvmRunsLabGuests(): Promise<Usability> {
  return kvmRuns(GUEST_CPU.kvm.qemu);
}

/**
 * KVM where it really runs a guest with the lab's CPU, else QEMU's emulation (TCG), said out loud: every node is
 * then several times slower. Sets the variable for the Vagrant processes this one starts.
 */
export async function chooseDriver(log: (line: string) => void): Promise<LibvirtDriver> {
  const kvm = await kvmRunsLabGuests();
  const driver: LibvirtDriver = kvm.ok ? 'kvm' : 'qemu';
  if (!kvm.ok) log(`KVM cannot run the lab's guests here (${kvm.why}): the nodes run under QEMU's emulation, which is slow (minutes to boot)`);
  process.env[DRIVER_ENV] = driver;
  return driver;
}
