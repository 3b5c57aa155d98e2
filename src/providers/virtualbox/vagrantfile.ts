import { privateNetwork, rb, type VagrantfileFragment } from '../fragment.js';

export const virtualboxFragment: VagrantfileFragment = (lab, node) => [
  `override.vm.box = ${rb(lab.boxes.virtualbox!)}`,
  privateNetwork(lab, node),
  `p.name = ${rb(`${lab.name}-${node.name}`)}`,
  `p.memory = ${node.memory}`,
  `p.cpus = ${node.cpus}`,
];
