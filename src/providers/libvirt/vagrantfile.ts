import { boxLine, privateNetwork } from '../fragment.js';
import type { VagrantfileFragment } from '../provider.js';

export const libvirtFragment: VagrantfileFragment = (lab, node) => [boxLine(lab, 'libvirt'), privateNetwork(lab, node), `p.memory = ${node.memory}`, `p.cpus = ${node.cpus}`];
