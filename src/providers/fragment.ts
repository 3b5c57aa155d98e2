import { netmask } from '../lab/ipv4.js';
import type { Lab, LabNode } from '../lab/model.js';

/** A Ruby string literal. */
export function rb(value: string | number): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

/** The lab's private network, the same way for every VM provider (eth1, like the course's host-only adapter). */
export function privateNetwork(lab: Lab, node: LabNode): string {
  return `override.vm.network "private_network", ip: ${rb(node.ip)}, netmask: ${rb(netmask(lab.network.prefix))}`;
}

/** The box line every provider block starts with; the registry made sure the lab names one for this provider. */
export function boxLine(lab: Lab, provider: string): string {
  return `override.vm.box = ${rb(lab.boxes[provider]!)}`;
}
