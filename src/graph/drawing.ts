/**
 * What a picture of the graph shows, whatever the picture's language: nodes as boxes, their namespaces inside,
 * interfaces inside those, and the edges, each with a short id and label. DOT and Mermaid draw from this. Pure.
 */
import type { Edge, EdgeKind, Graph, Interface, InterfaceKind, Namespace, NamespaceKind, NodeGraph } from './model.js';

interface DrawnInterface {
  id: string;
  kind: InterfaceKind;
  /** What a step's commands would call it: the device's name. */
  names: string[];
  /** Lines: the name, then addresses, then VNI/MTU when worth reading. */
  lines: string[];
}

export interface DrawnNamespace {
  id: string;
  kind: NamespaceKind;
  title: string;
  /** What a step's commands would call it: the container, `ip netns` or sandbox name, and an overlay's network. */
  names: string[];
  interfaces: DrawnInterface[];
}

interface DrawnNode {
  id: string;
  title: string;
  namespaces: DrawnNamespace[];
}

export interface DrawnEdge {
  kind: EdgeKind;
  from: string;
  to: string;
  label?: string;
}

interface Drawing {
  title: string;
  nodes: DrawnNode[];
  edges: DrawnEdge[];
}

export function drawing(graph: Graph): Drawing {
  const ids = new Map<string, string>();
  const key = (node: string, ns: string, iface: string) => `${node}\0${ns}\0${iface}`;
  const nodes = graph.nodes.map(
    (node, n): DrawnNode => ({
      id: `n${n}`,
      title: `${node.name} (${node.labIp})`,
      namespaces: node.namespaces.map(
        (ns, s): DrawnNamespace => ({
          id: `n${n}s${s}`,
          kind: ns.kind,
          title: namespaceTitle(node, ns),
          names: [ns.name, ...(ns.network ? [ns.network] : [])],
          interfaces: shown(ns).map((i, k): DrawnInterface => {
            const id = `n${n}s${s}i${k}`;
            ids.set(key(node.name, ns.id, i.name), id);
            return { id, kind: i.kind, names: [i.name], lines: interfaceLines(i) };
          }),
        }),
      ),
    }),
  );
  const edges = graph.edges.flatMap((e): DrawnEdge[] => {
    const from = ids.get(key(e.from.node, e.from.namespace, e.from.interface));
    const to = ids.get(key(e.to.node, e.to.namespace, e.to.interface));
    if (!from || !to) return [];
    const label = edgeLabel(e);
    return [{ kind: e.kind, from, to, ...(label ? { label } : {}) }];
  });
  return { title: `lab ${graph.lab} at ${graph.takenAt}`, nodes, edges };
}

/** lo says nothing in a picture, unless it is all a namespace has (a fresh `ip netns add`). */
function shown(ns: Namespace): Interface[] {
  const others = ns.interfaces.filter((i) => i.kind !== 'loopback');
  return others.length ? others : ns.interfaces;
}

function namespaceTitle(node: NodeGraph, ns: Namespace): string {
  switch (ns.kind) {
    case 'host':
      return `host namespace (${node.hostname || node.name})`;
    case 'container':
      return `container ${ns.name}`;
    case 'sandbox':
      return ns.network ? `overlay ${ns.network} (${ns.name})` : `sandbox ${ns.name}`;
    case 'netns':
      return `netns ${ns.name}`;
  }
}

function interfaceLines(i: Interface): string[] {
  const lines = [`${i.name} (${i.kind === 'other' ? (i.rawKind ?? 'other') : i.kind})`, ...i.addresses];
  if (i.vxlan) lines.push(`VNI ${i.vxlan.vni}, port ${i.vxlan.port}`);
  if (i.state === 'DOWN') lines.push('DOWN');
  return lines;
}

function edgeLabel(e: Edge): string | undefined {
  if (e.kind === 'tunnel') return `VXLAN VNI ${e.vni}`;
  if (e.kind === 'lab') return 'lab network';
  return undefined;
}
