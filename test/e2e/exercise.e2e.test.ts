/**
 * Exercise mode as a student meets it: `lab exercise` runs in a real pseudo-terminal, the course's commands
 * are typed on the nodes over SSH with the lab's key (as `vagrant ssh` would), and the test reads the screen.
 * Every wait is on an event (text on the screen, a command's end) with a generous overall limit, never a sleep.
 */
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLab } from '../../src/lab/model.js';
import { sshConfigPath } from '../../src/lifecycle/targets.js';
import { SCENARIOS_DIR } from '../../src/paths.js';
import { listScenarios } from '../../src/scenario/catalog.js';
import { e2eLab, ROOT, waitFor } from '../support/e2e.js';
import { Terminal } from '../support/terminal.js';

const DIR = '/var/tmp/docker-lab-ex';
const e2e = e2eLab('dlab-ex', DIR, '192.168.222');
const lab = loadLab(e2e.file);
const SUBNET = e2e.subnet;
const SCREEN_LIMIT_MS = 120_000;

/** A course command typed on a node, as the student would in `vagrant ssh <node>`. */
async function type(node: string, command: string) {
  const r = await execa('ssh', ['-F', sshConfigPath(lab), node, command], { reject: false, all: true, stdin: 'ignore' });
  expect(r.exitCode, `${node}$ ${command}\n${r.all}`).toBe(0);
  return String(r.stdout);
}

/** `lab exercise NAME ARGS` to its end, output and exit code. */
async function exercise(name: string, ...args: string[]) {
  const r = await e2e.run('exercise', name, ...args);
  return { code: r.exitCode, out: String(r.all) };
}

/** The exercise in a real terminal (tmux), 160x90; keys go to it as typed. When the command ends, it shows its exit code. */
let terminal: Terminal | null = null;

async function startInTerminal(name: string, ...args: string[]) {
  await closeTerminal();
  terminal = await Terminal.open(`node bin/lab.js exercise ${name} ${args.join(' ')} --lab ${e2e.file}`, ROOT);
}

async function closeTerminal() {
  await terminal?.close();
  terminal = null;
}

/** What the terminal shows now. */
async function screen(): Promise<string> {
  return terminal ? terminal.screen() : '';
}

async function key(k: string) {
  await terminal!.key(k);
}

/** Polls the screen until `pattern` shows; fails with the screen as it was. */
function see(pattern: RegExp | string, limitMs = SCREEN_LIMIT_MS): Promise<string> {
  return terminal!.see(pattern, limitMs);
}

/** The step number on screen now. */
async function stepOnScreen(name: string): Promise<number> {
  const m = new RegExp(`${name}: step (\\d+) of`).exec(await screen());
  return m ? Number(m[1]) : 0;
}

/**
 * Catches up to the end as a student who fell behind: S on a step to do, Enter on a step that only asks
 * to look or to confirm; each time waits for the next step (or the end) to show.
 */
async function catchUpToTheEnd(name: string, total: number) {
  for (;;) {
    const text = await see(new RegExp(`${name}: step \\d+ of ${total}[\\s\\S]*keys:|steps of ${name} are done`));
    if (text.includes(`steps of ${name} are done`)) return text;
    const n = await stepOnScreen(name);
    await see(/Waiting for the step|press Enter|Press Enter|✗/);
    const textNow = await screen();
    await key(/press Enter|Press Enter/.test(textNow) ? 'Enter' : 'S');
    // Past step n: a step whose state already holds goes by on its own, so n + 1 may not stay long enough to see.
    await waitFor(
      `${name} past step ${n}`,
      async () => (await screen()).includes(`steps of ${name} are done`) || (await stepOnScreen(name)) > n,
      () => false,
      SCREEN_LIMIT_MS,
    );
  }
}

beforeAll(async () => {
  const up = await e2e.run('up', '--provider', 'lxc');
  expect(up.exitCode, String(up.all)).toBe(0);
});

afterAll(async () => {
  await closeTerminal();
  await e2e.run('down');
});

describe('lab exercise netns, typed by a student in a terminal', () => {
  it('starts clean: --reset, then --check reports 0 done', async () => {
    expect((await exercise('netns', '--reset')).code).toBe(0);
    const check = await exercise('netns', '--check');
    expect(check.out).toContain('0 of 12 steps done; next: 1 "sudo ip netns add test1 / test2"');
    expect(check.code).toBe(1);
  });

  it('waits on a typo, explains it after Enter, and moves on by itself once the step holds', async () => {
    await startInTerminal('netns');
    await see('netns: step 1 of 15');
    await type('docker-node1', 'sudo ip netns add tets1 && sudo ip netns add test2');
    await key('Enter');
    const failed = await see(/✗ Not yet:[\s\S]*keys:/); // drawn whole: the key hints are its last line
    expect(failed).toContain('netns: step 1 of 15');
    expect(failed).toContain('test1 and test2 are listed by ip netns list: not so on docker-node1');
    expect(failed).toMatch(/actual \(tail\):\n\s+test2\n\s+tets1/);
    expect(failed).toContain('Hint: Both names, exactly test1 and test2');
    await type('docker-node1', 'sudo ip netns delete tets1 && sudo ip netns add test1');
    // Once its first look at the lab is over: the screen says what it found.
    const next = await see(/netns: step 2 of 15[\s\S]*press Enter/);
    expect(next).toContain('✓ step 1 done: sudo ip netns add test1 / test2');
    expect(next).toContain('This step only looks at the lab, and what it shows is already there.');
  });

  it('takes Enter on a step that only looks, and the course commands on the next', async () => {
    await type('docker-node1', 'sudo ip netns exec test1 ip link');
    await key('Enter');
    await see('netns: step 3 of 15');
    await type('docker-node1', 'sudo ip netns exec test1 ip link set dev lo up && sudo ip netns exec test2 ip link set dev lo up');
    await see('netns: step 4 of 15');
  });

  it('S runs the solution of the step for a student who fell behind', async () => {
    await key('S');
    const text = await see('netns: step 5 of 15');
    expect(text).toContain('✓ step 4 done for you: sudo ip link add veth-test1 type veth peer name veth-test2');
    expect(await type('docker-node1', 'ip link show veth-test1')).toContain('veth-test1@veth-test2');
  });

  it('q quits; --check counts the steps the lab shows done; a rerun resumes at the same step', async () => {
    await key('q');
    await see('EXITED 0');
    const check = await exercise('netns', '--check');
    expect(check.out).toContain('4 of 12 steps done; next: 5 "sudo ip link set veth-test1 netns test1 (and veth-test2 into test2)"');
    expect(check.code).toBe(1);
    await startInTerminal('netns');
    await see('netns: step 5 of 15');
  });

  it('goes through to the end: a look-only step says its state is already there', async () => {
    await type('docker-node1', 'sudo ip link set veth-test1 netns test1 && sudo ip link set veth-test2 netns test2');
    const look = await see('netns: step 6 of 15');
    await see('This step only looks at the lab, and what it shows is already there.');
    expect(look).toContain('On docker-node1, type:\n    ip link');
    const end = await catchUpToTheEnd('netns', 15);
    expect(end).toContain('All 15 steps of netns are done.');
    await see('EXITED 0');
  });

  it('--reset leaves the node clean and forgets the progress', async () => {
    await type('docker-node1', 'sudo ip netns add test1'); // something left behind
    expect((await exercise('netns', '--reset')).code).toBe(0);
    expect(await type('docker-node1', 'sudo ip netns list; ip -o link show | grep veth-test || true')).toBe('');
    expect((await exercise('netns', '--check')).out).toContain('0 of 12 steps done');
  });
});

describe('lab exercise overlay, typed by a student in a terminal', () => {
  const node = (i: 1 | 2) => ({ name: `docker-node${i}`, ip: `${SUBNET}.${9 + i}` });
  const etcd = (i: 1 | 2) =>
    `setsid nohup etcd --name ${node(i).name} --data-dir /tmp/etcd-${node(i).name} --enable-v2=true --initial-advertise-peer-urls http://${node(i).ip}:2380 ` +
    `--listen-peer-urls http://${node(i).ip}:2380 --listen-client-urls http://${node(i).ip}:2379,http://127.0.0.1:2379 --advertise-client-urls http://${node(i).ip}:2379 ` +
    `--initial-cluster-token etcd-cluster --initial-cluster docker-node1=http://${node(1).ip}:2380,docker-node2=http://${node(2).ip}:2380 --initial-cluster-state new > /tmp/etcd.log 2>&1 < /dev/null &`;

  it('starts clean: --reset, then --check reports 0 done', async () => {
    expect((await exercise('overlay', '--reset')).code).toBe(0);
    const check = await exercise('overlay', '--check');
    expect(check.out).toContain('0 of 19 steps done; next: 1 "start etcd"');
    expect(check.code).toBe(1);
  });

  it('advances as the etcd cluster and the daemons come up, S catching up the daemons', async () => {
    await startInTerminal('overlay');
    await see('overlay: step 1 of 19');
    await type('docker-node1', etcd(1));
    await type('docker-node2', etcd(2));
    await see(/overlay: step 2 of 19|overlay: step 3 of 19/);
    if ((await stepOnScreen('overlay')) === 2) {
      await see(/press Enter|Press Enter|overlay: step 3 of 19/);
      if ((await stepOnScreen('overlay')) === 2) await key('Enter');
    }
    await see('overlay: step 3 of 19');
    for (const i of [1, 2] as const) await type(node(i).name, 'sudo service docker stop && sudo systemctl stop docker.socket');
    await see('overlay: step 4 of 19');
    await key('S');
    await see('overlay: step 5 of 19');
  });

  it('a typo in the network name leaves the step waiting; Enter shows the hint and what node1 lists', async () => {
    await key('Enter'); // step 5 only looks: the daemons use the cluster store
    await see('overlay: step 6 of 19');
    await type('docker-node1', 'sudo docker network create -d overlay demi');
    await key('Enter');
    const failed = await see(/✗ Not yet:[\s\S]*keys:/); // drawn whole: the key hints are its last line
    expect(failed).toContain('overlay: step 6 of 19');
    expect(failed).toContain('demo is listed on docker-node1 as an overlay network of global scope: not so on docker-node1');
    expect(failed).toContain('Hint: The network is named exactly demo');
    expect(failed).toMatch(/actual \(tail\):\n\s+NETWORK ID\s+NAME\s+DRIVER\s+SCOPE/);
    await type('docker-node1', 'sudo docker network rm demi && sudo docker network create -d overlay demo');
    await see('overlay: step 7 of 19');
  });

  it('q and a rerun resume at the same step, then on to the end; --check then reports all done', async () => {
    await key('q');
    await see('EXITED 0');
    await startInTerminal('overlay');
    await see('overlay: step 7 of 19');
    const end = await catchUpToTheEnd('overlay', 19);
    expect(end).toContain('All 19 steps of overlay are done.');
    const check = await exercise('overlay', '--check');
    expect(check.out).toContain('19 of 19 steps done');
    expect(check.code).toBe(0);
  });

  it('--reset stops the hand-started etcd and dockerd, brings the stock daemon back, and leaves no network or container', async () => {
    expect((await exercise('overlay', '--reset')).code).toBe(0);
    for (const i of [1, 2] as const) {
      expect(await type(node(i).name, 'pgrep -a etcd; pgrep -a dockerd | grep -v -- "-H fd://" || true')).toBe('');
      expect(await type(node(i).name, 'systemctl is-active docker; sudo docker ps -aq; sudo docker network ls -q --filter name=demo')).toBe('active');
    }
    expect((await exercise('overlay', '--check')).out).toContain('0 of 19 steps done');
  });

  it('after lab scenario overlay --keep, --check reports every step done', async () => {
    const r = await e2e.run('scenario', 'overlay', '--keep', '--run-dir', join(DIR, 'runs'));
    expect(r.exitCode, String(r.all)).toBe(0);
    const check = await exercise('overlay', '--check');
    expect(check.out).toContain('19 of 19 steps done');
    expect(check.code).toBe(0);
    expect((await exercise('overlay', '--reset')).code).toBe(0);
  });
});

/**
 * What a lesson can leave on a node, one line each; empty on a clean node. Docker's stock daemon must be back,
 * and nothing of the scenarios' making left: containers, networks, namespaces, images built, hand-started
 * daemons and captures, TRACE rules, bridges, a swarm.
 */
const LEFTOVERS = [
  `sudo docker ps -aq | sed 's/^/container /'`,
  `sudo docker network ls --format '{{.Name}}' | grep -vxE 'bridge|host|none|docker_gwbridge' | sed 's/^/network /'`,
  `sudo docker image ls --format '{{.Repository}}' | grep -x stt/flask-redis | sed 's/^/image /'`,
  `sudo docker info -f '{{.Swarm.LocalNodeState}}' | grep -vx inactive | sed 's/^/swarm /'`,
  `systemctl is-active docker | grep -vx active | sed 's/^/docker /'`,
  `sudo ip netns list | sed 's/^/netns /'`,
  `for p in etcd tcpdump xtables-monitor; do pgrep -a -x $p; done | sed 's/^/process /'`,
  `pgrep -a dockerd | grep -v -- '-H fd://' | sed 's/^/process /'`,
  `sudo iptables -t raw -S | grep -- '-j TRACE' | sed 's/^/rule /'`,
  `ip -o link show type bridge | awk -F': ' '{print $2}' | grep -vxE 'docker0|docker_gwbridge' | sed 's/^/bridge /'`,
  `ls -d ~/flask-redis /tmp/*.pcap 2>/dev/null | sed 's/^/file /'`,
].join('; ');

async function leftovers(): Promise<string[]> {
  const found: string[] = [];
  for (const node of lab.nodes)
    found.push(
      ...(await type(node.name, LEFTOVERS))
        .split('\n')
        .filter(Boolean)
        .map((l) => `${node.name}: ${l}`),
    );
  return found;
}

/**
 * Every scenario of `lab scenario --list`, one after the other on this lab: --check on the clean lab counts
 * 0 steps done; after `lab scenario NAME --keep` it counts every step done; `--reset` then leaves the nodes
 * as clean as the next scenario needs them.
 */
describe('every scenario: --check on a clean lab, after lab scenario --keep, and after --reset', () => {
  let started = 0;
  beforeAll(() => {
    started = Date.now(); // here, not at collection: the lab comes up (and the tests above run) in between
  });
  afterAll(() => console.log(`the --check/--keep/--reset loop over every scenario took ${Math.round((Date.now() - started) / 1000)} s`));

  it('starts from clean nodes', async () => {
    expect(await leftovers()).toEqual([]);
  });

  for (const { name } of listScenarios(SCENARIOS_DIR)) {
    it(`${name}: 0 done on a clean lab, every step done after --keep, clean again after --reset`, async () => {
      const clean = await exercise(name, '--check');
      const counted = /^0 of (\d+) steps done/m.exec(clean.out);
      expect(counted, clean.out).not.toBeNull();
      expect(clean.code).toBe(1);
      const kept = await e2e.run('scenario', name, '--keep', '--run-dir', join(DIR, 'runs'));
      expect(kept.exitCode, String(kept.all)).toBe(0);
      const check = await exercise(name, '--check');
      expect(check.out).toContain(`${counted![1]} of ${counted![1]} steps done`);
      expect(check.code).toBe(0);
      const reset = await exercise(name, '--reset');
      expect(reset.code, reset.out).toBe(0);
      expect(await leftovers()).toEqual([]);
    });
  }
});
