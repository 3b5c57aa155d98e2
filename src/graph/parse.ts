/**
 * What discover.sh printed on one node -> that node's part of the graph. Pure: unit-tested on output recorded
 * from real nodes (test/fixtures/graph/). Veth peers and edges across namespaces and nodes are edges.ts's work.
 */
import { z } from 'zod';
import type { Container, DockerNetwork, Interface, InterfaceKind, Namespace, NodeGraph, PublishedPort } from './model.js';

/** A veth's other end as the kernel tells it from this side: its index, in this namespace or another one. */
interface PeerHint {
  namespace: string;
  interface: string;
  index: number;
  peerIndex: number;
  /** Whether the peer lives in another namespace (the kernel gives a netnsid then). */
  elsewhere: boolean;
}

export interface ParsedNode {
  node: NodeGraph;
  peers: PeerHint[];
}

interface Section {
  name: string;
  args: string[];
  body: string;
}

export function splitSections(output: string): Section[] {
  const sections: Section[] = [];
  let current: (Section & { lines: string[] }) | null = null;
  for (const line of output.split('\n')) {
    if (line.startsWith('### ')) {
      if (current) sections.push({ name: current.name, args: current.args, body: current.lines.join('\n') });
      const [name = '', ...args] = line.slice(4).trim().split(/\s+/);
      current = { name, args, body: '', lines: [] };
    } else current?.lines.push(line);
  }
  if (current) sections.push({ name: current.name, args: current.args, body: current.lines.join('\n') });
  return sections;
}

const ipLink = z.object({
  ifindex: z.number(),
  ifname: z.string(),
  link_index: z.number().optional(),
  link_netnsid: z.number().optional(),
  mtu: z.number(),
  operstate: z.string().optional(),
  link_type: z.string().optional(),
  address: z.string().optional(),
  master: z.string().optional(),
  linkinfo: z
    .object({
      info_kind: z.string().optional(),
      info_data: z.object({ id: z.number().optional(), port: z.number().optional(), local: z.string().optional() }).optional(),
    })
    .optional(),
  addr_info: z.array(z.object({ family: z.string().optional(), local: z.string().optional(), prefixlen: z.number().optional() })).optional(),
});
type IpLink = z.infer<typeof ipLink>;

const fdbEntry = z.object({ mac: z.string().optional(), dst: z.string().optional() });

const dockerContainer = z.object({
  Id: z.string(),
  Name: z.string(),
  State: z.object({ Pid: z.number().optional() }).optional(),
  NetworkSettings: z
    .object({
      SandboxKey: z.string().optional(),
      Networks: z.record(z.string(), z.object({ IPAddress: z.string().optional(), MacAddress: z.string().optional() })).nullish(),
    })
    .optional(),
});

const dockerNetwork = z.object({
  Name: z.string(),
  Id: z.string(),
  Driver: z.string(),
  Scope: z.string(),
  IPAM: z.object({ Config: z.array(z.object({ Subnet: z.string().optional() })).nullish() }).optional(),
  Options: z.record(z.string(), z.string()).nullish(),
});

/** Reads one node's discovery output. Anything unreadable becomes a problem line, never an exception. */
export function parseDiscovery(nodeName: string, labIp: string, output: string): ParsedNode {
  const problems: string[] = [];
  const sections = splitSections(output);
  if (!sections.some((s) => s.name === 'end')) problems.push('the discovery output ended early; what follows is partial');
  const body = (name: string) => sections.find((s) => s.name === name)?.body ?? '';

  const containers = parseJsonArray(body('docker-containers'), dockerContainer, 'docker inspect', problems);
  const networks = parseJsonArray(body('docker-networks'), dockerNetwork, 'docker network inspect', problems);

  const namespaces: Namespace[] = [];
  const peers: PeerHint[] = [];
  let current: Namespace | null = null;
  for (const s of sections) {
    if (s.name === 'ns') {
      const [kind = '', name = '', inode = '0'] = s.args;
      current = { ...identify(kind, name, containers, networks), inode: Number(inode), interfaces: [] };
      namespaces.push(current);
    } else if (s.name === 'addr' && current) {
      const links = parseJsonArray(s.body, ipLink, `ip addr in namespace ${current.id}`, problems);
      const ns = current;
      ns.interfaces = links.map(toInterface);
      for (const l of links) {
        if (l.linkinfo?.info_kind === 'veth' && l.link_index !== undefined) {
          peers.push({ namespace: ns.id, interface: l.ifname, index: l.ifindex, peerIndex: l.link_index, elsewhere: l.link_netnsid !== undefined });
        }
      }
    } else if (s.name === 'fdb' && current) {
      const dev = current.interfaces.find((i) => i.name === s.args[0]);
      const entries = parseJsonArray(s.body, fdbEntry, `bridge fdb of ${s.args[0]}`, problems);
      if (dev?.vxlan) dev.vxlan.remotes = [...new Set(entries.flatMap((e) => (e.dst ? [e.dst] : [])))].sort();
    }
  }

  const byName = new Map(namespaces.map((n) => [n.id, n]));
  const node: NodeGraph = {
    name: nodeName,
    labIp,
    hostname: body('hostname').trim(),
    namespaces,
    containers: containers.map((c): Container => {
      const name = c.Name.replace(/^\//, '');
      const ns = byName.get(`container:${name}`);
      return {
        name,
        id: c.Id,
        ...(ns ? { namespace: ns.id } : {}),
        networks: Object.entries(c.NetworkSettings?.Networks ?? {}).map(([net, e]) => ({
          name: net,
          ...(e.IPAddress ? { ip: e.IPAddress } : {}),
          ...(e.MacAddress ? { mac: e.MacAddress } : {}),
        })),
      };
    }),
    networks: networks.map(
      (n): DockerNetwork => ({
        name: n.Name,
        id: n.Id,
        driver: n.Driver,
        scope: n.Scope,
        subnets: (n.IPAM?.Config ?? []).flatMap((c) => (c.Subnet ? [c.Subnet] : [])),
        ...(n.Options?.['com.docker.network.bridge.name']
          ? { bridge: n.Options['com.docker.network.bridge.name'] }
          : n.Name === 'bridge' && n.Driver === 'bridge'
            ? { bridge: 'docker0' }
            : {}),
      }),
    ),
    published: [],
    problems,
  };
  node.published = parseNat(body('nat'), node.containers);
  return { node, peers };
}

/** What a namespace is, from how the script reached it: a container's sandbox, an overlay's, a named one, the host's. */
function identify(
  kind: string,
  name: string,
  containers: z.infer<typeof dockerContainer>[],
  networks: z.infer<typeof dockerNetwork>[],
): Pick<Namespace, 'id' | 'kind' | 'name' | 'network'> {
  if (kind === 'host') return { id: 'host', kind: 'host', name: 'host' };
  if (kind === 'netns') return { id: `netns:${name}`, kind: 'netns', name };
  const container = containers.find((c) => c.NetworkSettings?.SandboxKey?.split('/').pop() === name);
  if (container) {
    const cname = container.Name.replace(/^\//, '');
    return { id: `container:${cname}`, kind: 'container', name: cname };
  }
  // Docker names an overlay network's namespace `<n>-<first 10 characters of the network id>`.
  const overlay = /^\d+-([0-9a-f]{10})$/.exec(name);
  const network = overlay ? networks.find((n) => n.Id.startsWith(overlay[1]!)) : undefined;
  return { id: `sandbox:${name}`, kind: 'sandbox', name, ...(network ? { network: network.Name } : {}) };
}

function toInterface(l: IpLink): Interface {
  const kind = kindOf(l);
  const vx = l.linkinfo?.info_kind === 'vxlan' ? l.linkinfo.info_data : undefined;
  return {
    index: l.ifindex,
    name: l.ifname,
    kind,
    ...(kind === 'other' && l.linkinfo?.info_kind ? { rawKind: l.linkinfo.info_kind } : {}),
    ...(l.address && l.link_type !== 'loopback' ? { mac: l.address } : {}),
    mtu: l.mtu,
    state: l.operstate ?? 'UNKNOWN',
    addresses: (l.addr_info ?? []).flatMap((a) => (a.local && a.prefixlen !== undefined && a.family === 'inet' ? [`${a.local}/${a.prefixlen}`] : [])),
    ...(l.master ? { master: l.master } : {}),
    ...(vx ? { vxlan: { vni: vx.id ?? 0, port: vx.port ?? 0, ...(vx.local ? { local: vx.local } : {}), remotes: [] } } : {}),
  };
}

function kindOf(l: IpLink): InterfaceKind {
  if (l.link_type === 'loopback') return 'loopback';
  const k = l.linkinfo?.info_kind;
  if (k === 'veth' || k === 'bridge' || k === 'vxlan') return k;
  if (k === undefined && l.link_type === 'ether') return 'ethernet';
  return 'other';
}

/** `-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80` -> a published port. */
function parseNat(rules: string, containers: readonly Container[]): PublishedPort[] {
  const ports: PublishedPort[] = [];
  for (const line of rules.split('\n')) {
    if (!line.includes('-j DNAT')) continue;
    const to = /--to-destination (\d+\.\d+\.\d+\.\d+):(\d+)/.exec(line);
    const dport = /--dport (\d+)/.exec(line);
    if (!to || !dport) continue;
    const proto = /-p (\w+)/.exec(line)?.[1] ?? 'tcp';
    const dst = /-d (\d+\.\d+\.\d+\.\d+)\/32/.exec(line)?.[1];
    const container = containers.find((c) => c.networks.some((n) => n.ip === to[1]))?.name;
    ports.push({
      protocol: proto,
      ...(dst ? { hostIp: dst } : {}),
      hostPort: Number(dport[1]),
      toIp: to[1]!,
      toPort: Number(to[2]),
      ...(container ? { container } : {}),
    });
  }
  return ports;
}

function parseJsonArray<T>(text: string, item: z.ZodType<T>, what: string, problems: string[]): T[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  let data: unknown;
  try {
    data = JSON.parse(trimmed);
  } catch {
    problems.push(`${what}: not JSON: ${trimmed.split('\n')[0]!.slice(0, 200)}`);
    return [];
  }
  if (!Array.isArray(data)) {
    problems.push(`${what}: expected a JSON array`);
    return [];
  }
  return data.flatMap((d, i) => {
    const r = item.safeParse(d);
    if (r.success) return [r.data];
    problems.push(`${what}: entry ${i} unreadable: ${r.error.issues[0]?.message ?? 'invalid'}`);
    return [];
  });
}
