import { createHash } from 'node:crypto';
import type { Lab, LabNode } from '../../lab/model.js';

/** The LXC container of a node: the lab name keeps two labs' docker-node1 apart. */
export function containerName(lab: Lab, node: LabNode): string {
  return `${lab.name}-${node.name}`;
}

/** The host bridge of a lab. Interface names stop at 15 characters, so long lab names are shortened with a hash. */
export function bridgeName(lab: Pick<Lab, 'name'>): string {
  const plain = `dl-${lab.name}`;
  if (plain.length <= 15) return plain;
  const hash = createHash('sha256').update(lab.name).digest('hex').slice(0, 4);
  return `dl-${lab.name.slice(0, 7).replace(/-+$/, '')}-${hash}`;
}

/** Written into the bridge's ifalias: how `down` and the preflight know a bridge is ours. */
export function bridgeAlias(lab: Pick<Lab, 'name'>): string {
  return `docker-lab:${lab.name}`;
}
