/**
 * The guard on steps re-run as their own check (no `check:`): exercise mode runs their command every second,
 * so one that sends traffic or changes the node is refused when the exercise is planned, with the file, line
 * and field of the command.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { actingPart, exerciseSteps } from '../../src/exercise/plan.js';
import { loadLab } from '../../src/lab/model.js';
import { loadScenario } from '../../src/scenario/catalog.js';
import { removeTempDirs, scenarioDir } from '../support/scenarios.js';

const lab = loadLab(join(import.meta.dirname, '../../lab.yaml'));
afterAll(() => removeTempDirs());

describe('actingPart', () => {
  const acting: [string, string][] = [
    ['docker exec test1 ping -c 2 172.17.0.3', 'ping'],
    ['sudo ip netns exec test1 ping -c 3 192.168.1.2', 'ping'],
    ['curl -s localhost:5000', 'curl'],
    ['busybox wget -q -O - http://10.0.0.1:80/', 'wget'],
    ['echo hi | nc 10.0.0.1 80', 'nc'],
    ['docker run -d --name web busybox httpd', 'docker run'],
    ['sudo docker network connect demo test3', 'docker network connect'],
    ['docker swarm init --advertise-addr 1.2.3.4', 'docker swarm init'],
    ['sudo ip link set dev lo up', 'ip link set'],
    ['ip -4 addr add 10.0.0.1/24 dev eth1', 'ip -4 addr add'],
    ['sudo ip netns add test1', 'ip netns add'],
    ['sudo iptables -t raw -A OUTPUT -p icmp -j TRACE', 'iptables -t raw -A'],
    ['brctl addbr br0', 'brctl addbr'],
    ['docker exec redis redis-cli incr hits', 'redis-cli incr'],
    ['sudo tcpdump -n -i eth1 -w /tmp/x.pcap', 'tcpdump'],
    ['echo note > /tmp/file', '> /'],
    ['mkdir -p ~/flask-redis', 'mkdir'],
    ['sudo systemctl restart docker', 'systemctl restart'],
  ];
  for (const [run, part] of acting) it(`acts: ${run}`, () => expect(actingPart(run)).toContain(part));

  const looking = [
    'docker exec test1 ip neigh show 172.17.0.3',
    'docker inspect -f "{{.NetworkSettings.IPAddress}}" test2',
    'sudo iptables -t nat -S POSTROUTING',
    'sudo iptables -t raw -S | grep TRACE',
    'brctl showmacs docker0',
    'sudo ip netns exec test1 ip a',
    'sudo docker swarm join-token -q worker',
    'sudo tcpdump -n -r /tmp/bridge-internals.pcap 2>/dev/null',
    'docker exec redis redis-cli get hits',
    'docker exec test02 nslookup test03',
    'ip route get 172.17.0.2 2>&1',
    'docker port web2 >/dev/null',
    '# ping in a comment is no ping\nip -4 addr show docker0',
  ];
  for (const run of looking) it(`only looks: ${run.split('\n').pop()}`, () => expect(actingPart(run)).toBeNull());
});

describe('exerciseSteps refuses a re-run step that acts', () => {
  it('names the file, the line and the field of the command, for each such step', () => {
    const dir = scenarioDir({
      'acts.yaml': `name: acts
description: steps re-run as their own check
steps:
  - name: a look
    on: docker-node1
    run: ip -4 addr show docker0
    explain: a look is fine
  - name: a ping
    on: docker-node1
    run: ping -c 1 172.17.0.2
    explain: would be re-run every second
  - name: a checked ping
    on: docker-node1
    run: ping -c 1 172.17.0.2
    explain: checked, so never re-run
    check: { on: docker-node1, run: ip neigh show 172.17.0.2 }
    hint: ping
  - name: two that change the node
    explain: a group
    parallel:
      - { on: docker-node1, run: docker network create n1 }
      - { on: docker-node2, run: ip -4 addr show eth1 }
`,
    });
    const plan = loadScenario('acts', { scenariosDir: dir, lab });
    let error: unknown;
    try {
      exerciseSteps(plan);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InputError);
    const problems = (error as InputError).problems;
    expect(problems.map((p) => [p.loc?.line, p.loc?.field])).toEqual([
      [8, 'steps[1].run'],
      [21, 'steps[3].parallel[0].run'],
    ]);
    expect(problems[0]!.message).toMatch(/step 2 "a ping" has no check:, so exercise mode would re-run it as its own check, and it acts \('ping'\)/);
    expect((error as InputError).message).toMatch(/acts\.yaml:8:\d+ \(steps\[1\]\.run\): step 2 "a ping"/);
  });
});
