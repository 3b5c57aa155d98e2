/**
 * The exercise in the browser: the same session as `lab exercise` (session.ts: steps, polls about once a
 * second, keys, progress saved through progress.ts), fed with the page's buttons as keys and seen through its
 * `view` as data for the page. Progress is the same file, so a student switches between the two freely.
 */
import { EventEmitter } from 'node:events';
import type { StepChecker } from '../exercise/checker.js';
import type { CommandBlock, ExerciseStep } from '../exercise/plan.js';
import type { Miss, Verdict } from '../exercise/probe.js';
import type { Progress } from '../exercise/progress.js';
import { type Phase, phaseLines } from '../exercise/screen.js';
import { exerciseSession, type SessionView } from '../exercise/session.js';
import { subjectsOf } from '../graph/subjects.js';
import type { Lab } from '../lab/model.js';

/** The buttons of the page, as the session's keys: check now / go on, run the solution, back. */
export const WEB_KEYS = { enter: '\r', solve: 'S', back: 'b' } as const;
export type WebKey = keyof typeof WEB_KEYS;

export function isWebKey(k: unknown): k is WebKey {
  return typeof k === 'string' && Object.hasOwn(WEB_KEYS, k);
}

/** What the page shows of the exercise: JSON on the steps websocket. */
export type WebView =
  | { kind: 'starting'; scenario: string; message: string }
  | {
      kind: 'step';
      scenario: string;
      total: number;
      number: number;
      title: string;
      explain: string | null;
      hint: string | null;
      part: ExerciseStep['part'];
      verify: ExerciseStep['verify']['kind'];
      commands: CommandBlock[];
      phase: Phase['kind'];
      /** The phase in words, as the terminal's screen says it (with the misses and the hint when not yet). */
      status: string[];
      notice: string | null;
      record: string | null;
      /** A check (or the solution) is running on the nodes now. */
      checking: boolean;
      /** The picture's classes of what the step's commands name (graph/subjects.ts): marked in the network drawn. */
      subjects: string[];
    }
  | { kind: 'done'; scenario: string; total: number; notice: string | null; record: string }
  | { kind: 'error'; scenario: string; message: string }
  /** No lesson in hand: the lessons to choose from. */
  | { kind: 'choose'; scenarios: Choice[] };

/** A lesson the page offers: a scenario that is written as an exercise. */
export interface Choice {
  name: string;
  description: string;
}

/** The session's view as the page gets it. Pure. */
export function webView(v: SessionView, checking: boolean): WebView {
  if (v.kind === 'done') return v;
  const { step } = v;
  return {
    kind: 'step',
    scenario: v.scenario,
    total: v.total,
    number: step.number,
    title: step.title,
    explain: step.explain,
    hint: step.hint,
    part: step.part,
    verify: step.verify.kind,
    commands: v.commands,
    phase: v.phase.kind,
    status: phaseLines(v),
    notice: v.notice,
    record: v.record ?? null,
    checking,
    subjects: subjectsOf(v.commands.map((b) => b.text).join('\n')),
  };
}

/** Keys for the session: an emitter, as process.stdin is one. */
class PageKeys extends EventEmitter {
  resume(): this {
    return this;
  }
  pause(): this {
    return this;
  }
}

export interface WebExerciseOptions {
  lab: Lab;
  scenario: string;
  steps: ExerciseStep[];
  progress: Progress;
  checker: StepChecker;
  save(progress: Progress): void;
  now(): Date;
}

export class WebExercise {
  private readonly keys = new PageKeys();
  private latest: WebView;
  private session: SessionView | null = null;
  private checking = false;
  private readonly watchers = new Set<(v: WebView) => void>();
  private running: Promise<void> | null = null;
  private ended = false;

  constructor(private readonly o: WebExerciseOptions) {
    this.latest = {
      kind: 'starting',
      scenario: o.scenario,
      message: o.progress.done > 0 ? `checking again the steps done before step ${o.progress.done + 1} …` : 'starting …',
    };
  }

  start(): void {
    this.running ??= exerciseSession({
      lab: this.o.lab,
      scenario: this.o.scenario,
      steps: this.o.steps,
      mode: 'guided',
      progress: this.o.progress,
      checker: this.watched(this.o.checker),
      save: this.o.save,
      now: this.o.now,
      input: this.keys,
      output: { write: () => true },
      view: (v) => {
        this.session = v;
        this.publish(webView(v, this.checking));
      },
    }).then(
      () => {
        this.ended = true;
      },
      (err: unknown) => {
        this.ended = true;
        this.publish({ kind: 'error', scenario: this.o.scenario, message: (err as Error).message });
      },
    );
  }

  /** A button of the page. */
  press(key: WebKey): void {
    if (!this.ended) this.keys.emit('data', Buffer.from(WEB_KEYS[key]));
  }

  /** Calls `watch` with the view now and at every change, until the returned function is called. */
  subscribe(watch: (v: WebView) => void): () => void {
    this.watchers.add(watch);
    watch(this.latest);
    return () => this.watchers.delete(watch);
  }

  /** Ends the session as `q` does: the progress saved, the step's watch stopped. */
  async stop(): Promise<void> {
    if (this.running && !this.ended) this.keys.emit('data', Buffer.from('q'));
    await this.running;
  }

  private publish(v: WebView): void {
    this.latest = v;
    for (const watch of this.watchers) watch(v);
  }

  private setChecking(on: boolean): void {
    this.checking = on;
    if (this.session && this.latest.kind === 'step') this.publish(webView(this.session, on));
  }

  /**
   * The checker with the page told when a check runs ("checking…"). A check that can not reach the lab is a
   * miss that says so (the session goes on polling), not an end of the session.
   */
  private watched(checker: StepChecker): StepChecker {
    const run = async (what: string, f: () => Promise<Verdict>): Promise<Verdict> => {
      this.setChecking(true);
      try {
        return await f();
      } catch (err) {
        const miss: Miss = { what, node: 'the lab', command: '', failures: [], observed: '', error: (err as Error).message };
        return { holds: false, misses: [miss], captures: {} };
      } finally {
        this.setChecking(false);
      }
    };
    return {
      verify: (step, captures) => run('the check could not run', () => checker.verify(step, captures)),
      solve: (step, captures) => run('the solution could not run', () => checker.solve(step, captures)),
      begin: (step, captures) => checker.begin(step, captures),
      end: (step) => checker.end(step),
    };
  }
}

/**
 * The lesson in hand, and the choice of another: the page's one stream of views, whichever exercise runs. A
 * new choice ends the exercise in hand first (its progress saved, as `q` does). Choices are taken one at a time.
 */
export class WebCourse {
  private current: WebExercise | null = null;
  private unsubscribe: () => void = () => {};
  private latest: WebView;
  private readonly watchers = new Set<(v: WebView) => void>();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly choices: readonly Choice[],
    private readonly make: (scenario: string) => Promise<WebExercise>,
  ) {
    this.latest = { kind: 'choose', scenarios: [...choices] };
  }

  /** Whether `name` is one of the lessons offered (the page names nothing else). */
  offers(name: unknown): name is string {
    return typeof name === 'string' && this.choices.some((c) => c.name === name);
  }

  /** Starts the lesson `scenario`, or with null goes back to the choice; resolves once done. */
  choose(scenario: string | null): Promise<void> {
    if (scenario !== null && !this.offers(scenario)) return Promise.resolve();
    this.queue = this.queue.then(() => this.switchTo(scenario));
    return this.queue;
  }

  private async switchTo(scenario: string | null): Promise<void> {
    const previous = this.current;
    this.current = null;
    this.unsubscribe();
    this.unsubscribe = () => {};
    await previous?.stop();
    if (scenario === null) return this.publish({ kind: 'choose', scenarios: [...this.choices] });
    this.publish({ kind: 'starting', scenario, message: 'reaching the lab …' });
    try {
      const exercise = await this.make(scenario);
      this.current = exercise;
      this.unsubscribe = exercise.subscribe((v) => this.publish(v));
      exercise.start();
    } catch (err) {
      this.publish({ kind: 'error', scenario, message: (err as Error).message });
    }
  }

  press(key: WebKey): void {
    this.current?.press(key);
  }

  subscribe(watch: (v: WebView) => void): () => void {
    this.watchers.add(watch);
    watch(this.latest);
    return () => this.watchers.delete(watch);
  }

  async stop(): Promise<void> {
    await this.queue;
    this.unsubscribe();
    await this.current?.stop();
    this.current = null;
  }

  private publish(v: WebView): void {
    this.latest = v;
    for (const watch of this.watchers) watch(v);
  }
}
