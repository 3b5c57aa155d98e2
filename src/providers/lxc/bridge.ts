import { execa } from 'execa';
import { InputError } from '../../errors.js';
import { rangeOf, rangesOverlap } from '../../lab/ipv4.js';
import { type Lab, labFieldError } from '../../lab/model.js';
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

interface IpAddrs {
  ifname: string;
  addr_info: { local: string; prefixlen: number }[];
}

/**
 * Refuses a host where the lab network would collide: an interface of that name docker-lab did not make, or
 * an address or route in the lab's subnet elsewhere (an address counts even on an interface that is down: it
 * takes the route as soon as it comes up). Says whether the lab's own bridge is there already.
 */
async function checkBridge(lab: Lab): Promise<{ exists: boolean }> {
  const name = bridgeName(lab);
  const links = await ipJson<IpLink[]>(['link', 'show']);
  const mine = links.find((l) => l.ifname === name);
  if (mine && mine.ifalias !== bridgeAlias(lab)) {
    throw new InputError(`host interface ${name} exists but was not made by docker-lab for lab '${lab.name}'; remove it or rename the lab`);
  }
  const addrs = await ipJson<IpAddrs[]>(['-4', 'addr', 'show']);
  const address = addrs
    .filter((l) => l.ifname !== name)
    .flatMap((l) =>
      l.addr_info
        .map((a) => `${a.local}/${a.prefixlen}`)
        .filter((a) => overlaps(lab, a))
        .map((a) => `${l.ifname} has ${a}`),
    );
  const routes = await ipJson<IpRoute[]>(['-4', 'route', 'show']);
  const route = routes.filter((r) => r.dev !== name && overlaps(lab, r.dst)).map((r) => `${r.dst} is routed through ${r.dev}`);
  const clashes = [...address, ...route];
  if (clashes.length > 0) {
    throw labFieldError(
      lab,
      ['network', 'subnet'],
      `the lab network ${lab.network.cidr} is already in use on this host (${clashes.join('; ')}), not by lab '${lab.name}'. ` +
        'Bring that down, or give this lab another subnet (and node addresses), then run `lab vagrantfile`.',
    );
  }
  return { exists: mine !== undefined };
}

/**
 * The host side of the lab network: a bridge with the host's address (.1), like VirtualBox's host-only
 * adapter. Marked with an ifalias so that only bridges docker-lab made are ever reused or removed. No NAT and
 * no route out: nodes reach each other and the host, nothing else.
 */
export async function ensureBridge(lab: Lab, log: (l: string) => void): Promise<void> {
  const { exists } = await checkBridge(lab);
  const name = bridgeName(lab);
  if (!exists) {
    log(`creating host bridge ${name} with ${lab.network.hostAddress}/${lab.network.prefix}`);
    await execa('ip', ['link', 'add', name, 'type', 'bridge']);
    await execa('ip', ['link', 'set', 'dev', name, 'alias', bridgeAlias(lab)]);
  }
  const addrs = await ipJson<IpAddrs[]>(['-4', 'addr', 'show', 'dev', name]);
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
