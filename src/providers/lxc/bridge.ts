import { execa } from 'execa';
import { InputError } from '../../errors.js';
import type { Lab } from '../../lab/model.js';
import { rangeOf, rangesOverlap } from '../../lab/ipv4.js';
import { bridgeAlias, bridgeName } from './naming.js';

interface IpRoute {
  dst: string;
  dev: string;
}
interface IpLink {
  ifname: string;
  ifalias?: string;
}

async function ipJson<T>(args: string[]): Promise<T> {
  const r = await execa('ip', ['-j', ...args]);
  return JSON.parse(String(r.stdout) || '[]') as T;
}

/** Whether a route would carry lab traffic elsewhere. The default route does not count: it is a fallback. */
function overlaps(lab: Lab, dst: string): boolean {
  const theirs = rangeOf(dst);
  const ours = rangeOf(lab.network.cidr);
  return theirs !== null && ours !== null && rangesOverlap(ours, theirs);
}

/**
 * The host side of the lab network: a bridge with the host's address (.1), like VirtualBox's host-only
 * adapter. Marked with an ifalias so that only bridges docker-lab made are ever reused or removed. No NAT and
 * no route out: nodes reach each other and the host, nothing else.
 */
export async function ensureBridge(lab: Lab, log: (l: string) => void): Promise<void> {
  const name = bridgeName(lab);
  const links = await ipJson<IpLink[]>(['link', 'show']);
  const mine = links.find((l) => l.ifname === name);
  if (mine && mine.ifalias !== bridgeAlias(lab)) {
    throw new InputError(`host interface ${name} exists but was not made by docker-lab for lab '${lab.name}'; remove it or rename the lab`);
  }
  const routes = await ipJson<IpRoute[]>(['-4', 'route', 'show']);
  const foreign = routes.find((r) => r.dev !== name && overlaps(lab, r.dst));
  if (foreign) {
    throw new InputError(
      `the lab network ${lab.network.cidr} (lab.yaml network.subnet) is already routed through ${foreign.dev} (${foreign.dst}), ` +
        `which docker-lab did not make for lab '${lab.name}'. Bring that down, or give this lab another subnet.`,
    );
  }
  if (!mine) {
    log(`creating host bridge ${name} with ${lab.network.hostAddress}/${lab.network.prefix}`);
    await execa('ip', ['link', 'add', name, 'type', 'bridge']);
    await execa('ip', ['link', 'set', 'dev', name, 'alias', bridgeAlias(lab)]);
  }
  const addrs = await ipJson<{ addr_info: { local: string; prefixlen: number }[] }[]>(['-4', 'addr', 'show', 'dev', name]);
  const has = addrs[0]?.addr_info.some((a) => a.local === lab.network.hostAddress && a.prefixlen === lab.network.prefix);
  if (!has) await execa('ip', ['addr', 'add', `${lab.network.hostAddress}/${lab.network.prefix}`, 'dev', name]);
  await execa('ip', ['link', 'set', 'dev', name, 'up']);
}

/** Removes the lab's bridge if docker-lab made it; a second call has nothing to do. */
export async function removeBridge(lab: Lab, log: (l: string) => void): Promise<void> {
  const name = bridgeName(lab);
  const links = await ipJson<IpLink[]>(['link', 'show']);
  const mine = links.find((l) => l.ifname === name && l.ifalias === bridgeAlias(lab));
  if (!mine) return;
  log(`removing host bridge ${name}`);
  await execa('ip', ['link', 'del', 'dev', name]);
}


