/**
 * `watch:`, a step's evidence collected while the step is on: how it is written and refused (pure), what
 * exercise mode may conclude of a watched step after the fact (pure), and how `lab scenario` and exercise mode
 * run it, against two sshd "nodes" on loopback (the nodes share this machine's file system and processes).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { afterTheFact, exerciseSteps } from '../../src/exercise/plan.js';
import { beginStep, endStep, probe } from '../../src/exercise/probe.js';
import { loadLab } from '../../src/lab/model.js';
import { runScenarios } from '../../src/run/scenarios.js';
import { loadScenario } from '../../src/scenario/catalog.js';
import { lessonOf } from '../../src/scenario/lesson.js';
import { watchOf } from '../../src/scenario/plan.js';
import { SshPool } from '../../src/ssh/pool.js';
import { removeTempDirs, scenarioDir, tempDir } from '../support/scenarios.js';
import { useSshdLab } from '../support/sshd.js';

const repoLab = loadLab(join(import.meta.dirname, '../../lab.yaml'));
afterAll(() => removeTempDirs());

const head = 'name: w\ndescription: a watched step\nsteps:\n';

/** A step that pings, watched on docker0, and checked against what the watch saw. */
const watched = `  - name: test1 pings test2
    on: docker-node1
    run: docker exec test1 ping -c 2 172.17.0.3
    explain: test1 pings test2.
    watch:
      run: tcpdump -l -n -i docker0 icmp
      sudo: true
    check:
      on: docker-node1
      run: cat \${{ watch.output }}
      expect: { stdout: /IP 172\\.17\\.0\\.2 > 172\\.17\\.0\\.3. ICMP echo request/ }
    hint: ping from test1.
`;

function load(body: string, lab = repoLab) {
  const dir = scenarioDir({ 'w.yaml': head + body });
  return loadScenario('w', { scenariosDir: dir, lab });
}

function problems(body: string): { line?: number; field?: string; message: string }[] {
  try {
    load(body);
  } catch (err) {
    if (err instanceof InputError) return err.problems.map((p) => ({ line: p.loc?.line, field: p.loc?.field, message: p.message }));
    throw err;
  }
  return [];
}

describe('loading watch:', () => {
  it("builds the watch on the step's node, as a daemon of the step's lifetime, read by its checks", () => {
    const plan = load(watched);
    const watch = watchOf(plan.steps[0]!)!;
    expect(watch).toMatchObject({
      kind: 'background',
      id: '1.watch',
      name: 'watch: tcpdump -l -n -i docker0 icmp',
      nodes: ['docker-node1'],
      run: 'tcpdump -l -n -i docker0 icmp',
      sudo: true,
      timeoutMs: 10_000,
    });
    expect(watch.slug).toMatch(/^1-watch-/);
  });

  it('refuses a watch without a check, which nothing would read', () => {
    const p = problems('  - run: ping -c 1 x\n    on: docker-node1\n    explain: e\n    watch: { run: tcpdump -l }\n');
    expect(p).toEqual([expect.objectContaining({ field: 'steps[0].watch', message: expect.stringMatching(/give the step a check: that reads/) })]);
  });

  it('asks on which node when the step runs on several, and refuses on: all', () => {
    const several = problems('  - run: ping -c 1 x\n    explain: e\n    watch: { run: tcpdump -l }\n    check: { run: "true" }\n');
    expect(several[0]?.message).toMatch(/say on which node the watch runs/);
    const all = problems('  - run: ping -c 1 x\n    explain: e\n    watch: { on: all, run: tcpdump -l }\n    check: { run: "true" }\n');
    expect(all[0]?.message).toMatch(/a watch runs on one node/);
  });

  it("knows ${{ watch.output }} only in the checks of a watched step, and only on the watch's node", () => {
    const inRun = problems('  - run: cat ${{ watch.output }}\n    explain: e\n');
    expect(inRun[0]?.message).toMatch(/watch.output is known only in the checks of a step with a watch:/);
    const otherNode = problems(
      '  - run: ping -c 1 x\n    on: docker-node1\n    explain: e\n    watch: { run: tcpdump -l }\n    check: { on: docker-node2, run: "cat ${{ watch.output }}" }\n',
    );
    expect(otherNode[0]?.message).toMatch(/a file on docker-node1: it must run there only/);
    const unknown = problems(
      '  - run: ping -c 1 x\n    on: docker-node1\n    explain: e\n    watch: { run: tcpdump -l }\n    check: { run: "cat ${{ watch.file }}", on: docker-node1 }\n',
    );
    expect(unknown[0]?.message).toMatch(/a watch has only .output/);
  });
});

describe('after the fact', () => {
  it('a watched step is unproven (its traffic is gone), a checked one proves, a re-run look is unproven', () => {
    const plan = load(
      `${watched}  - name: the state it left
    on: docker-node1
    run: docker exec test1 ip neigh
    explain: look
    check: { on: docker-node1, run: docker exec test1 ip neigh }
    hint: h
  - name: a look
    on: docker-node1
    run: ip -4 addr show docker0
    explain: look
`,
    );
    expect(exerciseSteps(plan).map(afterTheFact)).toEqual(['unproven', 'proves', 'unproven']);
  });
});

describe('lab scenario and exercise mode run the watch', () => {
  const sshd = useSshdLab();
  const { runIds } = sshd;

  /** A watch that says it is ready, then prints each line appended to m/events; the step appends one. */
  const scenario = (m: string, step: string) => `name: w
description: a watched step
steps:
  - name: the step
    on: docker-node1
    run: ${step}
    explain: e
    watch:
      run: echo $$ > ${m}/watch-pid; echo watching; touch ${m}/events; exec tail -n 0 -F ${m}/events
    check:
      on: docker-node1
      run: cat \${{ watch.output }}
      expect: { stdout: { matches: '/^watching\\nthe student did it$/' } }
      retry: { for: 5s, every: 100ms }
    hint: h
`;

  async function run(step: (m: string) => string) {
    const m = tempDir('docker-lab-m-');
    const dir = scenarioDir({ 'w.yaml': scenario(m, step(m)) });
    const plan = loadScenario('w', { scenariosDir: dir, lab: sshd.lab.lab });
    const out = await runScenarios([lessonOf(plan)], { lab: sshd.lab.lab, targets: sshd.lab.targets, quiet: true, runDir: join(dir, 'runs') });
    runIds.push(...out.results.map((r) => r.runId));
    return { result: out.results[0]!, m };
  }

  function alive(pidFile: string): boolean {
    try {
      process.kill(Number(readFileSync(pidFile, 'utf8')), 0);
      return true;
    } catch {
      return false;
    }
  }

  it('starts the watch before the step, judges the check on what it saw of the step, and stops it after', async () => {
    const { result, m } = await run((m) => `echo "the student did it" >> ${m}/events`);
    expect(result.status).toBe('passed');
    expect(result.steps.map((s) => [s.id, s.kind, s.status])).toEqual([
      ['1.watch', 'background', 'passed'],
      ['1', 'command', 'passed'],
      ['1.check', 'command', 'passed'],
      ['1.watch.stop', 'stop-background', 'passed'],
    ]);
    expect(alive(join(m, 'watch-pid'))).toBe(false);
  });

  it('does not credit a step that did nothing, and stops the watch all the same', async () => {
    const { result, m } = await run(() => 'echo nothing done');
    expect(result.status).toBe('failed');
    expect(result.steps.find((s) => s.id === '1.check')?.status).toBe('failed');
    expect(result.steps.find((s) => s.id === '1.watch.stop')?.status).toBe('passed');
    expect(alive(join(m, 'watch-pid'))).toBe(false);
  });

  it('exercise mode: beginStep starts it, probe judges on it, endStep stops it; with none running probe can not judge', async () => {
    const m = tempDir('docker-lab-m-');
    const dir = scenarioDir({ 'w.yaml': scenario(m, `echo "the student did it" >> ${m}/events`) });
    const [step] = exerciseSteps(loadScenario('w', { scenariosDir: dir, lab: sshd.lab.lab }));
    const pool = await SshPool.open(sshd.lab.targets);
    const runId = `exercise-w-test-${process.pid}`;
    runIds.push(runId);
    try {
      const ctx = { pool, lab: sshd.lab.lab, captures: {} };
      // --check, long after: no watch runs, nothing is judged (afterTheFact calls it unproven).
      expect(await probe(step!, ctx)).toMatchObject({ holds: true, unjudged: true });
      expect(await beginStep(step!, ctx, runId)).toEqual([]);
      expect(alive(join(m, 'watch-pid'))).toBe(true);
      expect((await probe(step!, ctx)).holds).toBe(false);
      await pool.session('docker-node1').exec(`echo "the student did it" >> ${m}/events`, { timeoutMs: 10_000 });
      let verdict = await probe(step!, ctx);
      for (let i = 0; i < 30 && !verdict.holds; i++) {
        await new Promise((r) => setTimeout(r, 100));
        verdict = await probe(step!, ctx);
      }
      expect(verdict.holds).toBe(true);
      await endStep(step!, ctx, runId);
      expect(alive(join(m, 'watch-pid'))).toBe(false);
      expect(await probe(step!, ctx)).toMatchObject({ holds: true, unjudged: true });
    } finally {
      await pool.close();
    }
  });
});
