/**
 * The libvirt definitions of a lab's networks and pool. Both networks are isolated: no <forward> (no NAT, no
 * route off the host), DNS off. libvirt gives DHCP clients of an isolated network no router, so the management
 * network's leases carry no default route either. Pure.
 */
import { netmask } from '../../lab/ipv4.js';
import type { Lab } from '../../lab/model.js';
import { labBridge, libvirtName, managementBridge, managementNetworkName, managementSubnet, poolDir } from './naming.js';

/** The lab network (eth1 in the nodes), with the host on .1 like the other providers' host-only networks. */
export function labNetworkXml(lab: Lab): string {
  return [
    '<network>',
    `  <name>${libvirtName(lab)}</name>`,
    `  <bridge name='${labBridge(lab)}' stp='off' delay='0'/>`,
    "  <dns enable='no'/>",
    `  <ip address='${lab.network.hostAddress}' netmask='${netmask(lab.network.prefix)}'/>`,
    '</network>',
  ].join('\n');
}

/**
 * Leases go by MAC address, not by the client identifier: nodes cloned from one box share a machine-id, so
 * systemd-networkd sends the same DUID from every node, and dnsmasq would hand one address to the first and
 * none to the others.
 */
export function managementNetworkXml(lab: Lab): string {
  const m = managementSubnet(lab);
  return [
    "<network xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'>",
    `  <name>${managementNetworkName(lab)}</name>`,
    `  <bridge name='${managementBridge(lab)}' stp='off' delay='0'/>`,
    "  <dns enable='no'/>",
    `  <ip address='${m.host}' netmask='255.255.255.0'>`,
    `    <dhcp><range start='${m.first}' end='${m.last}'/></dhcp>`,
    '  </ip>',
    '  <dnsmasq:options>',
    "    <dnsmasq:option value='dhcp-ignore-clid'/>",
    '  </dnsmasq:options>',
    '</network>',
  ].join('\n');
}

export function poolXml(lab: Lab): string {
  return [`<pool type='dir'>`, `  <name>${libvirtName(lab)}</name>`, `  <target><path>${poolDir(lab)}</path></target>`, '</pool>'].join('\n');
}
