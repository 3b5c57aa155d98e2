/**
 * What the student sees, from the course's own netns and overlay scenarios (loaded as `lab exercise` loads
 * them), and how far a lab got from per-step verdicts. Pure: no node involved.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandBlocks, exerciseSteps } from '../../src/exercise/plan.js';
import { type Phase, renderScreen } from '../../src/exercise/screen.js';
import { standingLine, stepsDone } from '../../src/exercise/standing.js';
import { loadLab } from '../../src/lab/model.js';
import { SCENARIOS_DIR } from '../../src/paths.js';
import { loadScenario } from '../../src/scenario/catalog.js';
import { checkOutcome } from '../../src/scenario/judge/expect.js';
import { programOf } from '../../src/scenario/kinds/stop.js';

const lab = loadLab(join(import.meta.dirname, '../../lab.yaml'));
const netns = exerciseSteps(loadScenario('netns', { scenariosDir: SCENARIOS_DIR, lab }));
const overlay = exerciseSteps(loadScenario('overlay', { scenariosDir: SCENARIOS_DIR, lab }));

function screen(
  steps: typeof netns,
  index: number,
  phase: Phase = { kind: 'waiting' },
  mode: 'guided' | 'challenge' = 'guided',
  captures: Record<string, string> = {},
) {
  const step = steps[index]!;
  return renderScreen({
    scenario: 'netns',
    total: steps.length,
    step,
    commands: commandBlocks(lab, step, captures),
    mode,
    showSolution: false,
    phase,
    notice: null,
  });
}

describe('the exercise screen', () => {
  it('shows step i of N, the title, the explanation, the node and the commands', () => {
    const text = screen(netns, 0);
    expect(text).toContain(`netns: step 1 of ${netns.length}\n  sudo ip netns add test1 / test2\n`);
    expect(text).toContain('A network namespace is a separate copy of the network stack');
    expect(text).toContain('On docker-node1, type:\n    sudo ip netns add test1\n    sudo ip netns add test2\n');
    expect(text).toContain('Waiting for the step to hold (checked every second; Enter checks now).');
    expect(text).toContain('keys: Enter check now · s solution · S run the solution for me · b back · q quit');
  });

  it('in challenge mode shows the goal, not the commands, nor a title that is the command', () => {
    const text = screen(netns, 0, { kind: 'waiting' }, 'challenge');
    expect(text).toContain('Goal: test1 and test2 are listed by ip netns list');
    expect(text).not.toContain('type:');
    expect(text).not.toContain('sudo ip netns add'); // the step's title is `sudo ip netns add test1 / test2`
  });

  it('fills node addresses per node, and leaves a capture not yet made as written', () => {
    const etcd = commandBlocks(lab, overlay[0]!, {});
    expect(etcd.map((b) => b.nodes)).toEqual([['docker-node1'], ['docker-node2']]);
    expect(etcd[1]!.text).toContain('--listen-peer-urls http://192.168.205.11:2380');
    const etcdHolds = overlay.find((s) => s.title === 'etcd holds the network')!;
    expect(commandBlocks(lab, etcdHolds, {})[0]!.text).toBe('ETCDCTL_API=2 etcdctl get /docker/network/v1.0/network/${{ captures.demo_id }}');
    expect(commandBlocks(lab, etcdHolds, { demo_id: 'abc123' })[0]!.text).toBe('ETCDCTL_API=2 etcdctl get /docker/network/v1.0/network/abc123');
  });

  it('tells a step that held before the student acted, and a confirm step', () => {
    expect(screen(netns, 0, { kind: 'held-on-arrival' })).toContain('✓ This step already holds, before you did anything here.');
    // No course step is confirmed any more (docs/confirm-steps.md): one made so, as a scenario may still write it.
    const confirmed = netns.map((s, i) => (i === 1 ? { ...s, verify: { kind: 'confirm' as const } } : s));
    expect(screen(confirmed, 1)).toContain('When you have done this, press Enter.');
    const observe = netns.findIndex((s) => s.verify.kind === 'rerun');
    expect(screen(netns, observe, { kind: 'held-on-arrival' })).toContain('This step only looks at the lab');
  });

  it('explains a failed check in plain words: what, where, expected next to observed, and the hint', () => {
    const check = netns[0]!.verify.kind === 'check' ? netns[0]!.verify.checks[0]! : null;
    // `ip netns list` on docker-node1 after a typo: `sudo ip netns add tets1`, `sudo ip netns add test2`
    const observed = { exitCode: 0, stdout: 'test2\ntets1\n', stderr: '' };
    const failures = checkOutcome(check!.expect, observed);
    const text = screen(netns, 0, {
      kind: 'not-yet',
      bySolution: false,
      misses: [{ what: check!.name, node: 'docker-node1', command: check!.run, failures, observed: observed.stdout.trimEnd() }],
    });
    expect(text).toContain('✗ Not yet:\n  test1 and test2 are listed by ip netns list: not so on docker-node1\n    $ sudo ip netns list\n');
    expect(text).toContain('expected stdout matches /^test1\\b/m');
    expect(text).toMatch(/actual \(tail\):\n\s+test2\n\s+tets1\n/);
    expect(text).not.toContain('observed:'); // the expectation already shows what came
    expect(text).toContain('Hint: Both names, exactly test1 and test2');
  });
});

describe('how far the lab got', () => {
  it('counts steps up to the first that fails; an unproven step (confirmed, or only looking) counts when a later one holds', () => {
    expect(stepsDone([])).toBe(0);
    expect(stepsDone(['fails', 'holds'])).toBe(0);
    expect(stepsDone(['holds', 'unproven', 'holds', 'fails'])).toBe(3);
    expect(stepsDone(['holds', 'unproven', 'unproven', 'fails'])).toBe(1);
    expect(stepsDone(['holds', 'unproven'])).toBe(2);
    // a fresh lab: a first step that only looks (iptables -V) shows its output, and proves nothing
    expect(stepsDone(['unproven', 'fails'])).toBe(0);
  });

  it('says it in one line with the next step, over the lesson; the teardown is named apart', () => {
    const lesson = netns.filter((s) => s.part === 'lesson');
    const teardown = netns.filter((s) => s.part === 'teardown');
    expect(teardown.map((s) => s.number)).toEqual([14, 15, 16]);
    expect(standingLine(lesson, 4, teardown)).toBe(
      `4 of ${lesson.length} steps done; next: 5 "sudo ip link set veth-test1 netns test1 (and veth-test2 into test2)"`,
    );
    expect(standingLine(lesson, lesson.length, teardown)).toBe(
      `${lesson.length} of ${lesson.length} steps done; then the lesson's teardown, 3 steps from 14 (not counted: it removes what the lesson made)`,
    );
  });

  it('marks a teardown step on its screen', () => {
    expect(
      screen(
        netns,
        netns.findIndex((s) => s.part === 'teardown'),
      ),
    ).toContain(`netns: step 14 of ${netns.length} · the lesson's teardown: undo what it made`);
  });
});

describe('--reset', () => {
  it('stops a daemon by the program its command starts', () => {
    expect(programOf('etcd --name x --data-dir /tmp/e')).toBe('etcd');
    expect(programOf('sudo dockerd -H tcp://1.2.3.4:2375')).toBe('dockerd');
    expect(programOf('FOO=1 /usr/bin/dockerd -b br0')).toBe('dockerd');
    expect(programOf('$(which x)')).toBeNull();
    expect(programOf('rm -f /tmp/custom-bridge.pcap && tcpdump -U -n -i eth1 -w /tmp/custom-bridge.pcap icmp')).toBe('tcpdump');
    expect(programOf('stdbuf -oL xtables-monitor --trace >/tmp/iptables-trace.txt')).toBe('xtables-monitor');
  });
});
