/** IPv4 arithmetic for the lab network; small enough not to need a library. */
export interface Cidr {
  network: string;
  prefix: number;
  broadcast: string;
  /** The host's own address on the lab network: the first usable one, like VirtualBox's host-only adapter. */
  hostAddress: string;
}

export function toInt(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

export function fromInt(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

export function parseCidr(text: string): Cidr | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!m) return null;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix < 8 || prefix > 30) return null;
  const size = 2 ** (32 - prefix);
  const base = toInt(octets.join('.'));
  if (base % size !== 0) return null; // host bits set: 192.168.205.1/24 is not a network
  return { network: fromInt(base), prefix, broadcast: fromInt(base + size - 1), hostAddress: fromInt(base + 1) };
}

export function cidrContains(net: Cidr, ip: string): boolean {
  const size = 2 ** (32 - net.prefix);
  const base = toInt(net.network);
  const n = toInt(ip);
  return n >= base && n < base + size;
}

/** The first and last address of a route destination (`10.0.0.0/8`, or a bare host `10.0.0.5`), as integers. */
export function rangeOf(dst: string): [number, number] | null {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?$/.exec(dst);
  if (!m) return null;
  const prefix = m[2] === undefined ? 32 : Number(m[2]);
  const size = 2 ** (32 - prefix);
  const lo = toInt(m[1]!) - (toInt(m[1]!) % size);
  return [lo, lo + size - 1];
}

export function rangesOverlap(a: [number, number], b: [number, number]): boolean {
  return a[0] <= b[1] && b[0] <= a[1];
}
