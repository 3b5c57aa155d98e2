/** IPv4 arithmetic for the lab network, on ipaddr.js. Pure. */
import ipaddr from 'ipaddr.js';

const { IPv4 } = ipaddr;

export interface Cidr {
  network: string;
  prefix: number;
  broadcast: string;
  /** The host's own address on the lab network: the first usable one, like VirtualBox's host-only adapter. */
  hostAddress: string;
}

function toInt(ip: ipaddr.IPv4): number {
  return ip.octets.reduce((acc, octet) => acc * 256 + octet, 0);
}

/** A lab network: a /8 to /30 given by its network address (192.168.205.1/24 is refused: host bits set). */
export function parseCidr(text: string): Cidr | null {
  if (!IPv4.isValidCIDRFourPartDecimal(text)) return null;
  const [address, prefix] = IPv4.parseCIDR(text);
  if (prefix < 8 || prefix > 30) return null;
  const network = IPv4.networkAddressFromCIDR(text);
  if (network.toString() !== address.toString()) return null;
  // At /30 and wider the network address ends in two zero bits: the first host is in the same last octet.
  const host = new IPv4([...network.octets.slice(0, 3), network.octets[3]! + 1]);
  return { network: network.toString(), prefix, broadcast: IPv4.broadcastAddressFromCIDR(text).toString(), hostAddress: host.toString() };
}

export function cidrContains(net: Cidr, ip: string): boolean {
  return IPv4.isValidFourPartDecimal(ip) && IPv4.parse(ip).match(IPv4.parse(net.network), net.prefix);
}

/** `255.255.255.0` for 24: the mask Vagrant's and libvirt's network settings want. */
export function netmask(prefix: number): string {
  return IPv4.subnetMaskFromPrefixLength(prefix).toString();
}

/** The first and last address of a route destination (`10.0.0.0/8`, or a bare host `10.0.0.5`), as integers. */
export function rangeOf(dst: string): [number, number] | null {
  const cidr = dst.includes('/') ? dst : `${dst}/32`;
  if (!IPv4.isValidCIDRFourPartDecimal(cidr)) return null;
  return [toInt(IPv4.networkAddressFromCIDR(cidr)), toInt(IPv4.broadcastAddressFromCIDR(cidr))];
}

export function rangesOverlap(a: [number, number], b: [number, number]): boolean {
  return a[0] <= b[1] && b[0] <= a[1];
}
