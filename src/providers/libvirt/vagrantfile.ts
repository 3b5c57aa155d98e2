import { privateNetwork, rb, type VagrantfileFragment } from '../fragment.js';

export const libvirtFragment: VagrantfileFragment = (lab, node) => [
  `override.vm.box = ${rb(lab.boxes.libvirt!)}`,
  privateNetwork(lab, node),
  `p.memory = ${node.memory}`,
  `p.cpus = ${node.cpus}`,
];
