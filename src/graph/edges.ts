/**
 * The wiring between interfaces, over the whole lab: veth pairs (resolved across namespaces), bridge ports,
 * the lab network between the nodes and the VXLAN tunnels between them. Pure.
 */
import type { Edge, InterfaceRef, NodeGraph } from './model.js';
import type { ParsedNode } from './parse.js';

export function connect(parsed: readonly ParsedNode[]): { nodes: NodeGraph[]; edges: Edge[] } {
  const nodes = parsed.map((p) => p.node);
  const edges: Edge[] = [...parsed.flatMap(vethPairs), ...nodes.flatMap(bridgePorts), ...labLinks(nodes), ...tunnels(nodes)];
  return { nodes, edges };
}

/**
 * A veth end names its peer by interface index, plus a netnsid when the peer is in another namespace. The
 * netnsid is only meaningful inside the namespace that holds it, so the pair is found the other way round:
 * two veth ends that name each other's index, in different namespaces when the kernel says so. A hint that
 * matches no end, or several, is left unresolved rather than guessed (an LXC node's eth0 and eth1 are veths
 * whose peers live on the host outside the lab).
 */
function vethPairs({ node, peers }: ParsedNode): Edge[] {
  const edges: Edge[] = [];
  for (const a of peers) {
    const matches = peers.filter(
      (b) => b !== a && b.index === a.peerIndex && b.peerIndex === a.index && (a.elsewhere ? b.namespace !== a.namespace : b.namespace === a.namespace),
    );
    if (matches.length !== 1) continue;
    const b = matches[0]!;
    const iface = node.namespaces.find((n) => n.id === a.namespace)?.interfaces.find((i) => i.name === a.interface);
    if (iface) iface.peer = { node: node.name, namespace: b.namespace, interface: b.interface };
    // Each pair once: from the end whose (namespace, name) sorts first.
    if (`${a.namespace}\0${a.interface}` < `${b.namespace}\0${b.interface}`) {
      edges.push({
        kind: 'veth',
        from: { node: node.name, namespace: a.namespace, interface: a.interface },
        to: { node: node.name, namespace: b.namespace, interface: b.interface },
      });
    }
  }
  return edges;
}

function bridgePorts(node: NodeGraph): Edge[] {
  return node.namespaces.flatMap((ns) =>
    ns.interfaces
      .filter((i) => i.master && ns.interfaces.some((b) => b.name === i.master && b.kind === 'bridge'))
      .map(
        (i): Edge => ({
          kind: 'bridge-port',
          from: { node: node.name, namespace: ns.id, interface: i.name },
          to: { node: node.name, namespace: ns.id, interface: i.master! },
        }),
      ),
  );
}

/** The interface in the host namespace that holds the node's lab address. */
function labInterface(node: NodeGraph): InterfaceRef | null {
  const host = node.namespaces.find((n) => n.kind === 'host');
  const iface = host?.interfaces.find((i) => i.addresses.some((a) => a.split('/')[0] === node.labIp));
  return host && iface ? { node: node.name, namespace: host.id, interface: iface.name } : null;
}

function labLinks(nodes: readonly NodeGraph[]): Edge[] {
  const ends = nodes.map(labInterface);
  return pairs(nodes.length).flatMap(([i, j]) => {
    const a = ends[i];
    const b = ends[j];
    return a && b ? [{ kind: 'lab' as const, from: a, to: b }] : [];
  });
}

/**
 * Two VXLAN devices on two nodes with the same VNI are the ends of one tunnel. When a device's forwarding
 * database names remotes, the other node's lab address must be among them.
 */
function tunnels(nodes: readonly NodeGraph[]): Edge[] {
  const vteps = nodes.map((node) =>
    node.namespaces.flatMap((ns) =>
      ns.interfaces.filter((i) => i.vxlan).map((i) => ({ ref: { node: node.name, namespace: ns.id, interface: i.name }, vxlan: i.vxlan! })),
    ),
  );
  return pairs(nodes.length).flatMap(([i, j]) =>
    vteps[i]!.flatMap((a) =>
      vteps[j]!.filter((b) => b.vxlan.vni === a.vxlan.vni)
        .filter((b) => reaches(a.vxlan.remotes, nodes[j]!.labIp) && reaches(b.vxlan.remotes, nodes[i]!.labIp))
        .map((b): Edge => ({ kind: 'tunnel', from: a.ref, to: b.ref, vni: a.vxlan.vni })),
    ),
  );
}

function reaches(remotes: readonly string[], ip: string): boolean {
  return remotes.length === 0 || remotes.includes(ip);
}

function pairs(n: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out.push([i, j]);
  return out;
}
