/**
 * Mutations of the course's lessons (issue #24): each breaks on the node the network fact a lesson teaches, in
 * front of one of its steps, and names the step that must then fail. A lesson whose checks are sound fails there;
 * one that passes anyway, or fails elsewhere, has a loose check.
 *
 * A mutation is written into a copy of the scenario file as steps of its own format, so the fault is applied by
 * the engine, over the lesson's own connections, with the lesson's captures (`${{ captures.x }}`) at hand; what
 * it leaves on a node is undone by cleanup steps put first in the copy's cleanup, which runs however the lesson
 * ended.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { SCENARIOS_DIR } from '../../src/paths.js';
import { leafResults, type StepResult } from '../../src/scenario/results.js';

/** A step of the scenario format, as the mutation adds it (injected in front of a step, or undoing in cleanup). */
export interface MutationStep {
  on: string;
  run: string;
  sudo?: boolean;
  /** Injected steps only: a process left running while the lesson goes on (stopped after cleanup). */
  background?: boolean;
}

export interface Mutation {
  scenario: string;
  /** One line: what is broken, and which fact of the lesson that falsifies. */
  why: string;
  /** The step the fault goes in front of: a top-level step's name, or the name of a step in a parallel group. */
  before: string;
  inject: MutationStep[];
  /** What undoes the injection on the nodes, whatever happened; never fails (`|| true`). */
  undo?: MutationStep[];
  /** The step that must fail first: the one that teaches the fact. */
  failsAt: string;
}

/** Names of the injected steps, as the report shows them. */
export function injectedName(m: Mutation, k: number): string {
  return m.inject.length === 1 ? `mutation: ${m.why}` : `mutation (${k + 1} of ${m.inject.length}): ${m.why}`;
}

/** The VXLAN packets a node takes in from the other, on the lab network, dropped: no overlay crosses the nodes. */
const UDP_4789 = '-i eth1 -p udp --dport 4789 -j DROP';

/** VXLAN dropped between the nodes before `ping`, the step where the overlay `network` first crosses them. */
function vxlanDropped(scenario: string, network: string, ping: string): Mutation {
  return {
    scenario,
    why: `UDP 4789 (VXLAN) is dropped between the nodes: containers on ${network} no longer reach each other across them`,
    before: ping,
    inject: [{ on: 'all', run: `sudo iptables -I INPUT ${UDP_4789}` }],
    undo: [{ on: 'all', run: `sudo iptables -D INPUT ${UDP_4789} 2>/dev/null || true` }],
    failsAt: ping,
  };
}

export const MUTATIONS: Mutation[] = [
  {
    scenario: 'netns',
    why: 'veth-test2 is set down inside test2: the two namespaces no longer reach each other over the pair',
    before: 'sudo ip netns exec test1 ping 192.168.1.2',
    inject: [{ on: 'docker-node1', run: 'sudo ip netns exec test2 ip link set dev veth-test2 down' }],
    failsAt: 'sudo ip netns exec test1 ping 192.168.1.2',
  },
  {
    scenario: 'bridge',
    why: "test2's veth end is taken off docker0: the two containers are no longer joined by the bridge",
    before: 'test1 pings test2 by address',
    inject: [{ on: 'docker-node1', run: 'sudo ip link set dev ${{ captures.test2_veth }} nomaster' }],
    failsAt: 'test1 pings test2 by address',
  },
  {
    scenario: 'bridge-internals',
    why: "docker0's POSTROUTING MASQUERADE rule is removed: test1's packets leave node1 with its 172.17 address, and node2's replies go nowhere",
    before: "test1 pings docker-node2's lab address",
    inject: [{ on: 'docker-node1', run: 'sudo iptables -t nat -D POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE' }],
    undo: [
      {
        on: 'docker-node1',
        run: 'sudo iptables -t nat -C POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE 2>/dev/null || sudo iptables -t nat -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE',
      },
    ],
    failsAt: "test1 pings docker-node2's lab address",
  },
  {
    scenario: 'bridge-internals',
    why: "node1's and node2's docker0 are joined by a VXLAN of their own: test1 reaches test5 on node2, the two docker0 bridges are connected",
    before: 'test1 on node1 can not reach test5 on node2 (the docker0 bridges are not connected)',
    inject: [
      {
        on: 'docker-node1',
        run: 'sudo ip link add vxmutation type vxlan id 4242 remote ${{ nodes.docker-node2.ip }} dstport 4799 dev eth1 && sudo ip link set dev vxmutation master docker0 up',
      },
      {
        on: 'docker-node2',
        run: 'sudo ip link add vxmutation type vxlan id 4242 remote ${{ nodes.docker-node1.ip }} dstport 4799 dev eth1 && sudo ip link set dev vxmutation master docker0 up',
      },
    ],
    undo: [{ on: 'all', run: 'sudo ip link delete vxmutation 2>/dev/null || true' }],
    failsAt: 'test1 on node1 can not reach test5 on node2 (the docker0 bridges are not connected)',
  },
  {
    scenario: 'bridge-internals',
    why: "test2's MAC is put into test1's neighbour table by hand (PERMANENT) before the ping: test1 no longer learns it by ARP through docker0",
    before: 'test1 pings test2',
    inject: [
      {
        on: 'docker-node1',
        run: `sudo nsenter -n -t $(docker inspect -f '{{.State.Pid}}' test1) ip neigh replace \${{ captures.test2_ip }} lladdr \${{ captures.test2_mac }} dev eth0 nud permanent`,
      },
    ],
    failsAt: "now test1 knows test2's MAC (ARP through docker0)",
  },
  {
    scenario: 'bridge-internals',
    why: 'docker0 stops learning on its ports and is given both MACs by hand (static entries): it no longer learns them like a switch',
    before: 'test1 pings test2',
    inject: [
      {
        on: 'docker-node1',
        run: [
          'for port in $(ls /sys/class/net/docker0/brif); do sudo ip link set dev $port type bridge_slave learning off; done',
          'sudo bridge fdb flush dev docker0 dynamic 2>/dev/null || true',
          `for c in test1 test2; do peer=$(docker exec $c cat /sys/class/net/eth0/iflink); port=$(ip -o link | awk -F': ' -v i=$peer '$1 == i { sub(/@.*/, "", $2); print $2 }'); sudo bridge fdb replace $(docker exec $c cat /sys/class/net/eth0/address) dev $port master static; done`,
        ].join('\n'),
      },
    ],
    failsAt: "brctl showmacs docker0 has learnt both containers' MACs",
  },
  {
    scenario: 'link',
    why: "test01's line is taken out of test02's /etc/hosts: the link no longer gives test02 a name for test01",
    before: 'test02 pings test01 by name',
    inject: [{ on: 'docker-node1', run: `docker exec test02 sh -c 'grep -vw test01 /etc/hosts >/tmp/hosts; cat /tmp/hosts >/etc/hosts'` }],
    failsAt: 'test02 pings test01 by name',
  },
  {
    scenario: 'user-bridge',
    why: "test02's queries to the embedded DNS server 127.0.0.11 are rejected: names on my-bridge no longer resolve for it",
    before: 'test02 pings test03 by name',
    inject: [
      {
        on: 'docker-node1',
        run: `sudo nsenter -n -t $(docker inspect -f '{{.State.Pid}}' test02) iptables -I OUTPUT -d 127.0.0.11 -j REJECT`,
      },
    ],
    failsAt: 'test02 pings test03 by name',
  },
  {
    scenario: 'user-bridge',
    why: "test03's queries to the embedded DNS server 127.0.0.11 are rejected: test03 no longer uses it",
    before: "test03 uses Docker's embedded DNS server",
    inject: [
      {
        on: 'docker-node1',
        run: `sudo nsenter -n -t $(docker inspect -f '{{.State.Pid}}' test03) iptables -I OUTPUT -d 127.0.0.11 -j REJECT`,
      },
    ],
    failsAt: "test03 uses Docker's embedded DNS server",
  },
  {
    scenario: 'port-mapping',
    why: "a DNAT rule in front of Docker's sends the node's port 80 to a closed port of the node: port 80 no longer leads to the container",
    before: "docker-node2 fetches the page at docker-node1's address",
    inject: [
      { on: 'docker-node1', run: 'sudo iptables -t nat -I DOCKER ! -i docker0 -p tcp --dport 80 -j DNAT --to-destination ${{ nodes.docker-node1.ip }}:81' },
    ],
    undo: [
      {
        on: 'docker-node1',
        run: 'sudo iptables -t nat -D DOCKER ! -i docker0 -p tcp --dport 80 -j DNAT --to-destination ${{ nodes.docker-node1.ip }}:81 2>/dev/null || true',
      },
    ],
    failsAt: "docker-node2 fetches the page at docker-node1's address",
  },
  {
    scenario: 'port-mapping',
    why: "node1's port 8080 is sent to web2 by a DNAT rule of our own (and let through): web2, published by nothing, is reachable from node2 after all",
    before: "docker-node2 can not reach web2 at docker-node1's address",
    inject: [
      {
        on: 'docker-node1',
        run: [
          'sudo iptables -t nat -I PREROUTING -d ${{ nodes.docker-node1.ip }} -p tcp --dport 8080 -j DNAT --to-destination ${{ captures.web2_ip }}:8080',
          'sudo iptables -I DOCKER-USER -d ${{ captures.web2_ip }} -p tcp --dport 8080 -j ACCEPT',
        ].join('\n'),
      },
    ],
    undo: [
      {
        on: 'docker-node1',
        run: [
          'sudo iptables -t nat -D PREROUTING -d ${{ nodes.docker-node1.ip }} -p tcp --dport 8080 -j DNAT --to-destination ${{ captures.web2_ip }}:8080 2>/dev/null || true',
          'sudo iptables -D DOCKER-USER -d ${{ captures.web2_ip }} -p tcp --dport 8080 -j ACCEPT 2>/dev/null || true',
        ].join('\n'),
      },
    ],
    failsAt: "docker-node2 can not reach web2 at docker-node1's address",
  },
  {
    scenario: 'port-mapping',
    why: "Docker's DNAT rule for port 80 is deleted: the node's port 80 is no longer sent to the container by NAT",
    before: "docker-node2 fetches the page at docker-node1's address",
    inject: [
      {
        on: 'docker-node1',
        run: 'sudo iptables -t nat -D DOCKER ! -i docker0 -p tcp -m tcp --dport 80 -j DNAT --to-destination ${{ captures.web_ip }}:80',
      },
    ],
    undo: [{ on: 'docker-node1', run: 'docker rm -f web >/dev/null 2>&1 || true' }],
    // docker-proxy answers the fetch: only web's side of docker0 shows who relayed it.
    failsAt: "docker-node2's request to node1's port 80 went on to web's address, still from node2's (DNAT, not docker-proxy), and web's page went back",
  },
  {
    scenario: 'host-none',
    why: "a veth end is moved into test4's namespace: the --network none container no longer has only lo",
    before: 'test4 has only lo',
    inject: [
      {
        on: 'docker-node1',
        run: `sudo ip link add mutation0 type veth peer name mutation1 && sudo ip link set mutation1 netns $(sudo docker inspect -f '{{.State.Pid}}' test4)`,
      },
    ],
    undo: [{ on: 'docker-node1', run: 'sudo ip link delete mutation0 2>/dev/null || true' }],
    failsAt: 'test4 has only lo',
  },
  {
    scenario: 'host-port-conflict',
    why: 'web1 is gone before web2 starts (and web2 is stopped a moment later): port 80 is free, so the host-network web2 binds it',
    before: 'web2 on the host network wants port 80 too, and fails',
    inject: [
      { on: 'docker-node1', run: 'docker rm -f web1' },
      // web2 would serve in the foreground until the step's timeout: stopped once it is seen running.
      {
        on: 'docker-node1',
        background: true,
        run: 'for i in $(seq 100); do [ "$(docker inspect -f {{.State.Running}} web2 2>/dev/null)" = true ] && sleep 1 && docker rm -f web2 && break; sleep 0.2; done',
      },
    ],
    failsAt: 'web2 on the host network wants port 80 too, and fails',
  },
  {
    scenario: 'joined-containers',
    why: 'a second veth is put on docker0, as if joined had got an interface of its own: docker0 no longer has one veth for the two containers',
    before: 'docker0 has one veth for the two containers',
    inject: [
      { on: 'docker-node1', run: 'sudo ip link add vethmutation type veth peer name vethmutation1 && sudo ip link set dev vethmutation master docker0' },
    ],
    undo: [{ on: 'docker-node1', run: 'sudo ip link delete vethmutation 2>/dev/null || true' }],
    failsAt: 'docker0 has one veth for the two containers',
  },
  {
    scenario: 'iptables-trace',
    why: 'ICMP to test1 is made untracked ahead of the TRACE rule: the echo request no longer passes nat OUTPUT and POSTROUTING',
    before: 'ping it once, and read the trace',
    inject: [{ on: 'docker-node1', run: 'sudo iptables -t raw -I OUTPUT -p icmp -d ${{ captures.test1_ip }} -j CT --notrack' }],
    undo: [{ on: 'docker-node1', run: 'sudo iptables -t raw -D OUTPUT -p icmp -d ${{ captures.test1_ip }} -j CT --notrack 2>/dev/null || true' }],
    failsAt: 'ping it once, and read the trace',
  },
  {
    scenario: 'custom-bridge',
    why: "test1's traffic is masqueraded on node1: docker-node2 sees node1's address, not the container's, so there is NAT after all",
    before: 'the container pings docker-node2',
    inject: [{ on: 'docker-node1', run: 'sudo iptables -t nat -I POSTROUTING -s ${{ captures.test1_ip }} -j MASQUERADE' }],
    undo: [{ on: 'docker-node1', run: 'sudo iptables -t nat -D POSTROUTING -s ${{ captures.test1_ip }} -j MASQUERADE 2>/dev/null || true' }],
    // The ping's own check reads the student's capture for test1's address: the first to see the NAT.
    failsAt: "docker-node2's capture holds echo requests from test1's address",
  },
  vxlanDropped('overlay', 'demo', 'test1 pings test2 by address, across nodes'),
  {
    scenario: 'overlay-isolation',
    why: 'test3 is connected to demo before the isolation is shown: a container of ov_net2 on the other node reaches test1',
    before: 'test3, on another node, can not reach test1',
    inject: [{ on: 'docker-node2', run: 'sudo docker network connect demo test3' }],
    failsAt: 'test3, on another node, can not reach test1',
  },
  {
    scenario: 'overlay-isolation',
    why: "ov_net2's vxlan device is replaced by one with demo's VNI 256: the second overlay no longer has a VNI of its own",
    before: "ov_net2's VNI is 257, on both nodes",
    inject: [
      {
        on: 'all',
        run: [
          `ns=/var/run/docker/netns/1-$(sudo docker network inspect -f '{{.Id}}' ov_net2 | cut -c1-10)`,
          `dev=$(sudo nsenter --net=$ns ip -o link show type vxlan | cut -d: -f2 | cut -d@ -f1 | tr -d ' ')`,
          'sudo nsenter --net=$ns ip link delete $dev',
          'sudo nsenter --net=$ns ip link add $dev type vxlan id 256 dstport 4789',
          'sudo nsenter --net=$ns ip link set dev $dev master br0 up',
        ].join('\n'),
      },
    ],
    failsAt: "ov_net2's VNI is 257, on both nodes",
  },
  {
    scenario: 'overlay-internals',
    why: "demo's vxlan device on node2 is replaced by one with VNI 300: the overlay no longer has the same VNI on both nodes",
    before: "the first overlay's VNI is 256, on both nodes",
    inject: [
      {
        on: 'docker-node2',
        run: [
          'ns=1-${{ captures.demo_id }}',
          `dev=$(sudo ip netns exec $ns ip -o link show type vxlan | cut -d: -f2 | cut -d@ -f1 | tr -d ' ')`,
          'sudo ip netns exec $ns ip link delete $dev',
          'sudo ip netns exec $ns ip link add $dev type vxlan id 300 dstport 4789',
          'sudo ip netns exec $ns ip link set dev $dev master br0 up',
        ].join('\n'),
      },
    ],
    failsAt: "the first overlay's VNI is 256, on both nodes",
  },
];

/**
 * Mutations the lesson catches where it should (each run on a real lab), left out of the e2e run only for its time
 * (the whole test run has 30 minutes): each costs 20 s to over a minute (an etcd cluster or a swarm, the course
 * images put on the nodes, a retry's deadline).
 */
export const SLOW: Mutation[] = [
  {
    scenario: 'flask-redis',
    why: 'redis loses its data between two page views: the count no longer goes on from 1 to 2, since it is kept in redis',
    before: 'and again',
    inject: [{ on: 'docker-node1', run: 'docker exec redis redis-cli flushall' }],
    failsAt: 'and again',
  },
  vxlanDropped('overlay-swarm', 'demo-swarm', 'test1 pings test2 by name, across nodes'),
  {
    scenario: 'flask-redis-multihost',
    why: 'redis on node2 is taken off demo: Flask on node1 no longer finds it by name across the nodes',
    before: 'flask-redis finds redis by name, across the nodes',
    inject: [{ on: 'docker-node2', run: 'sudo docker network disconnect demo redis' }],
    failsAt: 'flask-redis finds redis by name, across the nodes',
  },
  {
    scenario: 'overlay',
    why: "a second vxlan device, VNI 300, is bridged into demo's namespace on node2: demo no longer has one VNI, the same on both nodes",
    before: "the VXLAN device in demo's namespace has VNI 256 (the first overlay's), on both nodes",
    inject: [
      {
        on: 'docker-node2',
        run: [
          'ns=/var/run/docker/netns/1-$(echo ${{ captures.demo_id }} | cut -c1-10)',
          'sudo nsenter --net=$ns ip link add vxlan-mutation type vxlan id 300 dstport 4789',
          'sudo nsenter --net=$ns ip link set dev vxlan-mutation master br0 up',
        ].join('\n'),
      },
    ],
    failsAt: "the VXLAN device in demo's namespace has VNI 256 (the first overlay's), on both nodes",
  },
  {
    scenario: 'overlay-isolation',
    why: "a second vxlan device with demo's VNI 256 is bridged into ov_net2's namespace: ov_net2 no longer carries only a VNI of its own",
    before: "ov_net2's VNI is 257, on both nodes",
    inject: [
      {
        on: 'all',
        run: [
          `ns=/var/run/docker/netns/1-$(sudo docker network inspect -f '{{.Id}}' ov_net2 | cut -c1-10)`,
          'sudo nsenter --net=$ns ip link add vxlan-mutation type vxlan id 256 dstport 4789',
          'sudo nsenter --net=$ns ip link set dev vxlan-mutation master br0 up',
        ].join('\n'),
      },
    ],
    failsAt: "ov_net2's VNI is 257, on both nodes",
  },
];

/** A parsed step of a scenario file, as far as the mutation needs to know it. */
interface FileStep {
  name?: string;
  parallel?: FileStep[];
  [key: string]: unknown;
}

function stepOf(s: MutationStep, name: string): FileStep {
  return { name, ...s };
}

/**
 * Writes `dir/<scenario>.yaml`: the scenario with the injected steps in front of `before` and the undo steps
 * first in its cleanup. A scenario file outside scenarios/ is named as its `name:`. Returns the file.
 */
export function writeMutated(m: Mutation, dir: string): string {
  const doc = parse(readFileSync(join(SCENARIOS_DIR, `${m.scenario}.yaml`), 'utf8')) as { name: string; steps: FileStep[]; cleanup?: FileStep[] };
  const at = doc.steps.findIndex((s) => s.name === m.before || s.parallel?.some((p) => p.name === m.before));
  if (at < 0) throw new Error(`${m.scenario} has no step "${m.before}"`);
  doc.steps.splice(at, 0, ...m.inject.map((s, k) => stepOf(s, injectedName(m, k))));
  if (m.undo) doc.cleanup = [...m.undo.map((s, k) => stepOf(s, `undo the mutation${m.undo!.length > 1 ? ` (${k + 1})` : ''}`)), ...(doc.cleanup ?? [])];
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${doc.name}.yaml`);
  writeFileSync(file, stringify(doc, { lineWidth: 0 }));
  return file;
}

/** What a mutated run shows: the first step that failed, the injected steps, and the steps before them. */
export function outcome(m: Mutation, steps: StepResult[], cleanup: StepResult[]) {
  const leaves = leafResults(steps);
  const names = m.inject.map((_, k) => injectedName(m, k));
  const first = leaves.findIndex((s) => names.includes(s.name));
  return {
    firstFailed: leaves.find((s) => s.status === 'failed' || s.status === 'aborted'),
    injected: leaves.filter((s) => names.includes(s.name)).map((s) => `${s.name}: ${s.status}`),
    before:
      first < 0
        ? []
        : leaves
            .slice(0, first)
            .filter((s) => s.status !== 'passed')
            .map((s) => `${s.id} ${s.name}: ${s.status}`),
    cleanup: leafResults(cleanup)
      .filter((s) => s.status !== 'passed')
      .map((s) => `${s.id} ${s.name}: ${s.status}`),
  };
}
