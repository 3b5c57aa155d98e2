import { privateNetwork, rb, type VagrantfileFragment } from '../fragment.js';

export const vmwareFragment: VagrantfileFragment = (lab, node) => [
  `override.vm.box = ${rb(lab.boxes.vmware_desktop!)}`,
  privateNetwork(lab, node),
  `p.vmx["memsize"] = ${rb(String(node.memory))}`,
  `p.vmx["numvcpus"] = ${rb(String(node.cpus))}`,
];
