/**
 * The lab's own libvirt objects: two isolated networks, a storage pool and a folder of boot files, made before
 * `vagrant up` and removed after `vagrant destroy` with whatever Vagrant left (domains of an interrupted `up`, the
 * box volume it uploaded into the pool).
 */
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Lab } from '../../lab/model.js';
import { installedBoxDir, managedSuite } from '../box.js';
import { BOOT_FILES, bootDir, domainPrefix, libvirtName, managementNetworkName, poolDir } from './naming.js';
import { labNetworkXml, managementNetworkXml, poolXml } from './network-xml.js';
import { defineFromXml, list, virsh, volumes } from './virsh.js';

type Log = (line: string) => void;

async function ensureNetwork(name: string, xml: string, log: Log): Promise<void> {
  if (!(await list('networks')).includes(name)) {
    log(`defining isolated libvirt network ${name}`);
    await defineFromXml('net-define', xml);
  }
  const info = await virsh(['net-info', name]);
  if (!/^Active:\s+yes/m.test(info.stdout)) await virsh(['net-start', name]);
}

export async function prepareLibvirtHost(lab: Lab, log: Log): Promise<void> {
  await ensureNetwork(libvirtName(lab), labNetworkXml(lab), log);
  await ensureNetwork(managementNetworkName(lab), managementNetworkXml(lab), log);
  const pool = libvirtName(lab);
  if (!(await list('pools')).includes(pool)) {
    log(`defining storage pool ${pool} in ${poolDir(lab)}`);
    await defineFromXml('pool-define', poolXml(lab));
    await virsh(['pool-build', pool]);
  }
  const info = await virsh(['pool-info', pool]);
  if (!/^State:\s+running/m.test(info.stdout)) await virsh(['pool-start', pool]);
}

/** Copies the kernel and initrd of docker-lab's box to where the lab's Vagrantfile boots them from (see bootDir). */
export async function stageBootFiles(lab: Lab, log: Log): Promise<void> {
  const box = lab.boxes.libvirt!;
  if (managedSuite(box) === null) return;
  const dir = bootDir(lab);
  log(`copying the box's kernel and initrd to ${dir}`);
  await mkdir(dir, { recursive: true, mode: 0o755 });
  for (const file of Object.values(BOOT_FILES)) await copyFile(join(installedBoxDir(box, 'libvirt'), file), join(dir, file));
}

/** Domains named after the lab that Vagrant no longer knows (an interrupted `up`). */
export async function removeLeftoverDomains(lab: Lab, log: Log): Promise<void> {
  const prefix = domainPrefix(lab);
  const nodes = new Set(lab.nodes.map((n) => `${prefix}${n.name}`));
  for (const domain of (await list('domains')).filter((d) => nodes.has(d))) {
    log(`removing leftover libvirt domain ${domain}`);
    await virsh(['destroy', domain], { reject: false });
    await virsh(['undefine', domain, '--nvram'], { reject: false });
  }
}

/** Everything else of the lab: its pool with every volume in it (the box's included), then its networks. */
export async function removeLibvirtObjects(lab: Lab, log: Log): Promise<void> {
  const pool = libvirtName(lab);
  if ((await list('pools')).includes(pool)) {
    await virsh(['pool-start', pool], { reject: false }); // an inactive pool lists no volumes
    for (const volume of await volumes(pool)) {
      log(`removing volume ${volume} from pool ${pool}`);
      await virsh(['vol-delete', '--pool', pool, volume]);
    }
    log(`removing storage pool ${pool}`);
    await virsh(['pool-destroy', pool], { reject: false });
    await virsh(['pool-undefine', pool]);
  }
  await rm(poolDir(lab), { recursive: true, force: true });
  await rm(bootDir(lab), { recursive: true, force: true });
  for (const network of [libvirtName(lab), managementNetworkName(lab)]) {
    if (!(await list('networks')).includes(network)) continue;
    log(`removing libvirt network ${network}`);
    await virsh(['net-destroy', network], { reject: false });
    await virsh(['net-undefine', network]);
  }
}
