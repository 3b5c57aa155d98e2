/**
 * Everything the libvirt provider makes on the host carries the lab's name, so that `down` removes exactly the
 * lab's objects and never another lab's, nor the host's own `default` network.
 */
import type { Lab, LabNode } from '../../lab/model.js';
import { labInterfaceName } from '../ifname.js';

type Named = Pick<Lab, 'name'>;

/** The lab's storage pool, its lab network and the prefix of its domains' names. */
export function libvirtName(lab: Named): string {
  return `dl-${lab.name}`;
}

export function managementNetworkName(lab: Named): string {
  return `dl-${lab.name}-mgmt`;
}

export function domainName(lab: Named, node: Pick<LabNode, 'name'>): string {
  return `${domainPrefix(lab)}${node.name}`;
}

/** vagrant-libvirt's default_prefix: a domain is named prefix + machine name. */
export function domainPrefix(lab: Named): string {
  return `${libvirtName(lab)}-`;
}

/** The host bridges of the lab network and of the management network. */
export function labBridge(lab: Named): string {
  return labInterfaceName('lv', lab.name);
}

export function managementBridge(lab: Named): string {
  return labInterfaceName('lvm', lab.name);
}

/**
 * The management network (Vagrant's ssh and DHCP, eth0 in the nodes): a /24 of 10.254/16 picked by the third
 * octet of the lab network, so that labs on distinct /24s (stamped labs, the tests' labs) never share one.
 */
export function managementSubnet(lab: Pick<Lab, 'network'>): { network: string; host: string; first: string; last: string } {
  const third = lab.network.network.split('.')[2];
  const base = `10.254.${third}`;
  return { network: `${base}.0/24`, host: `${base}.1`, first: `${base}.10`, last: `${base}.254` };
}

/** Where the lab's storage pool keeps its volumes. */
export function poolDir(lab: Named): string {
  return `/var/lib/libvirt/images/${libvirtName(lab)}`;
}

/**
 * Where the lab's nodes boot their kernel and initrd from. QEMU runs as libvirt-qemu, which cannot pass a home
 * folder such as /root (mode 0700) where Vagrant unpacks boxes; /var/lib/libvirt/boot is libvirt's own place.
 */
export function bootDir(lab: Named): string {
  return `/var/lib/libvirt/boot/${libvirtName(lab)}`;
}

/** The box files a node boots directly (build-box.sh's libvirt packer puts them beside the disk). */
export const BOOT_FILES = { kernel: 'vmlinuz', initrd: 'initrd.img' } as const;
