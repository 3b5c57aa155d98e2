import type { Lab, LabNode } from '../lab/model.js';

/**
 * What a provider contributes to the Vagrantfile for one node: the lines inside
 * `node.vm.provider "<name>" do |p, override| ... end`. Pure, so the Vagrantfile can be rendered and
 * checked without touching the machine.
 */
export type VagrantfileFragment = (lab: Lab, node: LabNode) => string[];

/** A Ruby string literal. */
export function rb(value: string | number): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

/** The lab's private network, the same way for every VM provider (eth1, like the course's host-only adapter). */
export function privateNetwork(lab: Lab, node: LabNode): string {
  return `override.vm.network "private_network", ip: ${rb(node.ip)}, netmask: ${rb(netmask(lab.network.prefix))}`;
}

function netmask(prefix: number): string {
  const bits = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (bits >>> s) & 255).join('.');
}
