/**
 * Discovery parsing and rendering, on what discover.sh printed on real lab nodes (test/fixtures/graph/, recorded
 * with record.ts): `overlay`, after `lab scenario overlay --keep`; `busy`, node1 of that moment with two more
 * containers on docker0 (web publishing 8080 -> 80, and peer) and the netns lesson's veth pair between the
 * named namespaces test1 and test2.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connect } from '../../src/graph/edges.js';
import type { Graph, Interface, NodeGraph } from '../../src/graph/model.js';
import { GRAPH_SCHEMA } from '../../src/graph/model.js';
import { parseDiscovery, splitSections } from '../../src/graph/parse.js';
import { renderGraph } from '../../src/graph/render.js';
import { subjectClass, subjectsOf } from '../../src/graph/subjects.js';
import { inlineSvg } from '../../src/report/html/page.js';
import { svgTexts } from '../support/svg.js';
import { checkWellFormed } from '../support/xml.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/graph');
const NODES = [
  { name: 'docker-node1', ip: '192.168.223.10' },
  { name: 'docker-node2', ip: '192.168.223.11' },
];

function graphOf(moment: string, nodes = NODES): Graph {
  const parsed = nodes.map((n) => parseDiscovery(n.name, n.ip, readFileSync(join(FIXTURES, moment, `${n.name}.txt`), 'utf8')));
  return { schema: GRAPH_SCHEMA, lab: 'h13', takenAt: '2026-11-30T10:00:00.000Z', ...connect(parsed) };
}

function iface(node: NodeGraph, namespace: string, name: string): Interface {
  const found = node.namespaces.find((n) => n.id === namespace)?.interfaces.find((i) => i.name === name);
  if (!found) throw new Error(`no ${name} in ${namespace} on ${node.name}`);
  return found;
}

describe('the overlay lesson, discovered', () => {
  const graph = graphOf('overlay');
  const [node1, node2] = graph.nodes as [NodeGraph, NodeGraph];

  it('reads every node without a problem, docker0 and docker_gwbridge in the host namespace', () => {
    for (const node of graph.nodes) {
      expect(node.problems).toEqual([]);
      const host = node.namespaces.find((n) => n.kind === 'host')!;
      expect(host.interfaces.map((i) => i.name)).toEqual(expect.arrayContaining(['lo', 'eth1', 'docker0', 'docker_gwbridge']));
      expect(iface(node, 'host', 'docker0').kind).toBe('bridge');
      expect(iface(node, 'host', 'eth1').addresses).toContain(`${node.labIp}/24`);
    }
  });

  it('finds the overlay sandbox of demo with br0, whose ports are a vxlan device and the container end of a veth', () => {
    const vnis = graph.nodes.map((node) => {
      const sandbox = node.namespaces.find((n) => n.kind === 'sandbox' && n.network === 'demo');
      expect(sandbox, node.name).toBeDefined();
      const br0 = sandbox!.interfaces.find((i) => i.name === 'br0')!;
      expect(br0.kind).toBe('bridge');
      const ports = sandbox!.interfaces.filter((i) => i.master === 'br0');
      const vxlan = ports.find((p) => p.kind === 'vxlan')!;
      const veth = ports.find((p) => p.kind === 'veth')!;
      expect(vxlan.vxlan!.port).toBe(4789);
      // The veth's other end is eth0 of the container on this node.
      expect(veth.peer).toEqual({ node: node.name, namespace: `container:${node === node1 ? 'test1' : 'test2'}`, interface: 'eth0' });
      expect(graph.edges).toContainEqual({
        kind: 'bridge-port',
        from: { node: node.name, namespace: sandbox!.id, interface: vxlan.name },
        to: { node: node.name, namespace: sandbox!.id, interface: 'br0' },
      });
      return vxlan.vxlan!.vni;
    });
    expect(vnis[0]).toBe(vnis[1]);
  });

  it('names the other node as the remote VTEP, and draws one tunnel edge with the VNI', () => {
    const tunnel = graph.edges.filter((e) => e.kind === 'tunnel');
    expect(tunnel).toHaveLength(1);
    expect(tunnel[0]!.from.node).toBe('docker-node1');
    expect(tunnel[0]!.to.node).toBe('docker-node2');
    const vxlan1 = iface(node1, tunnel[0]!.from.namespace, tunnel[0]!.from.interface);
    expect(tunnel[0]!.vni).toBe(vxlan1.vxlan!.vni);
    expect(vxlan1.vxlan!.remotes).toContain(node2.labIp);
  });

  it('has test1 and test2 on demo with 10.0.0.x addresses, in their own namespaces with MTU 1450', () => {
    const test1 = node1.containers.find((c) => c.name === 'test1')!;
    const test2 = node2.containers.find((c) => c.name === 'test2')!;
    for (const [node, c] of [
      [node1, test1],
      [node2, test2],
    ] as const) {
      expect(c.namespace).toBe(`container:${c.name}`);
      const ip = c.networks.find((n) => n.name === 'demo')?.ip;
      expect(ip).toMatch(/^10\.0\.0\.\d+$/);
      const eth0 = iface(node, `container:${c.name}`, 'eth0');
      expect(eth0.addresses).toContain(`${ip}/24`);
      expect(eth0.mtu).toBe(1450);
      // eth1 goes out through docker_gwbridge on the host.
      const eth1 = iface(node, `container:${c.name}`, 'eth1');
      expect(eth1.peer?.namespace).toBe('host');
      expect(iface(node, 'host', eth1.peer!.interface).master).toBe('docker_gwbridge');
    }
  });

  it('joins the nodes with the lab link between their eth1', () => {
    expect(graph.edges.filter((e) => e.kind === 'lab')).toEqual([
      { kind: 'lab', from: { node: 'docker-node1', namespace: 'host', interface: 'eth1' }, to: { node: 'docker-node2', namespace: 'host', interface: 'eth1' } },
    ]);
  });

  it("leaves the LXC node's own veths (whose peers are outside the lab) without a peer", () => {
    expect(iface(node1, 'host', 'eth1').peer).toBeUndefined();
  });

  it('renders DOT with a cluster per node and namespace, and the tunnel labelled with its VNI', async () => {
    const dot = await renderGraph(graph, 'dot');
    const vni = graph.edges.find((e) => e.kind === 'tunnel')!.vni;
    expect(dot).toMatch(/^graph lab \{/);
    expect(dot).toContain('label="docker-node1 (192.168.223.10)"');
    expect(dot).toContain('label="container test1"');
    expect(dot).toMatch(/label="overlay demo \(1-[0-9a-f]{10}\)"/);
    expect(dot).toContain(`label="VXLAN VNI ${vni}"`);
  });

  it('renders an SVG that is well-formed XML with the nodes, containers and VNI in its text', async () => {
    const svg = inlineSvg(await renderGraph(graph, 'svg'));
    const elements = checkWellFormed(svg);
    expect(elements[0]).toBe('svg');
    const texts = svgTexts(svg);
    expect(texts).toEqual(expect.arrayContaining(['docker-node1 (192.168.223.10)', 'docker-node2 (192.168.223.11)', 'container test1', 'container test2']));
    expect(texts.some((t) => /^VXLAN VNI \d+$/.test(t!))).toBe(true);
  });

  it('renders Mermaid: nested subgraphs, one per node and namespace, and a labelled tunnel', async () => {
    const mmd = await renderGraph(graph, 'mermaid');
    expect(mmd.split('\n')[0]).toBe('flowchart TB');
    const opened = mmd.split('\n').filter((l) => /^\s*subgraph /.test(l)).length;
    const closed = mmd.split('\n').filter((l) => /^\s*end$/.test(l)).length;
    expect(opened).toBe(closed);
    expect(opened).toBe(graph.nodes.length + graph.nodes.reduce((n, x) => n + x.namespaces.length, 0));
    expect(mmd).toMatch(/===\|"VXLAN VNI \d+"\|/);
  });

  it('renders JSON that reads back as the same graph, with its schema', async () => {
    const json = JSON.parse(await renderGraph(graph, 'json')) as Graph;
    expect(json.schema).toBe('docker-lab/graph@1');
    expect(json).toEqual(JSON.parse(JSON.stringify(graph)));
  });
});

describe('containers on docker0 with a published port', () => {
  const graph = graphOf('busy', NODES.slice(0, 1));
  const node = graph.nodes[0]!;

  it("puts both containers' host ends on docker0, each the peer of the container's eth0", () => {
    for (const name of ['web', 'peer']) {
      const eth0 = iface(node, `container:${name}`, 'eth0');
      expect(eth0.peer?.namespace).toBe('host');
      const hostEnd = iface(node, 'host', eth0.peer!.interface);
      expect(hostEnd.master).toBe('docker0');
      expect(hostEnd.peer).toEqual({ node: node.name, namespace: `container:${name}`, interface: 'eth0' });
    }
    const docker0Ports = graph.edges.filter((e) => e.kind === 'bridge-port' && e.to.interface === 'docker0');
    expect(docker0Ports).toHaveLength(2);
  });

  it('reads the DNAT rule as a published port of the container', () => {
    const web = node.containers.find((c) => c.name === 'web')!;
    expect(node.published).toContainEqual({ protocol: 'tcp', hostPort: 8080, toIp: web.networks[0]!.ip!, toPort: 80, container: 'web' });
  });

  it('knows the default bridge network is docker0', () => {
    expect(node.networks.find((n) => n.name === 'bridge')).toMatchObject({ driver: 'bridge', bridge: 'docker0', subnets: ['172.17.0.0/16'] });
  });
});

describe('the netns lesson', () => {
  const graph = graphOf('busy', NODES.slice(0, 1));
  const node = graph.nodes[0]!;

  it('finds the named namespaces and the veth pair between them, resolved across namespaces', () => {
    expect(node.namespaces.map((n) => n.id)).toEqual(expect.arrayContaining(['netns:test1', 'netns:test2']));
    expect(iface(node, 'netns:test1', 'veth-test1').peer).toEqual({ node: node.name, namespace: 'netns:test2', interface: 'veth-test2' });
    expect(iface(node, 'netns:test1', 'veth-test1').addresses).toEqual(['192.168.1.1/24']);
    expect(graph.edges).toContainEqual({
      kind: 'veth',
      from: { node: node.name, namespace: 'netns:test1', interface: 'veth-test1' },
      to: { node: node.name, namespace: 'netns:test2', interface: 'veth-test2' },
    });
  });
});

describe('discovery output that is cut or broken', () => {
  it('keeps what it could read and says what it could not', () => {
    const text = readFileSync(join(FIXTURES, 'overlay', 'docker-node1.txt'), 'utf8');
    const cut = text.slice(0, text.indexOf('### ns docker'));
    const { node } = parseDiscovery('docker-node1', '192.168.223.10', `${cut}### addr\n{not json\n`);
    expect(node.problems[0]).toMatch(/ended early/);
    expect(node.problems.some((p) => /not JSON/.test(p))).toBe(true);
    expect(node.namespaces.map((n) => n.id)).toEqual(['host']);
  });

  it('splits sections on their marks only', () => {
    expect(splitSections('### a 1 2\nx\n### b\ny\nz')).toEqual([
      { name: 'a', args: ['1', '2'], body: 'x' },
      { name: 'b', args: [], body: 'y\nz' },
    ]);
  });
});

describe('what a step names, marked in the picture', () => {
  it("a step's words become the classes the drawing gives what they name: the overlay demo's sandbox, test1, br0", async () => {
    const marks = subjectsOf('sudo docker exec test1 ip -d link show br0 # on demo');
    expect(marks).toEqual(expect.arrayContaining(['subject-test1', 'subject-br0', 'subject-demo']));
    expect(subjectClass('1-0a1b2c3d4e')).toBe('subject-1-0a1b2c3d4e');
    expect(subjectClass('ov_net2 x.y')).toBe('subject-ov_net2_x_y');
    // Graphviz writes a class's '-' as &#45;, which the page's DOM reads back as '-'.
    const svg = (await renderGraph(graphOf('overlay'), 'svg')).replaceAll('&#45;', '-');
    // Graphviz keeps the classes: the container's namespace, the overlay's sandbox (by its network) and br0 carry them.
    for (const mark of ['subject-test1', 'subject-demo', 'subject-br0']) expect(svg).toMatch(new RegExp(`class="(cluster|node) [^"]*\\b${mark}\\b`));
  });
});
