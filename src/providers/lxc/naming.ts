import type { Lab, LabNode } from '../../lab/model.js';
import { labInterfaceName } from '../ifname.js';

/** The LXC container of a node: the lab name keeps two labs' docker-node1 apart. */
export function containerName(lab: Lab, node: LabNode): string {
  return `${lab.name}-${node.name}`;
}

/** The host bridge of a lab. Interface names stop at 15 characters, so long lab names are shortened with a hash. */
export function bridgeName(lab: Pick<Lab, 'name'>): string {
  return labInterfaceName('dl', lab.name);
}

/** Written into the bridge's ifalias: how `down` and the preflight know a bridge is ours. */
export function bridgeAlias(lab: Pick<Lab, 'name'>): string {
  return `docker-lab:${lab.name}`;
}
