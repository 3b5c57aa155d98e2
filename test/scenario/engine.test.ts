/**
 * The runner against two real sshd "nodes" on loopback. Steps leave marker files (both nodes share this
 * machine's file system), so the tests assert what happened, never how long it took.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeScenarioFailures } from '../../src/report/failure-text.js';
import { type RunScenariosOptions, runScenarios } from '../../src/run/scenarios.js';
import { loadScenario } from '../../src/scenario/catalog.js';
import { lessonOf } from '../../src/scenario/lesson.js';
import { leafResults } from '../../src/scenario/results.js';
import { removeTempDirs, scenarioDir, tempDir, waitForFile } from '../support/scenarios.js';
import { startSshdLab, useSshdLab } from '../support/sshd.js';
import { checkWellFormed } from '../support/xml.js';

const sshd = useSshdLab();
/** Runs whose background logs (on the "nodes", i.e. this machine) are removed afterwards. */
const { runIds } = sshd;
afterAll(() => removeTempDirs());

/** Writes `name.yaml` (with `M` replaced by a fresh marker folder) and runs it quietly. */
async function run(name: string, yaml: (m: string) => string, options: Partial<RunScenariosOptions> = {}, fragments: Record<string, string> = {}) {
  const m = tempDir('docker-lab-m-');
  const dir = scenarioDir({ [`${name}.yaml`]: yaml(m), ...fragments });
  const plan = loadScenario(name, { scenariosDir: dir, lab: sshd.lab.lab });
  const out = await runScenarios([lessonOf(plan)], { lab: sshd.lab.lab, targets: sshd.lab.targets, quiet: true, runDir: join(dir, 'runs'), ...options });
  runIds.push(...out.results.map((r) => r.runId));
  return { ...out, m, dir, result: out.results[0]! };
}

/** A process that is gone, or a zombie nobody reaped yet (gone for every purpose). */
function processGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

const passing = (m: string, expected = 'hello docker-node2') => `
name: basic
description: one passing scenario
vars: { greeting: hello }
steps:
  - name: greet
    on: docker-node2
    run: echo ${'${{ vars.greeting }}'} ${'${{ node.name }}'} | tee ${m}/greeted
    expect: { stdout: "${expected}" }
  - name: after
    on: docker-node1
    run: touch ${m}/after
cleanup:
  - { on: all, run: "touch ${m}/cleanup-${'${{ node.name }}'}" }
`;

describe('the runner on real sshd nodes', () => {
  it('passes a passing scenario and runs cleanup on every node', async () => {
    const { exitCode, result, m } = await run('basic', (m) => passing(m));
    expect(exitCode).toBe(0);
    expect(result.status).toBe('passed');
    expect(readFileSync(join(m, 'greeted'), 'utf8')).toBe('hello docker-node2\n');
    expect(existsSync(join(m, 'after'))).toBe(true);
    expect(existsSync(join(m, 'cleanup-docker-node1'))).toBe(true);
    expect(existsSync(join(m, 'cleanup-docker-node2'))).toBe(true);
  });

  it('fails on one changed expectation with exit 1, node, command and diff, skips the rest and still cleans up', async () => {
    const { exitCode, result, m } = await run('basic', (m) => passing(m, 'hello docker-node1'));
    expect(exitCode).toBe(1);
    expect(result.status).toBe('failed');
    const [greet, after] = result.steps;
    expect(greet!.status).toBe('failed');
    expect(after).toMatchObject({ status: 'skipped', reason: 'step 1 failed' });
    expect(existsSync(join(m, 'after'))).toBe(false);
    expect(existsSync(join(m, 'cleanup-docker-node1'))).toBe(true);
    expect(existsSync(join(m, 'cleanup-docker-node2'))).toBe(true);
    const node = greet!.nodes[0]!;
    expect(node).toMatchObject({ node: 'docker-node2', command: `echo hello docker-node2 | tee ${m}/greeted`, exitCode: 0 });
    expect(node.failures[0]!.detail).toBe('  expected: "hello docker-node1"\n  actual:   "hello docker-node2"');
    const text = describeScenarioFailures(result).join('\n');
    expect(text).toContain('failed on docker-node2');
    expect(text).toContain(`$ echo hello docker-node2 | tee ${m}/greeted`);
    expect(text).toContain('exit code 0');
    expect(text).toContain('expected: "hello docker-node1"');
  });

  it("runs each step's check right after it, so a solution that does not satisfy its own check fails", async () => {
    const yaml = (file: string) => (m: string) =>
      `
name: checked
description: a step and its read-only check
steps:
  - name: write
    on: docker-node1
    run: echo ready > ${m}/state
    check: { name: the state file says ready, on: docker-node2, run: cat ${m}/${file}, expect: { stdout: ready } }
  - name: after
    on: docker-node1
    run: touch ${m}/after
`;
    const good = await run('checked', yaml('state'));
    expect(good.exitCode).toBe(0);
    expect(good.result.steps.map((s) => [s.id, s.name, s.status])).toEqual([
      ['1', 'write', 'passed'],
      ['1.check', 'the state file says ready', 'passed'],
      ['2', 'after', 'passed'],
    ]);
    const bad = await run('checked', yaml('elsewhere'));
    expect(bad.exitCode).toBe(1);
    expect(bad.result.steps.map((s) => s.status)).toEqual(['passed', 'failed', 'skipped']);
    expect(bad.result.steps[1]!.nodes[0]).toMatchObject({ node: 'docker-node2', command: `cat ${bad.m}/elsewhere`, exitCode: 1 });
    expect(existsSync(join(bad.m, 'after'))).toBe(false);
  });

  it('writes a transcript per node with commands, exit codes and output, and no key material', async () => {
    const { result } = await run('basic', (m) => passing(m));
    const files = readdirSync(result.transcriptDir).sort();
    expect(files).toEqual(['docker-node1.log', 'docker-node2.log']);
    const t2 = readFileSync(join(result.transcriptDir, 'docker-node2.log'), 'utf8');
    // A plain step is sent as it is written; the transcript says no more.
    expect(t2).toMatch(/\$ echo hello docker-node2 \| tee \S*\/greeted\nexit 0 in/);
    expect(t2).toContain('exit 0 in');
    expect(t2).toContain('--- stdout\nhello docker-node2');
    const key = readFileSync(sshd.lab.targets[0]!.identityFile, 'utf8');
    const keyBody = key.split('\n')[1]!;
    expect(t2).not.toContain(keyBody);
  });

  it('retries until the expectation holds', async () => {
    const { exitCode, result } = await run(
      'retry',
      (m) => `
name: retry
description: counts up until 3
steps:
  - on: docker-node1
    run: n=$(cat ${m}/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${m}/n; echo $n
    expect: { stdout: "3" }
    retry: { for: 20s, every: 50ms }
`,
    );
    expect(exitCode).toBe(0);
    expect(result.steps[0]!.nodes[0]).toMatchObject({ status: 'passed', attempts: 3, stdout: '3\n' });
  });

  it('gives up retrying at the deadline and reports the last attempt', async () => {
    const { exitCode, result } = await run(
      'giveup',
      () => `
name: giveup
description: never holds
steps:
  - on: docker-node1
    run: echo nope
    expect: { stdout: yes }
    retry: { for: 300ms, every: 100ms }
`,
    );
    expect(exitCode).toBe(1);
    const node = result.steps[0]!.nodes[0]!;
    expect(node.status).toBe('failed');
    // How many attempts fit in 300 ms is the machine's business; that the last one is reported, and why, is ours.
    expect(node.failures[0]).toMatchObject({ kind: 'expectation', check: 'stdout equals "yes"' });
    const plural = node.attempts === 1 ? '' : 's';
    expect(node.failures[1]).toEqual({
      kind: 'deadline',
      forMs: 300,
      attempts: node.attempts,
      check: 'retry deadline of 300 ms reached',
      detail: `  gave up after ${node.attempts} attempt${plural}`,
    });
  });

  it('passes captures across nodes, quoted, including regex and JSON captures', async () => {
    const { exitCode, result, m } = await run(
      'captures',
      (m) => `
name: captures
description: values from node2 used on node1
steps:
  - on: docker-node2
    run: echo "$SSH_CONNECTION" | cut -d' ' -f3
    capture: addr
  - on: docker-node2
    run: printf '{"Id":"it'"'"'s; touch ${m}/pwned"}'
    capture: { name: nasty, json: "$.Id" }
  - on: docker-node2
    run: echo "vxlan id 4096 dstport"
    capture: { name: vni, regex: 'vxlan id (\\d+)' }
  - on: docker-node1
    run: echo ${'${{ captures.addr }}'} ${'${{ captures.vni }}'} ${'${{ captures.nasty }}'}
    expect:
      stdout: "127.0.0.2 4096 it's; touch ${m}/pwned"
`,
    );
    expect(exitCode).toBe(0);
    expect(result.steps[0]!.nodes[0]!.capture).toEqual({ name: 'addr', value: '127.0.0.2' });
    expect(existsSync(join(m, 'pwned'))).toBe(false);
  });

  it('runs a parallel group and a multi-node step at the same time', async () => {
    // Each side waits (bounded) for the other's marker: run one after the other, the first would time out.
    const waitFor = (m: string, mine: string, other: string) =>
      `touch ${m}/${mine}; for i in $(seq 200); do [ -e ${m}/${other} ] && echo met && exit 0; sleep 0.05; done; echo alone; exit 1`;
    const { exitCode, result } = await run(
      'together',
      (m) => `
name: together
description: concurrency
steps:
  - parallel:
      - { on: docker-node1, run: "${waitFor(m, 'a', 'b')}", expect: { stdout: met } }
      - { on: docker-node2, run: "${waitFor(m, 'b', 'a')}", expect: { stdout: met } }
  - on: all
    run: ${waitFor(m, '${{ node.name }}', '${{ nodes[0].name }}')
      .replace(/\$\{\{ nodes\[0\]\.name \}\}/, 'other-$( [ ${{ node.name }} = docker-node1 ] && echo docker-node2 || echo docker-node1)')
      .replace(`touch ${m}/\${{ node.name }}`, `touch ${m}/other-\${{ node.name }}`)}
    expect: { stdout: met }
`,
    );
    expect(result.steps.map((s) => s.status)).toEqual(['passed', 'passed']);
    expect(exitCode).toBe(0);
    expect(leafResults(result.steps).every((s) => s.nodes.every((n) => n.stdout === 'met\n'))).toBe(true);
  });

  it('names a daemon that died, with the end of its log, when a later step fails', async () => {
    const { exitCode, result } = await run(
      'dies',
      (m) => `
name: dies
description: a daemon that refuses its flags a moment after it started
steps:
  - name: picky daemon
    on: docker-node1
    background: true
    run: 'echo $$ > ${m}/daemon.pid; while [ ! -e ${m}/go ]; do sleep 0.05; done; echo "unknown flag: --cluster-store" >&2; exit 1'
  - name: ask the daemon
    on: docker-node1
    # Lets the daemon go, and fails only once it is gone (a zombie counts as gone): events, not a race of sleeps.
    run: |
      until [ -s ${m}/daemon.pid ]; do sleep 0.05; done; touch ${m}/go
      while ps -o stat= -p "$(cat ${m}/daemon.pid)" | grep -qv Z; do sleep 0.05; done
      echo "cannot reach the daemon" >&2; exit 1
cleanup:
  - on: docker-node1
    run: touch ${m}/cleaned
`,
    );
    expect(exitCode).toBe(1);
    const failed = result.steps[1]!.nodes[0]!;
    const died = failed.failures.find((f) => f.kind === 'daemon-died');
    expect(died).toMatchObject({ daemon: 'picky daemon', lastWords: 'unknown flag: --cluster-store', check: 'daemon "picky daemon" is running' });
    expect(died?.detail).toMatch(/has exited; the end of \/var\/tmp\/docker-lab\/.*01-picky-daemon\.log:\n\s+unknown flag: --cluster-store/);
  });

  it('starts a background process detached and kills its process group after cleanup', async () => {
    const { exitCode, result, m } = await run(
      'daemon',
      (m) => `
name: daemon
description: a background daemon
steps:
  - name: daemon
    on: docker-node1
    background: true
    run: echo $$ > ${m}/pid; echo daemon up; sleep 300 & sleep 301
  - on: docker-node1
    run: kill -0 $(cat ${m}/pid) && echo alive
    expect: { stdout: alive }
    retry: { for: 10s, every: 50ms }
cleanup:
  - on: docker-node1
    run: kill -0 $(cat ${m}/pid) && touch ${m}/alive-during-cleanup
`,
    );
    expect(exitCode).toBe(0);
    const bg = result.steps[0]!.nodes[0]!.background!;
    expect(bg.log).toBe(`/var/tmp/docker-lab/${result.runId}/docker-node1/01-daemon.log`);
    const pid = Number(readFileSync(join(m, 'pid'), 'utf8'));
    expect(pid).toBe(bg.pgid);
    expect(existsSync(join(m, 'alive-during-cleanup'))).toBe(true);
    expect(result.cleanup.map((c) => c.kind)).toEqual(['command', 'stop-background']);
    expect(result.cleanup[1]!.status).toBe('passed');
    expect(processGone(pid)).toBe(true);
    expect(readFileSync(bg.log, 'utf8')).toBe('daemon up\n');
    // Both sleeps were in the group: no process is left with the group id.
    const left = readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p) && !processGone(Number(p)))
      .filter((p) => {
        try {
          const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pid;
        } catch {
          return false;
        }
      });
    expect(left).toEqual([]);
  });

  it('stops a background step where cleanup says stop:, before the cleanup steps after it', async () => {
    const { exitCode, result, m } = await run(
      'stopper',
      (m) => `
name: stopper
description: stop a daemon in the middle of cleanup
steps:
  - name: daemon
    on: all
    background: true
    run: echo $$ > ${m}/pid-${'${{ node.name }}'}; exec sleep 300
cleanup:
  - stop: daemon
  - on: all
    run: kill -0 $(cat ${m}/pid-${'${{ node.name }}'}) 2>/dev/null || touch ${m}/stopped-${'${{ node.name }}'}
`,
    );
    expect(exitCode).toBe(0);
    expect(result.cleanup.map((c) => [c.id, c.kind, c.status])).toEqual([
      ['c1', 'stop-background', 'passed'],
      ['c2', 'command', 'passed'],
    ]);
    expect(result.cleanup[0]!.nodes.map((n) => n.node).sort()).toEqual(['docker-node1', 'docker-node2']);
    expect(existsSync(join(m, 'stopped-docker-node1'))).toBe(true);
    expect(existsSync(join(m, 'stopped-docker-node2'))).toBe(true);
  });

  it('aborts the current step on the AbortSignal, runs cleanup, and exits 130', async () => {
    const ac = new AbortController();
    const m = tempDir('docker-lab-m-');
    const running = run(
      'abort',
      () => `
name: abort
description: interrupted
steps:
  - on: docker-node1
    run: touch ${m}/started; sleep 30; touch ${m}/finished
  - on: docker-node1
    run: touch ${m}/next
cleanup:
  - { on: all, run: "touch ${m}/cleanup-${'${{ node.name }}'}" }
`,
      { signal: ac.signal },
    );
    await waitFor(join(m, 'started'));
    ac.abort();
    const { exitCode, result } = await running;
    expect(exitCode).toBe(130);
    expect(result.status).toBe('aborted');
    expect(result.steps.map((s) => s.status)).toEqual(['aborted', 'skipped']);
    expect(existsSync(join(m, 'cleanup-docker-node1'))).toBe(true);
    expect(existsSync(join(m, 'cleanup-docker-node2'))).toBe(true);
    expect(existsSync(join(m, 'next'))).toBe(false);
    expect(existsSync(join(m, 'finished'))).toBe(false);
  });

  it('kills a step that outlives its timeout, fails it and cleans up', async () => {
    const { exitCode, result, m } = await run(
      'slow',
      (m) => `
name: slow
description: times out
steps:
  - on: docker-node2
    run: sleep 30; touch ${m}/finished
    timeout: 300ms
cleanup:
  - { on: docker-node2, run: "touch ${m}/cleaned" }
`,
    );
    expect(exitCode).toBe(1);
    const node = result.steps[0]!.nodes[0]!;
    expect(node.status).toBe('failed');
    expect(node.error).toMatchObject({ kind: 'timeout', message: expect.stringMatching(/docker-node2: command timed out after 300 ms/) });
    expect(node.failures[0]).toMatchObject({ kind: 'timeout', timeoutMs: 300, check: 'finish within 300 ms' });
    expect(existsSync(join(m, 'cleaned'))).toBe(true);
    expect(existsSync(join(m, 'finished'))).toBe(false);
  });

  it('names a node that went away behind a failed step, in plain words, and reports its cleanup as impossible', async () => {
    const own = await startSshdLab(); // its node2 is stopped for good
    try {
      const m = tempDir('docker-lab-m-');
      const dir = scenarioDir({
        'gone.yaml': `
name: gone
description: node2 goes away in the middle of a step
steps:
  - on: docker-node2
    run: touch ${m}/started; sleep 30
cleanup:
  - { on: all, run: "touch ${m}/cleaned-\${{ node.name }}" }
`,
      });
      const running = runScenarios([lessonOf(loadScenario('gone', { scenariosDir: dir, lab: own.lab }))], {
        lab: own.lab,
        targets: own.targets,
        quiet: true,
        runDir: join(dir, 'runs'),
      });
      await waitFor(join(m, 'started'));
      await own.nodes[1]!.goAway();
      const { exitCode, results } = await running;
      runIds.push(...results.map((r) => r.runId));
      expect(exitCode).toBe(1);
      const [step] = results[0]!.steps;
      expect(step!.nodes[0]!.error?.kind).toBe('node-lost');
      expect(step!.nodes[0]!.error?.message).toMatch(/^lost docker-node2 \(it closed the connection: /);
      expect(step!.diagnosis).toEqual([
        'docker-node2 does not answer over SSH (its SSH port refuses connections: the node is shutting down, or sshd is stopped)',
      ]);
      const cleanup = results[0]!.cleanup[0]!;
      expect(cleanup.nodes.map((n) => [n.node, n.status])).toEqual([
        ['docker-node1', 'passed'],
        ['docker-node2', 'failed'],
      ]);
      expect(cleanup.nodes[1]!.error?.message).toMatch(/^lost docker-node2 \(its SSH port refuses connections: .*could not be reopened/);
      expect(existsSync(join(m, 'cleaned-docker-node1'))).toBe(true);
      expect(describeScenarioFailures(results[0]!).join('\n')).toContain('after step 1 failed, the lab network:\n  docker-node2 does not answer over SSH (');
    } finally {
      await own.stop();
    }
  });

  it('reports a dropped connection with the node name, then reconnects for cleanup', async () => {
    const m = tempDir('docker-lab-m-');
    const node2 = sshd.lab.nodes[1]!;
    const running = run(
      'drop',
      () => `
name: drop
description: the connection goes away
steps:
  - on: docker-node2
    run: touch ${m}/started; sleep 30
cleanup:
  - { on: docker-node2, run: "touch ${m}/cleaned" }
`,
    );
    await waitFor(join(m, 'started'));
    expect(node2.dropConnections().length).toBeGreaterThan(0);
    const { exitCode, result } = await running;
    expect(exitCode).toBe(1);
    const node = result.steps[0]!.nodes[0]!;
    expect(node.status).toBe('failed');
    expect(node.attempts).toBe(1); // never re-sent
    expect(node.error?.kind).toBe('node-lost');
    expect(node.error?.message).toMatch(
      /^lost docker-node2 \(it closed the connection: [^)]*\); docker-node2 \(.*\): connection lost .* while running: touch \S*started; sleep 30; the command may or may not have completed$/,
    );
    expect(existsSync(join(m, 'cleaned'))).toBe(true);
  });

  it('skips a scenario whose Docker requirement is not met, with the reason, exit 0', async () => {
    const { exitCode, result, m } = await run(
      'needs',
      (m) => `
name: needs
description: needs a Docker from the future
requires: { docker: ">=999" }
steps:
  - run: touch ${m}/ran
cleanup:
  - run: touch ${m}/cleaned
`,
    );
    expect(exitCode).toBe(0);
    expect(result.status).toBe('skipped');
    expect(result.reason).toMatch(/^needs Docker >=999; docker-node1/);
    expect(existsSync(join(m, 'ran'))).toBe(false);
    expect(existsSync(join(m, 'cleaned'))).toBe(false);
  });

  it('writes well-formed JUnit XML with failures, skips and escaped output', async () => {
    const { exitCode, reportFile } = await run(
      'junit',
      () => `
name: junit
description: a report
steps:
  - name: 'ok <&> "quoted"'
    on: docker-node1
    run: printf '<tag attr="x">&amp;\\x01</tag>\\n'
  - name: fails
    on: docker-node1
    run: printf 'a <b> & "c"\\n'; exit 4
  - name: never
    on: docker-node1
    run: echo never
`,
      { reporter: 'junit' },
    );
    expect(exitCode).toBe(1);
    const xml = readFileSync(reportFile!, 'utf8');
    const names = checkWellFormed(xml);
    expect(names.filter((n) => n === 'testcase')).toHaveLength(3);
    expect(names.filter((n) => n === 'failure')).toHaveLength(1);
    expect(names.filter((n) => n === 'skipped')).toHaveLength(1);
    expect(xml).toContain('<testsuite name="junit" tests="3" failures="1" errors="0" skipped="1"');
    expect(xml).toContain('name="1 ok &lt;&amp;&gt; &quot;quoted&quot;"');
    expect(xml).toContain('a &lt;b&gt; &amp; "c"');
  });

  it('runs the sample scenario from scenarios/ (requirements ignored: these nodes have no Docker daemon)', async () => {
    const plan = loadScenario('sample', { scenariosDir: join(import.meta.dirname, '..', '..', 'scenarios'), lab: sshd.lab.lab });
    const runDir = tempDir('docker-lab-runs-');
    const { exitCode, results } = await runScenarios([lessonOf(plan)], {
      lab: sshd.lab.lab,
      targets: sshd.lab.targets,
      quiet: true,
      runDir,
      ignoreRequires: true,
      reporter: 'json',
    });
    runIds.push(results[0]!.runId);
    expect(describeScenarioFailures(results[0]!)).toEqual([]);
    expect(exitCode).toBe(0);
    expect(JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8'))).toMatchObject({ exitCode: 0, totals: { passed: 1 } });
  });
});

async function waitFor(path: string): Promise<void> {
  await waitForFile(path);
}
