import type { Lab } from '../../lab/model.js';
import { managedSuite } from '../box.js';
import { boxLine, privateNetwork, rb } from '../fragment.js';
import type { VagrantfileFragment } from '../provider.js';
import { GUEST_CPU, perDriver } from './driver-choice.js';
import { BOOT_FILES, bootDir, domainPrefix, libvirtName, managementNetworkName, managementSubnet } from './naming.js';

const BOOT_TIMEOUT_S = { kvm: 300, qemu: 1800 } as const;

/**
 * The lab's networks and pool are made by the provider's beforeUp (isolated, named after the lab) and removed
 * by its afterDown: Vagrant only uses them, and is told not to delete them on destroy. The driver is read at run
 * time, since the Vagrantfile is committed and the same file serves a laptop with KVM and a CI runner without.
 */
export const libvirtFragment: VagrantfileFragment = (lab, node) => [
  boxLine(lab, 'libvirt'),
  `${privateNetwork(lab, node)}, libvirt__network_name: ${rb(libvirtName(lab))}, libvirt__forward_mode: "none", libvirt__dhcp_enabled: false, libvirt__always_destroy: false`,
  `p.driver = ${perDriver((d) => d)}`,
  `p.cpu_mode = ${perDriver((d) => GUEST_CPU[d].libvirt.mode)}`,
  `p.cpu_model = ${perDriver((d) => GUEST_CPU[d].libvirt.model)}`,
  // Emulated, a node's first boot reaches sshd after minutes on a loaded host (apparmor, dockerd, host keys).
  `override.vm.boot_timeout = ${perDriver((d) => BOOT_TIMEOUT_S[d])}`,
  `p.default_prefix = ${rb(domainPrefix(lab))}`,
  `p.storage_pool_name = ${rb(libvirtName(lab))}`,
  `p.management_network_name = ${rb(managementNetworkName(lab))}`,
  `p.management_network_address = ${rb(managementSubnet(lab).network)}`,
  'p.management_network_mode = "none"',
  'p.management_network_keep = true',
  // Nothing listens on the host for a console nobody opens (the serial console is in the domain's log).
  'p.graphics_type = "none"',
  `p.memory = ${node.memory}`,
  `p.cpus = ${node.cpus}`,
  ...bootLines(lab),
];

/** docker-lab's own box boots its kernel directly: from the copy beforeUp puts where QEMU may read it. */
function bootLines(lab: Lab): string[] {
  if (managedSuite(lab.boxes.libvirt ?? '') === null) return [];
  return [`p.kernel = ${rb(`${bootDir(lab)}/${BOOT_FILES.kernel}`)}`, `p.initrd = ${rb(`${bootDir(lab)}/${BOOT_FILES.initrd}`)}`];
}
