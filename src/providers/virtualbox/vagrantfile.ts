import { boxLine, privateNetwork, rb } from '../fragment.js';
import type { VagrantfileFragment } from '../provider.js';

export const virtualboxFragment: VagrantfileFragment = (lab, node) => [
  boxLine(lab, 'virtualbox'),
  privateNetwork(lab, node),
  `p.name = ${rb(`${lab.name}-${node.name}`)}`,
  `p.memory = ${node.memory}`,
  `p.cpus = ${node.cpus}`,
];
