import type { Lab } from '../lab/model.js';
import type { RegisteredProvider } from '../providers/index.js';
import { Vagrant } from '../vagrant/driver.js';

interface NodeStatus {
  name: string;
  ip: string;
  state: string;
}

export async function status(lab: Lab, provider: RegisteredProvider): Promise<NodeStatus[]> {
  const machines = await new Vagrant(lab, provider.name).status();
  return lab.nodes.map((n) => ({ name: n.name, ip: n.ip, state: machines.find((m) => m.name === n.name)?.state ?? 'unknown' }));
}

export function formatStatus(lab: Lab, provider: RegisteredProvider, nodes: NodeStatus[]): string {
  const rows = nodes.map((n) => `  ${n.name.padEnd(16)} ${n.ip.padEnd(16)} ${n.state}`);
  return [`lab ${lab.name} (${provider.name}, ${lab.network.cidr}, Debian ${lab.suite}, Docker ${lab.docker.version})`, ...rows].join('\n');
}
