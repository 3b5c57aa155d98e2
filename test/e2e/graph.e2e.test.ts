/**
 * Seeing the network on a real lab (h13, 192.168.223.0/24): after `lab scenario overlay --keep`, `lab graph`
 * finds both nodes' bridges, the overlay sandboxes with br0, the VXLAN devices with one VNI and the tunnel
 * between them, and the containers with their addresses; the SVG is well-formed. `lab capture` during a
 * cross-node ping writes a pcap that the host's tcpdump reads back as VXLAN-encapsulated ICMP, and Ctrl-C
 * leaves a complete file. The HTML report of a failed run, opened in headless Chromium, shows the failed step
 * (the matrix page, which needs no lab, is test/report/matrix-browser.test.ts).
 */

import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph, Interface, Namespace } from '../../src/graph/model.js';
import { inlineSvg } from '../../src/report/html/page.js';
import { chromium } from '../support/chromium.js';
import { e2eLab, leftovers, waitFor } from '../support/e2e.js';
import { svgTexts } from '../support/svg.js';
import { checkWellFormed } from '../support/xml.js';

const DIR = '/var/tmp/docker-lab-gr';
const SUBNET = '192.168.223';
const e2e = e2eLab('dlab-gr', DIR, SUBNET);
const lab = e2e.run;
const out = (name: string) => join(DIR, 'out', name);

describe('lab graph, lab capture and the HTML report on a real lab', () => {
  beforeAll(async () => {
    rmSync(join(DIR, 'out'), { recursive: true, force: true });
    await lab('down'); // a fresh lab: overlay --keep leaves its state behind
    const up = await lab('up', '--provider', 'lxc');
    expect(up.exitCode, up.all).toBe(0);
    const overlay = await lab('scenario', 'overlay', '--keep', '--run-dir', out('runs'));
    expect(overlay.exitCode, overlay.all).toBe(0);
  });

  afterAll(async () => {
    const down = await lab('down');
    expect(down.exitCode, down.all).toBe(0);
    expect(await leftovers(e2e)).toEqual([]);
  });

  it('draws the overlay as JSON: bridges, sandboxes with br0, one VNI on both nodes, the tunnel and the containers', async () => {
    const r = await lab('graph', '--format', 'json', '--out', out('graph.json'));
    expect(r.exitCode, r.all).toBe(0);
    const graph = JSON.parse(readFileSync(out('graph.json'), 'utf8')) as Graph;
    expect(graph.schema).toBe('docker-lab/graph@1');
    expect(graph.nodes.map((n) => n.name)).toEqual(['docker-node1', 'docker-node2']);

    const vnis: number[] = [];
    for (const node of graph.nodes) {
      expect(node.problems).toEqual([]);
      const host = node.namespaces.find((n) => n.kind === 'host')!;
      expect(host.interfaces.filter((i) => i.kind === 'bridge').map((i) => i.name)).toEqual(expect.arrayContaining(['docker0', 'docker_gwbridge']));

      const sandbox = node.namespaces.find((n) => n.kind === 'sandbox' && n.network === 'demo') as Namespace;
      expect(sandbox, `${node.name}: the overlay sandbox of demo`).toBeDefined();
      expect(sandbox.interfaces.find((i) => i.name === 'br0')?.kind).toBe('bridge');
      const ports = sandbox.interfaces.filter((i) => i.master === 'br0');
      const vxlan = ports.find((p) => p.kind === 'vxlan') as Interface;
      const veth = ports.find((p) => p.kind === 'veth') as Interface;
      vnis.push(vxlan.vxlan!.vni);
      const container = node.name === 'docker-node1' ? 'test1' : 'test2';
      // br0's veth port is the container's eth0's peer.
      expect(veth.peer).toEqual({ node: node.name, namespace: `container:${container}`, interface: 'eth0' });

      const c = node.containers.find((x) => x.name === container)!;
      const ip = c.networks.find((n) => n.name === 'demo')!.ip!;
      expect(ip).toMatch(/^10\.0\.0\.\d+$/);
      const eth0 = node.namespaces.find((n) => n.id === `container:${container}`)!.interfaces.find((i) => i.name === 'eth0')!;
      expect(eth0.addresses).toEqual([`${ip}/24`]);
    }
    expect(vnis[0]).toBe(vnis[1]);
    const tunnels = graph.edges.filter((e) => e.kind === 'tunnel');
    expect(tunnels).toHaveLength(1);
    expect(tunnels[0]).toMatchObject({ vni: vnis[0], from: { node: 'docker-node1' }, to: { node: 'docker-node2' } });
  });

  it('renders the SVG', async () => {
    const r = await lab('graph', '--out', out('graph.svg'));
    expect(r.exitCode, r.all).toBe(0);
    const svg = inlineSvg(readFileSync(out('graph.svg'), 'utf8'));
    expect(checkWellFormed(svg)[0]).toBe('svg');
    expect(svgTexts(svg)).toEqual(expect.arrayContaining([`docker-node1 (${SUBNET}.10)`, `docker-node2 (${SUBNET}.11)`, 'container test1', 'container test2']));
    expect(svgTexts(svg).some((t) => /^VXLAN VNI \d+$/.test(t))).toBe(true);
  });

  it('captures the VXLAN packets of a cross-node ping, which tcpdump on the host reads back as ICMP inside VXLAN', async () => {
    const capture = e2e.start('capture', 'docker-node1', 'eth1', '--filter', 'udp port 4789', '--count', '4', '--out', out('vxlan.pcap'));
    let seen = '';
    capture.all!.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    let ended = false;
    void capture.finally(() => (ended = true));
    await waitFor(
      'the capture listening',
      () => seen.includes('capturing on docker-node1 eth1'),
      () => ended,
    );
    // Pings until the capture has its 4 packets; it does not matter how many it takes.
    const ping = lab(
      'scenario',
      writeScenario('h13-ping', [
        '  - name: test1 pings test2 until the capture ends',
        '    on: docker-node1',
        '    run: docker exec test1 ping -c 60 -i 0.5 test2 || true',
      ]),
      '--run-dir',
      out('runs'),
    );
    const r = await capture;
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toMatch(/4 packets captured on docker-node1 eth1/);
    const read = await execa('tcpdump', ['-nn', '-r', out('vxlan.pcap')], { reject: false });
    expect(read.exitCode, read.stderr).toBe(0);
    // Each packet: the outer UDP to port 4789 with its VXLAN header, then the inner frame: the containers' ICMP.
    expect(read.stdout.match(/> 192\.168\.223\.1[01]\.4789: VXLAN, flags \[I\] \(0x08\), vni \d+/g)).toHaveLength(4);
    expect(read.stdout.match(/IP 10\.0\.0\.\d+ > 10\.0\.0\.\d+: ICMP echo (request|reply)/g)).toHaveLength(4);
    await ping;
  });

  it('stops on Ctrl-C with a complete pcap file', async () => {
    const capture = e2e.start('capture', 'docker-node1', 'eth0', '--container', 'test1', '--filter', 'icmp', '--out', out('ctrl-c.pcap'));
    let seen = '';
    capture.all!.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    let ended = false;
    void capture.finally(() => (ended = true));
    await waitFor(
      'the capture listening',
      () => seen.includes('capturing on docker-node1 eth0'),
      () => ended,
    );
    const ping = lab(
      'scenario',
      writeScenario('h13-ping2', [
        '  - name: test1 pings test2 for a while',
        '    on: docker-node1',
        '    run: docker exec test1 ping -c 20 -i 0.5 test2 || true',
      ]),
      '--run-dir',
      out('runs'),
    );
    // Packets are written as they come (tcpdump -U): Ctrl-C once the file holds more than pcap's 24-byte header.
    const size = () => (existsSync(out('ctrl-c.pcap')) ? statSync(out('ctrl-c.pcap')).size : 0);
    await waitFor(
      'packets in the file',
      () => size() > 24,
      () => ended,
    );
    process.kill(-capture.pid!, 'SIGINT');
    const r = await capture;
    expect(r.exitCode, r.all).toBe(130);
    expect(r.all).toMatch(/\d+ packets captured on docker-node1 eth0/);
    const read = await execa('tcpdump', ['-nn', '-r', out('ctrl-c.pcap')], { reject: false });
    expect(read.exitCode, read.stderr).toBe(0);
    expect(read.stderr).not.toMatch(/truncated/);
    expect(read.stdout).toMatch(/ICMP echo (request|reply)/);
    await ping;
  });

  it('writes an HTML report of a failed run that headless Chromium shows with the failed step and the snapshot', async () => {
    const scenario = writeScenario('h13-fails', [
      '  - graph: before the failure',
      '    on: docker-node1',
      '  - name: docker0 has an address it does not have',
      '    on: docker-node1',
      '    run: ip -4 addr show docker0',
      '    expect: { stdout: { contains: 203.0.113.1 } }',
    ]);
    const r = await lab('scenario', scenario, '--reporter', 'html', '--output', out('failed.html'), '--run-dir', out('runs'));
    expect(r.exitCode, r.all).toBe(1);
    const dom = await chromium(['--dump-dom', `file://${out('failed.html')}`]);
    expect(dom.exitCode, dom.stderr).toBe(0);
    expect(dom.stdout).toContain('Failed steps (1)');
    expect(dom.stdout).toMatch(/h13-fails: step 2 “docker0 has an address it does not have” failed on docker-node1/);
    expect(dom.stdout).toContain('203.0.113.1');
    expect(dom.stdout).toMatch(/<svg[^>]*>/);
    const shot = await chromium(['--window-size=1280,1600', `--screenshot=${out('failed.png')}`, `file://${out('failed.html')}`]);
    expect(shot.exitCode, shot.stderr).toBe(0);
    expect(existsSync(out('failed.png'))).toBe(true);
  });
});

/** A scenario of the test's own in the lab folder (its file name must be its name). */
function writeScenario(name: string, steps: string[]): string {
  const file = join(DIR, `${name}.yaml`);
  writeFileSync(file, [`name: ${name}`, `description: ${name}, written by graph.e2e.test.ts`, 'steps:', ...steps, ''].join('\n'));
  return file;
}
