/**
 * The record of how each step passed, and the teacher's view built from it and from what each lab's state
 * shows. Pure: no node, no lab up.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ago, CLASS_FORMAT, classExitCode, classReport, classRow, type LabFinding, renderClass } from '../../src/exercise/class.js';
import { exerciseSteps } from '../../src/exercise/plan.js';
import { freshProgress, loadProgress, type Progress, parseProgress, recordPass, saveProgress } from '../../src/exercise/progress.js';
import { passLine, passMarks } from '../../src/exercise/standing.js';
import { stampedLabs } from '../../src/fleet/fleet.js';
import { loadLab } from '../../src/lab/model.js';
import { SCENARIOS_DIR } from '../../src/paths.js';
import { loadScenario } from '../../src/scenario/catalog.js';
import { inProcess } from '../support/in-process.js';

const lab = loadLab(join(import.meta.dirname, '../../lab.yaml'));
const netns = exerciseSteps(loadScenario('netns', { scenariosDir: SCENARIOS_DIR, lab }));
const NOW = new Date('2026-12-06T09:30:00Z');

/** Progress at step index `done`, each step before passed `how` (by index), a minute apart up to `last`. */
function progressOf(hows: Progress['passed'][number]['how'][], last: string): Progress {
  const p = freshProgress();
  hows.forEach((how, i) => {
    recordPass(p, netns[i]!.number, how, new Date(Date.parse(last) - (hows.length - 1 - i) * 60_000));
  });
  p.done = hows.length;
  return p;
}

describe('how each step passed', () => {
  it('records the latest pass of each step, by number, and when the progress changed', () => {
    const p = freshProgress();
    recordPass(p, 1, 'there', new Date('2026-12-06T09:00:00Z'));
    recordPass(p, 3, 'typed', new Date('2026-12-06T09:05:00Z'));
    recordPass(p, 1, 'solved', new Date('2026-12-06T09:07:00Z'));
    expect(p.passed).toEqual([
      { step: 1, how: 'solved', at: '2026-12-06T09:07:00.000Z' },
      { step: 3, how: 'typed', at: '2026-12-06T09:05:00.000Z' },
    ]);
    expect(p.updated).toBe('2026-12-06T09:07:00.000Z');
  });

  it('loads a progress file written before the record ({done, captures}), and refuses what is not progress', () => {
    expect(parseProgress('{"done": 3, "captures": {"demo_id": "abc"}}', 15)).toEqual({ done: 3, captures: { demo_id: 'abc' }, passed: [], updated: null });
    expect(parseProgress('{"done": 99, "captures": {}}', 15)!.done).toBe(15);
    expect(parseProgress('{"done": 1, "captures": {}, "passed": [{"step": 1, "how": "guessed", "at": "x"}]}', 15)).toBeNull();
    expect(parseProgress('not json', 15)).toBeNull();
  });

  it('saves and loads it back; a fresh start is a new object each time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exercise-progress-'));
    const here = { ...lab, dir };
    const p = progressOf(['typed', 'confirmed'], '2026-12-06T09:00:00Z');
    saveProgress(here, 'netns', p);
    expect(loadProgress(here, 'netns', netns.length)).toEqual(p);
    const fresh = loadProgress(here, 'overlay', 19);
    fresh.done = 4;
    expect(loadProgress(here, 'overlay', 19).done).toBe(0);
    writeFileSync(join(dir, '.docker-lab', 'exercise', 'netns.json'), '{"done": 2, "captures": {}}');
    expect(passMarks(netns, loadProgress(here, 'netns', netns.length))).toBe('??.............');
  });

  it('shows one mark a step, only for the steps before the one in hand', () => {
    const p = progressOf(['there', 'confirmed', 'typed', 'solved'], '2026-12-06T09:00:00Z');
    expect(passMarks(netns, p)).toBe('=cts...........');
    p.done = 2; // the student went back: 3 and 4 are to pass again
    expect(passMarks(netns, p)).toBe('=c.............');
    expect(passLine(netns, p)).toBe(
      'passed: =c.............  (t typed · s solved with S · = already there · c confirmed · ? passed, how not recorded · . not yet)',
    );
  });
});

describe("the teacher's view", () => {
  const findings: LabFinding[] = [
    { lab: 'docker-lab-01', kind: 'checked', done: 4, progress: progressOf(['typed', 'confirmed', 'typed', 'solved'], '2026-12-06T09:28:00Z') },
    {
      lab: 'docker-lab-02',
      kind: 'checked',
      done: 12,
      progress: progressOf(
        ['there', 'confirmed', 'typed', 'typed', 'typed', 'confirmed', 'typed', 'confirmed', 'confirmed', 'confirmed', 'confirmed', 'confirmed'],
        '2026-12-06T09:29:20Z',
      ),
    },
    { lab: 'docker-lab-03', kind: 'checked', done: 0, progress: null },
    { lab: 'docker-lab-04', kind: 'not-up', why: 'no SSH addresses recorded under /course/labs/docker-lab-04/.vagrant (`lab up --count 4` brings it up)' },
  ];
  const report = classReport(
    'netns',
    netns,
    findings.map((f) => classRow(netns, f)),
  );

  it('makes a row per lab: done from the state, the step in hand and the record from the saved progress', () => {
    expect(report.labs[0]).toEqual({
      lab: 'docker-lab-01',
      state: 'checked',
      problem: null,
      done: 4,
      lesson: 12,
      finished: false,
      inHand: { number: 5, title: 'sudo ip link set veth-test1 netns test1 (and veth-test2 into test2)' },
      passed: [
        { step: 1, how: 'typed', at: '2026-12-06T09:25:00.000Z' },
        { step: 2, how: 'confirmed', at: '2026-12-06T09:26:00.000Z' },
        { step: 3, how: 'typed', at: '2026-12-06T09:27:00.000Z' },
        { step: 4, how: 'solved', at: '2026-12-06T09:28:00.000Z' },
      ],
      marks: 'tcts...........',
      updated: '2026-12-06T09:28:00.000Z',
    });
    expect(report.labs[1]).toMatchObject({ done: 12, finished: true, inHand: { number: 14, title: 'sudo ip netns delete test1 / test2' } });
    expect(report.labs[2]).toMatchObject({ done: 0, finished: false, inHand: null, marks: null, passed: [], updated: null });
    expect(report.labs[3]).toMatchObject({ state: 'not-up', done: null, finished: false, problem: expect.stringContaining('no SSH addresses') });
  });

  it('counts a lab finished when the state shows every lesson step, or the progress passed every step (the teardown too)', () => {
    const all = progressOf(
      netns.map(() => 'typed'),
      '2026-12-06T09:00:00Z',
    );
    // after the teardown the state shows nothing of the lesson
    expect(classRow(netns, { lab: 'a', kind: 'checked', done: 0, progress: all })).toMatchObject({ finished: true, inHand: null });
    expect(classRow(netns, { lab: 'b', kind: 'unchecked', why: 'connection refused', progress: all })).toMatchObject({ finished: true, done: null });
    expect(classExitCode(report.labs)).toBe(1);
    expect(classExitCode([classRow(netns, { lab: 'a', kind: 'checked', done: 12, progress: null })])).toBe(0);
  });

  it('renders the table a teacher reads', () => {
    expect(renderClass(report, NOW)).toBe(
      [
        'netns on 4 labs: 1 finished',
        'lab            done     in hand                                     passed           last change',
        'docker-lab-01  4/12     5 sudo ip link set veth-test1 netns test1…  tcts...........  2 min ago',
        'docker-lab-02  12/12 ✓  14 sudo ip netns delete test1 / test2       =ctttctccccc...  40 s ago',
        'docker-lab-03  0/12     (not begun)                                 -                -',
        'docker-lab-04  not up: no SSH addresses recorded under /course/labs/docker-lab-04/.vagrant (`lab up --count 4` brings it up)',
        'passed: t typed · s solved with S · = already there · c confirmed · ? passed, how not recorded · . not yet',
        '',
      ].join('\n'),
    );
  });

  it('says a lab that is up but could not be checked, with its record', () => {
    const row = classRow(netns, { lab: 'docker-lab-05', kind: 'unchecked', why: 'docker-node2: connection refused', progress: null });
    expect(renderClass(classReport('netns', netns, [row]), NOW)).toContain(
      'docker-lab-05  ?     (not begun)  -       -  (not checked: docker-node2: connection refused)',
    );
  });

  it('gives scripts docker-lab/class@1', () => {
    const json = JSON.parse(JSON.stringify(report));
    expect(json.format).toBe(CLASS_FORMAT);
    expect(CLASS_FORMAT).toBe('docker-lab/class@1');
    expect(Object.keys(json)).toEqual(['format', 'scenario', 'steps', 'legend', 'labs']);
    expect(json.steps[0]).toEqual({ number: 1, title: 'sudo ip netns add test1 / test2', part: 'lesson' });
    expect(json.steps.at(-1)).toEqual({ number: 16, title: 'and the veth pair went with them', part: 'teardown' });
    expect(Object.keys(json.labs[0]).sort()).toEqual(['done', 'finished', 'inHand', 'lab', 'lesson', 'marks', 'passed', 'problem', 'state', 'updated']);
  });

  it('dates the last change from now', () => {
    expect(ago('2026-12-06T09:29:58Z', NOW)).toBe('just now');
    expect(ago('2026-12-06T09:29:20Z', NOW)).toBe('40 s ago');
    expect(ago('2026-12-06T09:18:00Z', NOW)).toBe('12 min ago');
    expect(ago('2026-12-06T06:00:00Z', NOW)).toBe('3 h ago');
    expect(ago('2026-12-01T06:00:00Z', NOW)).toBe('2026-12-01');
  });

  it("finds the fleet's labs where `up --count` stamps them, writing nothing", () => {
    const labs = stampedLabs(lab, 3);
    expect(labs.map((l) => [l.name, l.dir, l.network.cidr])).toEqual([
      ['docker-lab-01', join(lab.dir, 'labs', 'docker-lab-01'), '192.168.205.0/24'.replace('205', String(lab.network.cidr.split('.')[2]))],
      ['docker-lab-02', join(lab.dir, 'labs', 'docker-lab-02'), expect.any(String)],
      ['docker-lab-03', join(lab.dir, 'labs', 'docker-lab-03'), expect.any(String)],
    ]);
  });
});

describe('lab exercise NAME --check --count N', () => {
  const dir = mkdtempSync(join(tmpdir(), 'exercise-class-'));
  const file = join(dir, 'lab.yaml');
  writeFileSync(file, readFileSync(join(import.meta.dirname, '../../lab.yaml'), 'utf8'));

  it('gives a lab that is not up a row that says so, and exits 1', async () => {
    const r = await inProcess('exercise', 'netns', '--check', '--count', '2', '--lab', file);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('netns on 2 labs: 0 finished');
    expect(r.stdout).toContain(`docker-lab-02  not up: no SSH addresses recorded under ${join(dir, 'labs', 'docker-lab-02')}/.vagrant`);
  });

  it('--reporter json prints docker-lab/class@1', async () => {
    const r = await inProcess('exercise', 'netns', '--check', '--count', '2', '--reporter', 'json', '--lab', file);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ format: 'docker-lab/class@1', scenario: 'netns' });
    expect(report.labs.map((l: { lab: string; state: string }) => [l.lab, l.state])).toEqual([
      ['docker-lab-01', 'not-up'],
      ['docker-lab-02', 'not-up'],
    ]);
  });

  it('refuses --count or --reporter without --check, and an unknown scenario (exit 2)', async () => {
    expect((await inProcess('exercise', 'netns', '--count', '2', '--lab', file)).code).toBe(2);
    expect((await inProcess('exercise', 'netns', '--reporter', 'json', '--lab', file)).code).toBe(2);
    expect((await inProcess('exercise', 'nosuch', '--check', '--count', '2', '--lab', file)).code).toBe(2);
    expect((await inProcess('exercise', 'netns', '--check', '--count', '0', '--lab', file)).code).toBe(2);
  });
});
