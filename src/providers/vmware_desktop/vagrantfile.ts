import { boxLine, privateNetwork, rb } from '../fragment.js';
import type { VagrantfileFragment } from '../provider.js';

export const vmwareFragment: VagrantfileFragment = (lab, node) => [
  boxLine(lab, 'vmware_desktop'),
  privateNetwork(lab, node),
  `p.vmx["memsize"] = ${rb(String(node.memory))}`,
  `p.vmx["numvcpus"] = ${rb(String(node.cpus))}`,
];
