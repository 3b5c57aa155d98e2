/**
 * The web's face of the exercise session, without a lab: the course's netns steps, a fake checker, the page's
 * buttons as keys. Waits are on the views the page would get, never on the clock.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StepChecker } from '../../src/exercise/checker.js';
import { type ExerciseStep, exerciseSteps } from '../../src/exercise/plan.js';
import type { Verdict } from '../../src/exercise/probe.js';
import { freshProgress, type Progress } from '../../src/exercise/progress.js';
import type { Graph } from '../../src/graph/model.js';
import { loadLab } from '../../src/lab/model.js';
import { SCENARIOS_DIR } from '../../src/paths.js';
import { loadScenario } from '../../src/scenario/catalog.js';
import { graphKey, LiveGraph } from '../../src/web/graph.js';
import { isWebKey, WebCourse, WebExercise, type WebView } from '../../src/web/steps.js';
import { parseTerminalMessage, Scrollback } from '../../src/web/terminals.js';

const lab = loadLab(join(import.meta.dirname, '../../lab.yaml'));
const netns = exerciseSteps(loadScenario('netns', { scenariosDir: SCENARIOS_DIR, lab }));

class FakeChecker implements StepChecker {
  readonly holding = new Set<number>();
  failing = false;
  private verdict(step: ExerciseStep): Verdict {
    return this.holding.has(step.number)
      ? { holds: true, misses: [], captures: {} }
      : { holds: false, misses: [{ what: `step ${step.number}`, node: 'docker-node1', command: 'x', failures: [], observed: 'nothing' }], captures: {} };
  }
  async verify(step: ExerciseStep): Promise<Verdict> {
    if (this.failing) throw new Error('connection lost');
    return this.verdict(step);
  }
  async solve(step: ExerciseStep): Promise<Verdict> {
    this.holding.add(step.number);
    return this.verdict(step);
  }
  async begin(): Promise<[]> {
    return [];
  }
  async end(): Promise<void> {}
}

function exercise(checker: StepChecker, progress: Progress = freshProgress()) {
  const saved: Progress[] = [];
  const views: WebView[] = [];
  const ex = new WebExercise({
    lab,
    scenario: 'netns',
    steps: netns,
    progress,
    checker,
    save: (p) => saved.push(structuredClone(p)),
    now: () => new Date('2026-01-01T00:00:00Z'),
  });
  const waiters: { test: (v: WebView) => boolean; resolve: (v: WebView) => void }[] = [];
  ex.subscribe((v) => {
    views.push(v);
    for (const w of [...waiters]) if (w.test(v)) waiters.splice(waiters.indexOf(w), 1) && w.resolve(v);
  });
  const until = (test: (v: WebView) => boolean) =>
    views.some(test) ? Promise.resolve([...views].reverse().find(test)!) : new Promise<WebView>((resolve) => waiters.push({ test, resolve }));
  return { ex, saved, views, until };
}

const onStep = (n: number, phase?: string) => (v: WebView) => v.kind === 'step' && v.number === n && (!phase || v.phase === phase) && !v.checking;

describe('WebExercise', () => {
  it('shows the step in hand with its commands, and says when it checks', async () => {
    const { ex, views, until } = exercise(new FakeChecker());
    expect(views[0]).toMatchObject({ kind: 'starting' });
    ex.start();
    const v = await until(onStep(1, 'waiting'));
    if (v.kind !== 'step') throw new Error('not a step');
    expect(v.commands).toEqual([{ nodes: ['docker-node1'], text: 'sudo ip netns add test1\nsudo ip netns add test2\nsudo ip netns list' }]);
    expect(v.explain).toContain('network namespace');
    expect(v.status.join('\n')).toContain('Waiting for the step to hold');
    expect(views.some((x) => x.kind === 'step' && x.checking)).toBe(true);
    await ex.stop();
  });

  it('a step typed on the node turns done when polled; the progress file records how', async () => {
    const checker = new FakeChecker();
    const { ex, saved, until } = exercise(checker);
    ex.start();
    await until(onStep(1, 'waiting'));
    checker.holding.add(1);
    const v = await until(onStep(2));
    expect(v).toMatchObject({ notice: expect.stringContaining('✓ step 1 done') });
    expect(saved.at(-1)).toMatchObject({ done: 1, passed: [{ step: 1, how: 'typed' }] });
    await ex.stop();
  });

  it('Enter shows the misses and the hint; solve and back work as the keys S and b', async () => {
    const { ex, saved, until } = exercise(new FakeChecker());
    ex.start();
    await until(onStep(1, 'waiting'));
    ex.press('enter');
    const miss = await until(onStep(1, 'not-yet'));
    expect(miss.kind === 'step' && miss.status.join('\n')).toContain('Hint: Both names');
    ex.press('solve');
    await until(onStep(2));
    expect(saved.at(-1)?.passed).toEqual([{ step: 1, how: 'solved', at: '2026-01-01T00:00:00.000Z' }]);
    ex.press('back');
    await until((v) => v.kind === 'step' && v.number === 1 && v.notice === 'back to step 1');
    await ex.stop();
    expect(saved.at(-1)?.done).toBe(0);
  });

  it('a check that can not reach the lab is a miss that says so, not the end of the session', async () => {
    const checker = new FakeChecker();
    checker.failing = true;
    const { ex, until } = exercise(checker);
    ex.start();
    await until(onStep(1, 'waiting'));
    ex.press('enter');
    const v = await until(onStep(1, 'not-yet'));
    expect(v.kind === 'step' && v.status.join('\n')).toContain('connection lost');
    checker.failing = false;
    checker.holding.add(1);
    await until(onStep(2));
    await ex.stop();
  });

  it('only the three keys of the page pass', () => {
    expect(['enter', 'solve', 'back'].every(isWebKey)).toBe(true);
    for (const k of ['q', '\r', 'S', 'constructor', 'toString', 1]) expect(isWebKey(k)).toBe(false);
  });
});

describe('terminals', () => {
  it('keep a bounded scrollback, the newest bytes', () => {
    const s = new Scrollback(10);
    s.push(Buffer.from('abcdef'));
    s.push(Buffer.from('ghijkl'));
    expect(s.contents().toString()).toBe('cdefghijkl');
    s.push(Buffer.from('0123456789AB'));
    expect(s.contents().toString()).toBe('23456789AB');
  });

  it('take input and sizes from the page, and nothing else', () => {
    expect(parseTerminalMessage('{"type":"input","data":"ls\\r"}')).toEqual({ type: 'input', data: 'ls\r' });
    expect(parseTerminalMessage('{"type":"resize","cols":120,"rows":40}')).toEqual({ type: 'resize', cols: 120, rows: 40 });
    for (const bad of [
      '{"type":"resize","cols":0,"rows":40}',
      '{"type":"resize","cols":1.5,"rows":40}',
      '{"type":"exec","data":"x"}',
      'not json',
      '{"type":"input"}',
    ])
      expect(parseTerminalMessage(bad)).toBeNull();
  });
});

describe('the live graph', () => {
  const graph = (ns: string, at: string) => ({ schema: 'docker-lab/graph@1', lab: 'l', takenAt: at, nodes: [{ name: ns }], edges: [] }) as unknown as Graph;

  it('is drawn again only when what was discovered changed, not its time', async () => {
    let now = graph('a', '1');
    const drawn: string[] = [];
    const live = new LiveGraph(
      async () => now,
      async (g) => {
        drawn.push(g.nodes[0]!.name);
        return `<svg>${g.nodes[0]!.name}</svg>`;
      },
      () => {},
    );
    const versions: number[] = [];
    live.subscribe((v) => versions.push(v));
    expect(live.current()).toBeNull();
    await live.refresh();
    now = graph('a', '2');
    await live.refresh();
    expect(live.current()).toEqual({ version: 1, svg: '<svg>a</svg>' });
    now = graph('b', '3');
    await live.refresh();
    expect(live.current()).toEqual({ version: 2, svg: '<svg>b</svg>' });
    expect(drawn).toEqual(['a', 'b']);
    expect(versions).toEqual([1, 2]);
    expect(graphKey(graph('a', '1'))).toBe(graphKey(graph('a', '9')));
  });
});

describe('WebCourse: the lesson in hand, and the choice of another', () => {
  const choices = [
    { name: 'netns', description: 'namespaces' },
    { name: 'broken', description: 'cannot start' },
  ];

  it('offers only its lessons; a choice starts the exercise, null ends it (saved) and offers the choice again', async () => {
    const saved: Progress[] = [];
    const course = new WebCourse(choices, async (name) => {
      if (name === 'broken') throw new Error('needs Docker < 23');
      return new WebExercise({
        lab,
        scenario: name,
        steps: netns,
        progress: freshProgress(),
        checker: new FakeChecker(),
        save: (p) => saved.push(structuredClone(p)),
        now: () => new Date(),
      });
    });
    const views: WebView[] = [];
    course.subscribe((v) => views.push(v));
    expect(views[0]).toEqual({ kind: 'choose', scenarios: choices });
    expect(course.offers('netns')).toBe(true);
    expect(course.offers('../etc/passwd')).toBe(false);
    await course.choose('../etc/passwd');
    expect(views).toHaveLength(1);

    await course.choose('netns');
    expect(views.some((v) => v.kind === 'starting' && v.scenario === 'netns')).toBe(true);
    await new Promise<void>((resolve) => {
      course.subscribe((v) => {
        if (v.kind === 'step' && v.number === 1) resolve();
      });
    });
    const savedBefore = saved.length;
    await course.choose(null);
    expect(saved.length).toBeGreaterThan(savedBefore); // quit saves
    expect(views.at(-1)).toEqual({ kind: 'choose', scenarios: choices });

    await course.choose('broken');
    expect(views.at(-1)).toEqual({ kind: 'error', scenario: 'broken', message: 'needs Docker < 23' });
    await course.stop();
  });
});
