/**
 * The topology of a lab as discovered from its running nodes: the model every renderer draws from, and the
 * JSON that `lab graph --format json` prints. Its shape is documented in docs/graph.md and versioned by
 * GRAPH_SCHEMA: fields are only ever added within a version.
 */
export const GRAPH_SCHEMA = 'docker-lab/graph@1';

export interface Graph {
  schema: typeof GRAPH_SCHEMA;
  lab: string;
  /** ISO time at which discovery started. */
  takenAt: string;
  nodes: NodeGraph[];
  /** veth pairs, bridge ports, the lab link and VXLAN tunnels, over the whole lab. */
  edges: Edge[];
}

export interface NodeGraph {
  /** The lab's node name (docker-node1). */
  name: string;
  /** Its address on the lab network, from lab.yaml. */
  labIp: string;
  hostname: string;
  namespaces: Namespace[];
  containers: Container[];
  networks: DockerNetwork[];
  published: PublishedPort[];
  /** What could not be read (a namespace gone mid-discovery, Docker not running): the rest still stands. */
  problems: string[];
}

export type NamespaceKind = 'host' | 'container' | 'sandbox' | 'netns';

export interface Namespace {
  /** Unique within the node: `host`, `container:test1`, `sandbox:1-0a1b2c3d4e`, `netns:test1`. */
  id: string;
  kind: NamespaceKind;
  /** The container's name, the sandbox file's name, the `ip netns` name, or `host`. */
  name: string;
  /** Kernel identity of the namespace (inode of its nsfs file). */
  inode: number;
  /** For an overlay sandbox: the Docker network it serves, when known. */
  network?: string;
  interfaces: Interface[];
}

export type InterfaceKind = 'loopback' | 'ethernet' | 'veth' | 'bridge' | 'vxlan' | 'other';

export interface Interface {
  index: number;
  name: string;
  kind: InterfaceKind;
  /** The kernel's own kind word when `kind` is `other` (e.g. `ipip`, `dummy`). */
  rawKind?: string;
  mac?: string;
  mtu: number;
  /** The kernel's operstate: UP, DOWN, UNKNOWN, LOWERLAYERDOWN. */
  state: string;
  /** CIDR notation: `10.0.0.2/24`. */
  addresses: string[];
  /** The bridge this interface is a port of, by name, in the same namespace. */
  master?: string;
  /** For a veth: where its other end is, when it was found. */
  peer?: InterfaceRef;
  vxlan?: Vxlan;
}

interface Vxlan {
  vni: number;
  /** UDP destination port (4789 is IANA's, Docker's default). */
  port: number;
  local?: string;
  /** Remote VTEP addresses from the forwarding database, sorted, unique. */
  remotes: string[];
}

export interface InterfaceRef {
  node: string;
  namespace: string;
  interface: string;
}

export type EdgeKind = 'veth' | 'bridge-port' | 'lab' | 'tunnel';

export interface Edge {
  kind: EdgeKind;
  /** veth: one end; bridge-port: the port; lab and tunnel: the first node's end. */
  from: InterfaceRef;
  /** veth: the other end; bridge-port: the bridge; lab and tunnel: the other node's end. */
  to: InterfaceRef;
  /** tunnel only. */
  vni?: number;
}

export interface Container {
  name: string;
  id: string;
  /** Id of its namespace in `namespaces`, when found. */
  namespace?: string;
  networks: { name: string; ip?: string; mac?: string }[];
}

export interface DockerNetwork {
  name: string;
  id: string;
  driver: string;
  scope: string;
  subnets: string[];
  /** The Linux bridge of a bridge network (docker0 for `bridge`). */
  bridge?: string;
}

export interface PublishedPort {
  protocol: string;
  /** Host side; `hostIp` absent means every address. */
  hostIp?: string;
  hostPort: number;
  /** Where DNAT sends it. */
  toIp: string;
  toPort: number;
  container?: string;
}
