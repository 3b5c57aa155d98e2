/**
 * The real thing, end to end: real Vagrant and vagrant-lxc bring up two LXC nodes with systemd, sshd, dockerd
 * and etcd; ssh2 reaches them; the course scenarios run on them; `down` leaves nothing. The lab has a name and
 * subnet of its own, so it never collides with a lab a user left running on this machine.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLab } from '../../src/lab/model.js';
import { requireTargets } from '../../src/lifecycle/targets.js';
import { SCENARIOS_DIR } from '../../src/paths.js';
import { autoDetect } from '../../src/providers/index.js';
import { kvmRunsLabGuests } from '../../src/providers/libvirt/driver-choice.js';
import { listLessons } from '../../src/scenario/lesson.js';
import { SshPool } from '../../src/ssh/pool.js';
import { e2eLab, leftovers, ROOT, waitFor } from '../support/e2e.js';

const DIR = '/var/tmp/docker-lab-e2e';
const SUBNET = '192.168.215';
const e2e = e2eLab('dlab-e2e', DIR, SUBNET);
const LAB_FILE = e2e.file;
const lab = e2e.run;

/** Writes a scenario of the test's own into the lab folder (its file name must be its name). */
function scenarioFile(name: string, description: string, lines: string[]): string {
  const file = join(DIR, `${name}.yaml`);
  writeFileSync(file, [`name: ${name}`, `description: ${description}`, ...lines].join('\n'));
  return file;
}

/** Runs scenarios through the real CLI and returns the JSON report. */
async function scenarios(names: string[], extra: string[] = []) {
  const out = join(DIR, `report-${Date.now()}.json`);
  const r = await lab('scenario', ...names, '--reporter', 'json', '--output', out, '--run-dir', join(DIR, 'runs'), ...extra);
  const report = JSON.parse(readFileSync(out, 'utf8')) as { scenarios: { name: string; run?: number; status: string; reason?: string }[] };
  return { r, report };
}

describe('the lab on real Vagrant + LXC', () => {
  beforeAll(async () => {
    await lab('down'); // a lab left behind by an interrupted run
  });

  afterAll(async () => {
    await lab('down');
  });

  it("comes up through auto-detection (lxc where KVM cannot run the lab's guests), and both nodes answer over ssh2", async () => {
    // As a new user types it: no --provider, no DOCKER_LAB_PROVIDER. The suite below is LXC's, so this machine
    // must be one where auto-detection picks lxc, as on every machine without a KVM that runs the lab's CPU.
    const decision = await autoDetect(loadLab(LAB_FILE));
    if (!(await kvmRunsLabGuests()).ok) expect(decision.chosen).toBe('lxc');
    const r = await e2e.runChoosing('up');
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toContain('provider lxc (auto-detected');
    for (const skip of decision.skipped) expect(r.all).toContain(`provider ${skip.line}`);
    expect(r.all).toContain(`docker-node1 (${SUBNET}.10) says docker-node1`);
    expect(r.all).toContain(`docker-node2 (${SUBNET}.11) says docker-node2`);
  });

  it('vagrant ssh-config shows the lab addresses', async () => {
    const r = await execa('vagrant', ['ssh-config'], { env: { VAGRANT_CWD: DIR, VAGRANT_CHECKPOINT_DISABLE: '1' } });
    expect(r.stdout).toMatch(new RegExp(`Host docker-node1\\n\\s+HostName ${SUBNET}\\.10`));
    expect(r.stdout).toMatch(new RegExp(`Host docker-node2\\n\\s+HostName ${SUBNET}\\.11`));
  });

  it('node1 pings node2 on eth1, and nodes have no route off the lab network', async () => {
    const pool = await SshPool.open(await requireTargets(loadLab(LAB_FILE)));
    try {
      const ping = await pool.session('docker-node1').exec(`ping -c 2 -W 2 -I eth1 ${SUBNET}.11`, { timeoutMs: 20_000 });
      expect(ping.exitCode, ping.stdout + ping.stderr).toBe(0);
      const routes = await pool.session('docker-node2').exec('ip -4 route show default', { timeoutMs: 10_000 });
      expect(routes.stdout.trim()).toBe('');
    } finally {
      await pool.close();
    }
  });

  it('a second up is idempotent', async () => {
    const r = await lab('up', '--provider', 'lxc');
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).not.toContain('building box');
    expect(r.all).not.toContain('creating host bridge');
  });

  it('status shows provider, nodes, addresses and state', async () => {
    const r = await lab('status');
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toMatch(/lab dlab-e2e \(lxc/);
    expect(r.stdout).toMatch(new RegExp(`docker-node1\\s+${SUBNET}\\.10\\s+running`));
    expect(r.stdout).toMatch(new RegExp(`docker-node2\\s+${SUBNET}\\.11\\s+running`));
  });

  it('runs the engine self-check scenario', async () => {
    const { r, report } = await scenarios(['sample']);
    expect(r.exitCode, r.all).toBe(0);
    expect(report.scenarios.map((s) => [s.name, s.status])).toEqual([['sample', 'passed']]);
  });

  it("runs every lesson of the course on one up, all passing, each in the way Docker 20.10 fits (the course's own)", async () => {
    // One after another: each leaves the lab fit for the next. Each runs again, on a lab another left, in the
    // exercise suite's --keep/--reset loop; overlay again and again below. The swarm ways run in the matrix's test.
    const course = listLessons(SCENARIOS_DIR)
      .filter((l) => l.name !== 'sample')
      .map((l) => l.name);
    expect(course.length).toBeGreaterThanOrEqual(16);
    const { r, report } = await scenarios(course);
    const outcome = report.scenarios.map((s) => `${s.name}: ${s.status}${s.reason ? ` (${s.reason})` : ''}`);
    expect(outcome, r.all).toEqual(course.map((name) => `${name}: passed`));
    expect(r.exitCode).toBe(0);
  });

  it('fails a scenario whose expectation does not hold, shows node, command and difference, and still cleans up', async () => {
    const original = readFileSync(join(ROOT, 'scenarios/sample.yaml'), 'utf8');
    const broken = original.replace('expect: { stdout: ready }', 'expect: { stdout: steady }');
    expect(broken).not.toBe(original);
    const file = join(DIR, 'sample.yaml');
    writeFileSync(file, broken); // same name, so it may stand outside scenarios/ as sample.yaml
    const r = await lab('scenario', file, '--run-dir', join(DIR, 'runs'));
    expect(r.exitCode, r.all).toBe(1);
    expect(r.all).toMatch(/failed on docker-node1/);
    expect(r.all).toContain('mkdir -p /tmp/docker-lab-sample-docker-node1');
    expect(r.all).toMatch(/steady/);
    expect(r.all).toMatch(/ready/);
    expect(r.all).toMatch(/cleanup: remove the work folders/);
    const pool = await SshPool.open(await requireTargets(loadLab(LAB_FILE)));
    try {
      const left = await pool.session('docker-node1').exec('ls -d /tmp/docker-lab-sample-* 2>/dev/null | wc -l', { timeoutMs: 10_000 });
      expect(left.stdout.trim()).toBe('0');
    } finally {
      await pool.close();
    }
  });

  // Three in a row, each on what the last one's cleanup left; twice more below (after --keep), and six times in
  // the fault tests: the whole test run must stay near 30 minutes.
  it('runs overlay 3 times in a row on one lab, every run passing', async () => {
    const { r, report } = await scenarios(['overlay'], ['--repeat', '3']);
    console.log(
      String(r.all)
        .split('\n')
        .filter((l) => /^(run \d+ of 3|overlay: \d+ of)/.test(l))
        .join('\n'),
    ); // per-run times, for the record
    expect(
      report.scenarios.map((s) => s.status),
      r.all,
    ).toEqual(Array(3).fill('passed'));
    expect(r.all).toMatch(/^overlay: 3 of 3 passed \(median [\d.]+ s, max [\d.]+ s\)$/m);
    expect(r.exitCode).toBe(0);
  });

  it('after --keep, the next run of the lesson clears what it left first and passes; lab reset then has nothing to do', async () => {
    const kept = await lab('scenario', 'overlay', '--keep', '--run-dir', join(DIR, 'runs'));
    expect(kept.exitCode, kept.all).toBe(0);
    const again = await lab('scenario', 'overlay', '--run-dir', join(DIR, 'runs'));
    expect(again.exitCode, again.all).toBe(0);
    expect(again.all).toContain('clearing what `lab scenario overlay --keep` left, before it runs again');
    expect(again.all).toMatch(/✔ cleanup: stop start etcd \(as started by hand: etcd\)/);
    const reset = await lab('reset');
    expect(reset.exitCode, reset.all).toBe(0);
    expect(reset.all).toContain('nothing to reset');
  });

  it('refuses a lesson whose exercise is in progress (exit 2, nothing run) and names the one command that clears it', async () => {
    const progress = join(DIR, '.docker-lab', 'exercise', 'netns.json');
    mkdirSync(dirname(progress), { recursive: true });
    writeFileSync(progress, JSON.stringify({ done: 3, captures: {} }));
    const runs = join(DIR, 'runs-refused');
    const r = await lab('scenario', 'netns', '--run-dir', runs);
    expect(r.exitCode, r.all).toBe(2);
    expect(r.all).toContain(`an exercise is in progress on lab 'dlab-e2e': netns (3 steps done)`);
    expect(r.all).toContain(`\`lab reset --lab ${LAB_FILE}\` clears it`);
    expect(existsSync(runs)).toBe(false); // no transcript: nothing ran on a node
    const reset = await lab('reset');
    expect(reset.exitCode, reset.all).toBe(0);
    expect(reset.all).toContain('reset netns: cleanup ran; progress forgotten');
    expect(existsSync(progress)).toBe(false);
  });

  describe('faults', () => {
    let pool: SshPool;
    beforeAll(async () => {
      pool = await SshPool.open(await requireTargets(loadLab(LAB_FILE)));
    });
    afterAll(async () => {
      await pool?.close();
    });
    const on = async (node: string, command: string) => (await pool.session(node).exec(command, { timeoutMs: 30_000 })).stdout.trim();

    /** What a scenario that was cut short must not leave behind: the course daemons, containers, or a missing stock daemon. */
    async function expectNodesRestored(nodes = ['docker-node1', 'docker-node2']): Promise<void> {
      for (const node of nodes) {
        expect(await on(node, 'pgrep -x etcd || echo none'), `etcd on ${node}`).toBe('none');
        expect(await on(node, 'systemctl is-active docker'), `docker on ${node}`).toBe('active');
        expect(await on(node, "docker info --format '{{.ClusterStore}}'"), `cluster store on ${node}`).toBe('');
        expect(await on(node, 'docker ps -aq | wc -l'), `containers on ${node}`).toBe('0');
      }
    }

    /** Starts a scenario through the CLI and waits until a node's transcript shows `marker`. */
    async function startUntil(name: string, node: string, marker: string) {
      const runDir = join(DIR, `runs-${Date.now()}`);
      const child = lab('scenario', name, '--run-dir', runDir);
      const transcript = async () => {
        const dirs = await readdir(runDir).catch(() => [] as string[]);
        return dirs[0] ? await readFile(join(runDir, dirs[0], `${node}.log`), 'utf8').catch(() => '') : '';
      };
      await waitFor(
        `'${marker}' on ${node}`,
        async () => (await transcript()).includes(marker),
        () => child.exitCode !== null,
      );
      return { child }; // wrapped: an execa child is a thenable
    }

    it('a step that outlives its timeout is stopped on the node, named, and cleanup runs', async () => {
      const file = scenarioFile('hang', 'a step that hangs past its timeout', [
        'steps:',
        '  - { name: wait forever, on: docker-node2, run: "sleep 321; echo never", timeout: 2s }',
        'cleanup:',
        '  - { name: leave a mark, on: docker-node2, run: touch /tmp/hang-cleanup-ran }',
      ]);
      await on('docker-node2', 'rm -f /tmp/hang-cleanup-ran');
      const r = await lab('scenario', file, '--run-dir', join(DIR, 'runs'));
      expect(r.exitCode, r.all).toBe(1);
      expect(r.all).toMatch(/"wait forever" failed on docker-node2/);
      expect(r.all).toMatch(/timed out after 2\.0 s/);
      expect(await on('docker-node2', 'test -e /tmp/hang-cleanup-ran && echo ran')).toBe('ran');
      expect(await on('docker-node2', 'pgrep -f "slee[p] 321" || echo gone')).toBe('gone'); // [p]: not this command itself
    });

    it.each([
      ['Ctrl-C', 130, 'SIGINT'],
      ['SIGTERM', 143, 'SIGTERM'],
    ] as const)('%s in the middle of overlay: cleanup runs, exit %d, nothing left running', async (_what, code, signal) => {
      const { child } = await startUntil('overlay', 'docker-node1', 'docker network create -d overlay demo');
      child.kill(signal);
      const r = await child;
      expect(r.exitCode, r.all).toBe(code);
      expect(r.all).toContain(`${signal}: stopping and cleaning up`);
      expect(r.all).toMatch(/interrupted/);
      expect(r.all).toMatch(/cleanup: the stock Docker daemon again/);
      await expectNodesRestored();
    });

    it('dockerd killed on node2 in the middle of overlay: node and step named, cleanup runs, overlay passes again', async () => {
      const { child } = await startUntil('overlay', 'docker-node2', 'docker run -d --rm --name test2');
      await on('docker-node2', 'sudo kill -9 $(cat /var/run/docker.pid)');
      const r = await child;
      expect(r.exitCode, r.all).toBe(1);
      expect(r.all).toMatch(/step \S+ "[^"]+" failed on docker-node2/);
      // Docker's own words: the next request either finds no daemon, or loses it mid-request (a request, or
      // the `docker events` a step's watch has open).
      expect(r.all).toMatch(/Cannot connect to the Docker daemon|error during connect: .*: EOF|unexpected EOF/);
      expect(r.all).toMatch(/daemon "dockerd with the cluster store" is running\n\s+it has exited/);
      expect(r.all).toMatch(/cleanup: the stock Docker daemon again/);
      await on('docker-node2', 'sudo docker rm -f test2 >/dev/null 2>&1; true'); // the container the killed daemon ran
      await expectNodesRestored();
      const again = await scenarios(['overlay']);
      expect(again.report.scenarios[0]!.status, again.r.all).toBe('passed');
    });

    it('a dropped SSH connection is reported with the node, and the next step reconnects', async () => {
      const file = scenarioFile('drop', 'the SSH connection to node1 is cut during a long step', [
        'steps:',
        // $PPID is docker-lab's command runner; its parent is this connection's sshd session process.
        // Killing that cuts the connection, as a network fault would.
        '  - { name: a long step, on: docker-node1, run: "sudo kill -9 $(ps -o ppid= -p $PPID); sleep 30" }',
        'cleanup:',
        '  - { name: after the drop, on: docker-node1, run: echo reconnected, expect: { stdout: reconnected } }',
      ]);
      const r = await lab('scenario', file, '--run-dir', join(DIR, 'runs'));
      expect(r.exitCode, r.all).toBe(1);
      expect(r.all).toMatch(/docker-node1/);
      expect(r.all).toMatch(/lost docker-node1 \(it closed the connection/);
      expect(r.all).toMatch(/✔ .*cleanup: after the drop/);
    });

    /** Resolves once the child's output matches `pattern` (it must, before the child ends). */
    function untilOutput(child: ReturnType<typeof execa>, pattern: RegExp): Promise<void> {
      let seen = '';
      return new Promise((resolve, reject) => {
        child.all!.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          if (pattern.test(seen)) resolve();
        });
        child.all!.on('end', () => reject(new Error(`the run ended without printing ${pattern}:\n${seen}`)));
      });
    }

    const NODE2 = 'dlab-e2e-docker-node2';
    const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

    it('node2 halted in the middle of overlay: node, step and cause named, node1 cleaned up, node2 clean once it is back', async () => {
      const { child } = await startUntil('overlay', 'docker-node2', 'docker run -d --rm --name test2');
      const t0 = Date.now();
      const halt = await execa('lxc-stop', ['-n', NODE2], { reject: false, all: true });
      expect(halt.exitCode, halt.all).toBe(0);
      const r = await child;
      console.log(`node2 halted: the run ended ${seconds(t0)} after the halt began`);
      expect(r.exitCode, r.all).toBe(1);
      // The step in hand when node2 went: a step, or a step's watch (`13.watch`), which runs on node2 too.
      expect(r.all).toMatch(/step \S+ "[^"]+" failed on docker-node2/);
      expect(r.all).toMatch(/error: lost docker-node2 \((it closed the connection|its SSH port refuses|nothing answers|it stopped answering)/);
      expect(r.all).toMatch(
        /after step \S+ failed, the lab network:\n {2}(docker-node1 cannot reach docker-node2 \(192\.168\.215\.11\) on the lab network\n {2})?docker-node2 does not answer over SSH \(/,
      );
      // Cleanup there is impossible, and says why; on node1 it ran.
      expect(r.all).toMatch(/step c\d+ "the stock Docker daemon again" failed on docker-node2[^\n]*\n(.*\n){2}\s+error: lost docker-node2 \(/);
      expect(r.all).not.toMatch(/failed on docker-node1/);
      await expectNodesRestored(['docker-node1']);

      const t1 = Date.now();
      const up = await lab('up', '--provider', 'lxc');
      console.log(`node2 back up in ${seconds(t1)}`);
      expect(up.exitCode, up.all).toBe(0);
      await expectNodesRestored();
    });

    it('node2 cut off the lab network during overlay: step, node and deadline named, the diagnosis says who cannot reach whom, cleanup completes once it is back', async () => {
      const { child } = await startUntil('overlay', 'docker-node2', "docker inspect -f '{{.NetworkSettings.Networks.demo.IPAddress}}' test2");
      const link = (state: 'up' | 'down') => execa('lxc-attach', ['-n', NODE2, '--', 'ip', 'link', 'set', 'eth1', state]);
      const t0 = Date.now();
      const diagnosed = untilOutput(child, /docker-node1 cannot reach docker-node2 \(192\.168\.215\.11\) on the lab network/);
      try {
        await link('down');
        await diagnosed;
        console.log(`partition: diagnosed ${seconds(t0)} after eth1 went down`);
      } finally {
        await link('up');
      }
      const r = await child;
      console.log(`partition: the run ended ${seconds(t0)} after eth1 went down`);
      expect(r.exitCode, r.all).toBe(1);
      expect(r.all).toMatch(/step \S+ "test1 pings test2 by address, across nodes" failed on docker-node1/);
      expect(r.all).toMatch(/✗ retry deadline of 10 s reached\n\s+gave up after \d+ attempts?/);
      expect(r.all).toMatch(
        /after step \d+ failed, the lab network:\n {2}docker-node1 cannot reach docker-node2 \(192\.168\.215\.11\) on the lab network\n {2}docker-node2 does not answer over SSH \(/,
      );
      expect(r.all).not.toMatch(/step c\d+ "[^"]+" failed/); // every cleanup step passed, on both nodes
      await expectNodesRestored();
    });
  });

  it('comes down completely, and a second down has nothing to do', async () => {
    const r = await lab('down');
    expect(r.exitCode, r.all).toBe(0);
    expect(await leftovers(e2e)).toEqual([]);
    const again = await lab('down');
    expect(again.exitCode, again.all).toBe(0);
  });
});
