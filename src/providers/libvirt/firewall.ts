/**
 * libvirt adds chains of its own (LIBVIRT_INP, LIBVIRT_FWX, LIBVIRT_PRT, ...) and jumps to them the first time
 * it starts a network, and leaves them when the networks go. When the lab started libvirt on a host that had
 * none, they are the lab's trace: this removes them, once they are empty.
 */
import { execa } from 'execa';

const TABLES = ['filter', 'nat', 'mangle'] as const;
const OURS = /^LIBVIRT_[A-Z]+$/;

/** libvirt's chains in one table's `iptables -S` listing. Pure. */
export function libvirtChains(listing: string): string[] {
  return listing
    .split('\n')
    .map((l) => /^-N (\S+)$/.exec(l.trim())?.[1])
    .filter((c): c is string => c !== undefined && OURS.test(c));
}

/**
 * The iptables argument lists that take libvirt's chains out of one table: the jumps to them first, then the
 * chains, each only when it holds no rule (a rule left is someone's network still up). Pure.
 */
export function chainRemoval(listing: string): string[][] {
  const lines = listing.split('\n').map((l) => l.trim());
  const chains = libvirtChains(listing);
  const busy = new Set(chains.filter((c) => lines.some((l) => l.startsWith(`-A ${c} `))));
  const removable = chains.filter((c) => !busy.has(c));
  const jumps = lines
    .map((l) => /^-A (\S+) (.*)-j (LIBVIRT_[A-Z]+)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null && removable.includes(m[3]!) && !OURS.test(m[1]!))
    .map((m) => ['-D', m[1]!, ...`${m[2]!}-j ${m[3]!}`.split(/\s+/).filter(Boolean)]);
  return [...jumps, ...removable.map((c) => ['-X', c])];
}

async function listing(cmd: string, table: string): Promise<string> {
  const r = await execa(cmd, ['-w', '-t', table, '-S'], { reject: false });
  return r.exitCode === 0 ? String(r.stdout) : '';
}

/** Whether libvirt's chains are on the host (before the lab starts libvirt: whether they were the host's). */
export async function hasLibvirtChains(): Promise<boolean> {
  for (const table of TABLES) if (libvirtChains(await listing('iptables', table)).length > 0) return true;
  return false;
}

export async function removeLibvirtChains(log: (l: string) => void): Promise<void> {
  for (const cmd of ['iptables', 'ip6tables']) {
    for (const table of TABLES) {
      const steps = chainRemoval(await listing(cmd, table));
      if (steps.length > 0) log(`removing libvirt's ${cmd} chains from table ${table}`);
      for (const args of steps) await execa(cmd, ['-w', '-t', table, ...args], { reject: false });
    }
  }
}
