/**
 * Three lessons as students meet them in a real terminal (tmux), on a lab of their own (dlab-st,
 * 192.168.227.0/24): netns (note 003), bridge-internals (note 001) and overlay-isolation (note 004).
 * - A student who only presses Enter gets no further than the first step whose check the clean lab fails.
 * - A student who does a step wrongly is told, after Enter, what the step expects.
 * - A student who types the notes' own commands, on the node and in the order the notes give them, is credited
 *   for every step: typed, or passed with Enter where the step only looks; never solved for them.
 * The commands below are the notes', as the lab runs them: busybox for nginx, two etcd members on the nodes'
 * lab addresses, `ping -c` where the notes stop a ping with Ctrl-C. Every wait is on the screen or a command's
 * end, with a generous limit, never a sleep that guesses.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExerciseStep, exerciseSteps } from '../../src/exercise/plan.js';
import { loadLab } from '../../src/lab/model.js';
import { sshConfigPath } from '../../src/lifecycle/targets.js';
import { SCENARIOS_DIR } from '../../src/paths.js';
import { loadScenario } from '../../src/scenario/catalog.js';
import { e2eLab, leftovers, ROOT } from '../support/e2e.js';
import { Terminal } from '../support/terminal.js';

const DIR = '/var/tmp/docker-lab-st';
const e2e = e2eLab('dlab-st', DIR, '192.168.227');
const lab = loadLab(e2e.file);
const N1 = 'docker-node1';
const N2 = 'docker-node2';
const ip = (node: string) => lab.nodes.find((n) => n.name === node)!.ip;
const SCREEN_MS = 120_000;

/** A command typed on a node, as in `vagrant ssh <node>`; its output, as the student reads it. */
async function type(node: string, command: string): Promise<string> {
  const r = await execa('ssh', ['-F', sshConfigPath(lab), node, command], { reject: false, all: true, stdin: 'ignore' });
  expect(r.exitCode, `${node}$ ${command}\n${r.all}`).toBe(0);
  return String(r.stdout).trim();
}

const exercise = (name: string, ...args: string[]) => e2e.run('exercise', name, ...args);
const stepsOf = (name: string): ExerciseStep[] => exerciseSteps(loadScenario(name, { scenariosDir: SCENARIOS_DIR, lab }));

/** What a student types at a step: commands on nodes, in order. `seen` keeps what earlier outputs showed. */
type Typing = Record<number, (seen: Record<string, string>) => Promise<void>>;

let terminal: Terminal | null = null;

async function open(name: string): Promise<Terminal> {
  await terminal?.close();
  terminal = await Terminal.open(`node bin/lab.js exercise ${name} --lab ${e2e.file}`, ROOT);
  return terminal;
}

/** The step's headline (a teardown step's goes on: `· the lesson's teardown`). */
const onScreen = (name: string, n: number, total: number) => `${name}: step ${n} of ${total}`;

/** Lets a step stand on screen fully drawn (its check on arrival done): the key hints are the last line. */
async function standing(t: Terminal, name: string, step: ExerciseStep, total: number): Promise<string> {
  return t.see(new RegExp(`${name}: step ${step.number} of ${total}\\b[\\s\\S]*(Waiting for the step|press Enter|Press Enter)[\\s\\S]*keys:`), SCREEN_MS);
}

/**
 * Types the lesson through: at each step, what the note does there; then Enter where the step waits for it
 * (a look, or a state already there), else the step's own poll moves on.
 */
async function typeThrough(name: string, typing: Typing): Promise<void> {
  const steps = stepsOf(name);
  const total = steps.length;
  const t = await open(name);
  const seen: Record<string, string> = {};
  for (const [i, step] of steps.entries()) {
    await standing(t, name, step, total);
    const typeStep = typing[step.number];
    expect(typeStep, `the test types nothing at ${name} step ${step.number} "${step.title}"`).toBeDefined();
    await typeStep!(seen);
    await enterIfAsked(t, name, step.number, total);
    const next = steps[i + 1];
    await t.see(next ? onScreen(name, next.number, total) : `All ${total} steps of ${name} are done.`, SCREEN_MS);
  }
  await t.see('EXITED 0', SCREEN_MS);
  const progress = JSON.parse(readFileSync(join(DIR, '.docker-lab', 'exercise', `${name}.json`), 'utf8')) as { passed: { step: number; how: string }[] };
  expect(progress.passed.map((p) => p.step)).toEqual(steps.map((s) => s.number));
  expect(progress.passed.filter((p) => p.how === 'solved')).toEqual([]);
  // A watched step saw the student's own traffic: it can only have been typed, never found already there.
  const watched = steps.filter((s) => s.verify.kind === 'check' && s.verify.watch).map((s) => s.number);
  expect(watched.length).toBeGreaterThan(0);
  expect(progress.passed.filter((p) => watched.includes(p.step)).map((p) => `${p.step} ${p.how}`)).toEqual(watched.map((n) => `${n} typed`));
}

/**
 * Enter, where the step in hand waits for it: a look, or a state already there. Such a step is not polled, so
 * it can not move on between the look at the screen and the key; a step that is polled says "Enter checks now".
 */
async function enterIfAsked(t: Terminal, name: string, n: number, total: number): Promise<void> {
  const text = await t.screen();
  if (text.includes(onScreen(name, n, total)) && /press Enter|Press Enter/.test(text)) await t.key('Enter');
}

/** Types the lesson up to (not including) step `until`, as typeThrough does. */
async function typeUpTo(t: Terminal, name: string, typing: Typing, until: number, seen: Record<string, string>): Promise<void> {
  const steps = stepsOf(name);
  for (const [i, step] of steps.entries()) {
    if (step.number >= until) return;
    await standing(t, name, step, steps.length);
    await typing[step.number]!(seen);
    await enterIfAsked(t, name, step.number, steps.length);
    await t.see(onScreen(name, steps[i + 1]!.number, steps.length), SCREEN_MS);
  }
}

/** Enter, again and again: the screen shows what does not hold yet, and the step stays the one `--check` names next. */
async function enterOnly(name: string) {
  const check = await exercise(name, '--check');
  const next = Number(/next: (\d+) "/.exec(String(check.all))?.[1]);
  expect(next, String(check.all)).toBeGreaterThan(0);
  const total = stepsOf(name).length;
  const t = await open(name);
  for (let i = 0; i < 3; i++) {
    await t.see(/(Waiting for the step|Not yet|press Enter|Press Enter)[\s\S]*keys:/, SCREEN_MS);
    await t.key('Enter');
    await t.see(/✗ Not yet:[\s\S]*keys:/, SCREEN_MS);
  }
  expect(await t.screen()).toContain(onScreen(name, next, total));
  await t.key('q');
  await t.see('EXITED 0', SCREEN_MS);
}

/** A wrong command at `step`, Enter: the screen names what the step checks, not found on the node, and the hint. */
async function wrongStep(t: Terminal, name: string, n: number, wrong: () => Promise<unknown>): Promise<void> {
  const steps = stepsOf(name);
  const step = steps.find((s) => s.number === n)!;
  if (step.verify.kind !== 'check') throw new Error(`${name} step ${n} has no check`);
  const checks = step.verify.checks;
  await standing(t, name, step, steps.length);
  await wrong();
  await t.key('Enter');
  // Drawn whole: the key hints are its last line.
  const told = await t.see(/✗ Not yet:[\s\S]*keys:/, SCREEN_MS);
  expect(told).toContain(onScreen(name, n, steps.length));
  const named = checks.filter((c) => told.includes(`${c.name}: not so on ${c.nodes[0]}`));
  expect(named.length, told).toBeGreaterThan(0);
  if (step.hint) expect(told).toContain('Hint:');
  await t.key('q');
  await t.see('EXITED 0', SCREEN_MS);
}

beforeAll(async () => {
  await e2e.run('down'); // a lab an interrupted run left
  const up = await e2e.run('up', '--provider', 'lxc');
  expect(up.exitCode, String(up.all)).toBe(0);
});

afterAll(async () => {
  await terminal?.close();
  const down = await e2e.run('down');
  expect(down.exitCode, String(down.all)).toBe(0);
  expect(await leftovers(e2e)).toEqual([]);
});

describe('netns (note 003, "网络命名空间"), typed by a student', () => {
  const n1 =
    (...commands: string[]) =>
    async () => {
      for (const c of commands) await type(N1, c);
    };
  // The note's order; at 2 and 6 it only looks. Its ping runs until Ctrl-C: three here.
  const note: Typing = {
    1: n1('sudo ip netns add test1', 'sudo ip netns add test2', 'sudo ip netns list'),
    2: n1('sudo ip netns exec test1 ip a', 'ip link', 'sudo ip netns exec test1 ip link'),
    3: n1('sudo ip netns exec test1 ip link set dev lo up', 'sudo ip netns exec test1 ip link'),
    4: n1('sudo ip link add veth-test1 type veth peer name veth-test2', 'ip link'),
    5: n1(
      'sudo ip netns exec test1 ip link',
      'sudo ip link set veth-test1 netns test1',
      'sudo ip netns exec test1 ip link',
      'sudo ip link set veth-test2 netns test2',
    ),
    6: n1('ip link', 'sudo ip netns exec test2 ip link'),
    7: n1(
      'sudo ip netns exec test1 ip addr add 192.168.1.1/24 dev veth-test1',
      'sudo ip netns exec test2 ip addr add 192.168.1.2/24 dev veth-test2',
      'sudo ip netns exec test1 ip link set dev veth-test1 up',
      'sudo ip netns exec test2 ip link set dev veth-test2 up',
      'sudo ip netns exec test1 ip link',
    ),
    9: n1('sudo ip netns exec test1 ip a'),
    10: n1('sudo ip netns exec test2 ip a'),
    11: n1('ip a'),
    12: n1('sudo ip netns exec test1 ping -c 3 192.168.1.2'),
    13: n1('sudo ip netns exec test2 ping -c 3 192.168.1.1'),
    14: n1('sudo ip netns delete test1', 'sudo ip netns delete test2'),
    15: n1('sudo ip netns list'),
    16: n1('ip link'),
  };

  it('starts clean; a student who only presses Enter stays at the first step the lab does not show done', async () => {
    expect((await exercise('netns', '--reset')).exitCode).toBe(0);
    await enterOnly('netns');
  });

  it('a veth end left on the node is not credited: the screen names the check and the hint', async () => {
    expect((await exercise('netns', '--reset')).exitCode).toBe(0);
    const t = await open('netns');
    await typeUpTo(t, 'netns', note, 5, {});
    await wrongStep(t, 'netns', 5, () => type(N1, 'sudo ip link set veth-test1 netns test1'));
  });

  it("the note's commands, typed in order, are credited for every step, the teardown too", async () => {
    expect((await exercise('netns', '--reset')).exitCode).toBe(0);
    await typeThrough('netns', note);
    expect(await type(N1, 'sudo ip netns list; ip -o link show | grep veth-test || true')).toBe('');
  });
});

describe('bridge-internals (note 001, "容器网络"), typed by a student', () => {
  const on =
    (node: string, ...commands: string[]) =>
    async () => {
      for (const c of commands) await type(node, c);
    };
  const run = (name: string) => `docker run -d --name ${name} busybox /bin/sh -c "while true; do sleep 3600; done"`;
  const note: Typing = {
    1: on(N1, run('test1'), run('test2'), 'brctl show'),
    2: on(N1, 'ip a'),
    3: async (seen) => {
      seen.test2 = await type(N1, "docker inspect -f '{{.NetworkSettings.IPAddress}}' test2");
    },
    4: on(N1, 'docker exec test1 ip a'),
    5: on(N1, 'docker exec test2 ip a'),
    6: on(N1, 'docker exec test1 route -n'),
    7: async (seen) => on(N1, `docker exec test1 ip neigh show ${seen.test2}`)(),
    8: async (seen) => on(N1, `docker exec test1 ping -c 3 ${seen.test2}`)(),
    9: async (seen) => on(N1, `docker exec test1 ip neigh show ${seen.test2}`)(),
    10: on(N1, 'brctl showmacs docker0'),
    11: async (seen) => on(N1, `ping -c 3 ${seen.test2}`)(),
    12: on(N1, 'sudo iptables -t nat -S POSTROUTING'),
    // The capture runs on, as the note leaves tcpdump running in a terminal of its own.
    13: on(N2, 'sudo nohup tcpdump -U -n -i eth1 -w /tmp/bridge-internals.pcap icmp > /dev/null 2>&1 < /dev/null &'),
    14: on(N2, 'ls -l /tmp/bridge-internals.pcap'),
    15: on(N1, `docker exec test1 ping -c 3 ${ip(N2)}`),
    16: on(N2, 'sudo tcpdump -n -r /tmp/bridge-internals.pcap'),
    17: on(N2, run('test3'), run('test4'), run('test5')),
    18: async (seen) => {
      seen.test5 = await type(N2, "docker inspect -f '{{.NetworkSettings.IPAddress}}' test5");
    },
    19: on(N1, "docker inspect -f '{{.NetworkSettings.IPAddress}}' test1 test2"),
    20: async (seen) => on(N2, `ping -c 3 ${seen.test5}`)(),
    21: async (seen) => {
      const r = await execa('ssh', ['-F', sshConfigPath(lab), N1, `docker exec test1 ping -c 2 -W 1 ${seen.test5}`], { reject: false, all: true });
      expect(r.exitCode, String(r.all)).toBe(1); // the lesson: no answer across the two docker0 bridges
    },
    22: async (seen) => on(N1, `docker exec test1 ip neigh show ${seen.test5}`)(),
  };

  it('starts clean; a student who only presses Enter stays at the first step the lab does not show done', async () => {
    expect((await exercise('bridge-internals', '--reset')).exitCode).toBe(0);
    await enterOnly('bridge-internals');
  });

  it("the note's commands, typed in order, are credited for every step", async () => {
    await typeThrough('bridge-internals', note);
  });

  it('the node pinging test2 is not test1 pinging it: the screen names the check and the hint', async () => {
    expect((await exercise('bridge-internals', '--reset')).exitCode).toBe(0);
    const t = await open('bridge-internals');
    const seen: Record<string, string> = {};
    await typeUpTo(t, 'bridge-internals', note, 8, seen);
    await wrongStep(t, 'bridge-internals', 8, () => type(N1, `ping -c 3 ${seen.test2}`));
    expect((await exercise('bridge-internals', '--reset')).exitCode).toBe(0);
  });
});

describe('overlay-isolation (note 004, "overlay 是如何隔离的"), typed by a student', () => {
  const on =
    (node: string, ...commands: string[]) =>
    async () => {
      for (const c of commands) await type(node, c);
    };
  const both =
    (...commands: string[]) =>
    async () => {
      for (const node of [N1, N2]) await on(node, ...commands)();
    };
  const cluster = `docker-node1=http://${ip(N1)}:2380,docker-node2=http://${ip(N2)}:2380`;
  const etcd = (node: string) =>
    `setsid nohup etcd --name ${node} --data-dir /tmp/etcd-${node} --enable-v2=true --initial-advertise-peer-urls http://${ip(node)}:2380 ` +
    `--listen-peer-urls http://${ip(node)}:2380 --listen-client-urls http://${ip(node)}:2379,http://127.0.0.1:2379 --advertise-client-urls http://${ip(node)}:2379 ` +
    `--initial-cluster-token etcd-cluster --initial-cluster ${cluster} --initial-cluster-state new > /tmp/etcd.log 2>&1 < /dev/null &`;
  const dockerd = (node: string) =>
    `sudo setsid nohup dockerd -H tcp://${ip(node)}:2375 -H unix:///var/run/docker.sock --cluster-store=etcd://${ip(node)}:2379 ` +
    `--cluster-advertise=${ip(node)}:2375 > /tmp/dockerd.log 2>&1 < /dev/null &`;
  const run = (name: string, net: string) => `sudo docker run -d --name ${name} --net ${net} busybox /bin/sh -c "while true; do sleep 3600; done"`;
  const note: Typing = {
    1: async () => {
      await type(N1, etcd(N1));
      await type(N2, etcd(N2));
    },
    2: on(N2, 'ETCDCTL_API=2 etcdctl cluster-health'),
    3: both('sudo service docker stop && sudo systemctl stop docker.socket'),
    4: async () => {
      await type(N1, dockerd(N1));
      await type(N2, dockerd(N2));
    },
    5: both('docker info'),
    6: on(N1, 'sudo docker network create -d overlay demo', 'sudo docker network create -d overlay ov_net2', 'sudo docker network ls'),
    7: on(N1, 'sudo docker network inspect ov_net2'),
    8: on(N1, run('test1', 'demo')),
    9: on(N1, run('test4', 'ov_net2')),
    10: on(N2, run('test3', 'ov_net2')),
    11: async (seen) => {
      seen.test1 = await type(N1, "docker inspect -f '{{.NetworkSettings.Networks.demo.IPAddress}}' test1");
    },
    12: async (seen) => {
      seen.test1gw = /inet (\d+\.\d+\.\d+\.\d+)\//.exec(await type(N1, 'docker exec test1 ip -4 addr show eth1'))![1]!;
    },
    13: async (seen) => {
      seen.test3 = /inet (10\.0\.1\.\d+)\//.exec(await type(N2, 'docker exec test3 ip a'))![1]!;
    },
    14: async (seen) => {
      seen.test4 = /inet (10\.0\.1\.\d+)\//.exec(await type(N1, 'docker exec test4 ip a'))![1]!;
    },
    15: async (seen) => on(N2, `docker exec test3 ping -c 3 ${seen.test4}`)(),
    16: async (seen) => on(N1, `docker exec test4 ping -c 3 ${seen.test3}`)(),
    17: async (seen) =>
      expect((await execa('ssh', ['-F', sshConfigPath(lab), N2, `docker exec test3 ping -c 2 -W 1 ${seen.test1}`], { reject: false })).exitCode).toBe(1),
    18: async (seen) =>
      expect((await execa('ssh', ['-F', sshConfigPath(lab), N1, `docker exec test4 ping -c 2 -W 1 ${seen.test1}`], { reject: false })).exitCode).toBe(1),
    19: async (seen) =>
      expect((await execa('ssh', ['-F', sshConfigPath(lab), N1, `docker exec test4 ping -c 2 -W 1 ${seen.test1gw}`], { reject: false })).exitCode).toBe(1),
    20: on(N1, 'sudo docker network inspect docker_gwbridge'),
    21: on(N2, 'sudo docker network connect demo test3'),
    22: async (seen) => on(N2, `docker exec test3 ping -c 3 ${seen.test1}`, 'docker exec test3 ping -c 3 test1')(),
    23: both("sudo nsenter --net=/var/run/docker/netns/1-$(sudo docker network inspect -f '{{.Id}}' demo | cut -c1-10) ip -d link show"),
    24: both("sudo nsenter --net=/var/run/docker/netns/1-$(sudo docker network inspect -f '{{.Id}}' ov_net2 | cut -c1-10) ip -d link show"),
  };

  it('starts clean; a student who only presses Enter stays at the first step the lab does not show done', async () => {
    expect((await exercise('overlay-isolation', '--reset')).exitCode).toBe(0);
    await enterOnly('overlay-isolation');
  });

  it("the note's commands, typed in order, are credited for every step; the isolation is seen in the student's own pings", async () => {
    await typeThrough('overlay-isolation', note);
  });

  it('test4 connected to demo instead of test3 is not the step: the screen names the check and the hint', async () => {
    expect((await exercise('overlay-isolation', '--reset')).exitCode).toBe(0);
    const t = await open('overlay-isolation');
    const seen: Record<string, string> = {};
    await typeUpTo(t, 'overlay-isolation', note, 21, seen);
    await wrongStep(t, 'overlay-isolation', 21, () => type(N1, 'sudo docker network connect demo test4'));
    expect((await exercise('overlay-isolation', '--reset')).exitCode).toBe(0);
  });
});
