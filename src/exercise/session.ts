/**
 * The interactive exercise: one step on screen, its check polled about once a second until it holds, keys
 * for the student. Events (a key, a poll) are handled one at a time, so a check never overlaps another. The
 * lab is reached only through a StepChecker, the time only through `now`, the disk only through `save`.
 */
import type { Lab } from '../lab/model.js';
import type { StepChecker } from './checker.js';
import { afterTheFact, commandBlocks, type ExerciseStep, looksOnly } from './plan.js';
import type { Miss, Verdict } from './probe.js';
import { type HowPassed, type Progress, recordPass } from './progress.js';
import { describeMiss, type Mode, type Phase, renderScreen, type ScreenState } from './screen.js';
import { passLine } from './standing.js';

const POLL_MS = 1_000;

export type SessionEvent = { kind: 'key'; key: string } | { kind: 'poll' };

/** The keys: the process's terminal, put in raw mode while the session runs. */
export interface KeyInput {
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  off(event: 'data', listener: (data: Buffer) => void): unknown;
  resume(): unknown;
  pause(): unknown;
  setRawMode?(raw: boolean): unknown;
}

export interface SessionOptions {
  /** For the commands shown: the lab's node names and addresses. */
  lab: Lab;
  scenario: string;
  steps: ExerciseStep[];
  mode: Mode;
  progress: Progress;
  checker: StepChecker;
  /** Keeps the progress where the next session finds it (every step, back, quit). */
  save(progress: Progress): void;
  now(): Date;
  input: KeyInput;
  output: { write(text: string): unknown };
  /** The events: keys from `input` and the polls; by default polled every second. */
  events?: EventQueue;
  /**
   * What is on screen, as data, each time it is drawn (another face than the terminal's, `lab web`, shows it its
   * own way); `done` when every step is done.
   */
  view?(view: SessionView): void;
}

/** What the session shows: the step in hand, as the screen is drawn from it, or the end. */
export type SessionView = ({ kind: 'step' } & ScreenState) | { kind: 'done'; scenario: string; total: number; notice: string | null; record: string };

/** Runs until the student quits (q, Ctrl-C) or every step is done. Progress is saved at every step. */
export async function exerciseSession(o: SessionOptions): Promise<'quit' | 'done'> {
  const queue = o.events ?? new EventQueue();
  const onData = (data: Buffer) => {
    for (const ch of data.toString('utf8')) queue.push({ kind: 'key', key: ch });
  };
  o.input.setRawMode?.(true);
  o.input.on('data', onData);
  o.input.resume();
  const state = new StepState(o);
  try {
    if (o.progress.done >= o.steps.length) {
      o.view?.({ kind: 'done', scenario: o.scenario, total: o.steps.length, notice: null, record: passLine(o.steps, o.progress) });
      o.output.write(`\x1b[2J\x1b[H${o.scenario}: all ${o.steps.length} steps are done. (lab exercise ${o.scenario} --reset starts again)\n`);
      return 'done';
    }
    if (o.progress.done > 0)
      o.output.write(`\x1b[2J\x1b[H${o.scenario}: checking again the steps done before step ${o.steps[o.progress.done]!.number} ...\r\n`);
    const gone = await recheckEarlier(o.steps, o.progress, o.checker);
    if (gone) o.progress.updated = o.now().toISOString();
    await state.arrive(gone ? goneNotice(gone) : null);
    for (;;) {
      if (state.pollable()) queue.pollAfter(POLL_MS);
      else queue.cancelPoll();
      const event = await queue.next();
      const outcome = await state.handle(event);
      if (outcome === 'quit') {
        o.save(o.progress);
        await state.leave();
      }
      if (outcome !== 'continue') return outcome;
    }
  } finally {
    queue.cancelPoll();
    // The session failed with a step on screen: its watch is stopped all the same (an error here would hide the first).
    await state.leave().catch(() => undefined);
    o.input.off('data', onData);
    o.input.setRawMode?.(false);
    o.input.pause();
  }
}

/** An earlier step that no longer holds when the student comes back: where the session resumes. */
export interface GoneStep {
  step: ExerciseStep;
  misses: Miss[];
}

/**
 * On resume at step k > 0: the earlier steps whose check proves the work after the fact are verified again,
 * in order, and the first that no longer holds becomes the step in hand (the progress is moved back there).
 * Only steps of the same part as the step in hand: the lesson's teardown takes the lesson's state away.
 */
export async function recheckEarlier(steps: readonly ExerciseStep[], progress: Progress, checker: StepChecker): Promise<GoneStep | null> {
  const inHand = steps[progress.done];
  if (progress.done === 0 || !inHand) return null;
  for (const [i, step] of steps.slice(0, progress.done).entries()) {
    if (step.part !== inHand.part || afterTheFact(step) !== 'proves') continue;
    const verdict = await checker.verify(step, progress.captures);
    if (!verdict.holds) {
      progress.done = i;
      return { step, misses: verdict.misses };
    }
    Object.assign(progress.captures, verdict.captures);
  }
  return null;
}

function goneNotice(gone: GoneStep): string {
  return [`↺ step ${gone.step.number} no longer holds, so you are back there: ${gone.step.title}`, ...gone.misses.flatMap(describeMiss)].join('\n');
}

const DONE_NOTICE: Record<HowPassed, string> = {
  typed: 'done',
  solved: 'done for you',
  there: 'was already done',
  confirmed: 'confirmed',
};

class StepState {
  private phase: Phase = { kind: 'waiting' };
  private showSolution = false;
  private notice: string | null = null;
  /** The step begun (on screen) and not yet ended. */
  private begun: ExerciseStep | null = null;

  constructor(private readonly o: SessionOptions) {}

  private get index(): number {
    return this.o.progress.done;
  }

  private get step(): ExerciseStep {
    return this.o.steps[this.index]!;
  }

  pollable(): boolean {
    return this.step.verify.kind !== 'confirm' && (this.phase.kind === 'waiting' || this.phase.kind === 'not-yet');
  }

  /** A step comes on screen: saved as the place to resume, begun, and checked once at once (it may already hold). */
  async arrive(notice: string | null): Promise<void> {
    this.o.save(this.o.progress);
    this.showSolution = false;
    // "Waiting" (polled, Enter checks) is said only once the first look is over: until then a key waits its turn.
    this.phase = this.step.verify.kind === 'confirm' ? { kind: 'waiting' } : { kind: 'arriving' };
    this.begun = this.step;
    const unwatched = await this.o.checker.begin(this.step, this.o.progress.captures);
    this.notice = [
      ...(notice ? [notice] : []),
      ...(unwatched.length ? ['(what this step does could not be watched as it happens:)', ...unwatched.flatMap(describeMiss)] : []),
    ].join('\n');
    this.draw();
    if (this.step.verify.kind === 'confirm') return;
    const verdict = await this.verify();
    this.phase = verdict.holds ? { kind: 'held-on-arrival' } : { kind: 'waiting' };
    this.draw();
  }

  /** The student leaves the step on screen (or the session ends): its watch stops. Idempotent. */
  async leave(): Promise<void> {
    const step = this.begun;
    this.begun = null;
    if (step) await this.o.checker.end(step);
  }

  async handle(event: SessionEvent): Promise<'continue' | 'quit' | 'done'> {
    if (event.kind === 'poll') {
      if (!this.pollable()) return 'continue';
      const verdict = await this.verify();
      return verdict.holds ? this.advance('typed') : 'continue';
    }
    switch (event.key) {
      case 'q':
      case '\u0003': // Ctrl-C in raw mode
        return 'quit';
      case 's':
        this.showSolution = !this.showSolution;
        this.draw();
        return 'continue';
      case 'b':
        if (this.index > 0) {
          await this.leave();
          this.o.progress.done -= 1;
          this.o.progress.updated = this.o.now().toISOString();
          await this.arrive(`back to step ${this.step.number}`);
        }
        return 'continue';
      case 'S': {
        this.phase = { kind: 'running-solution' };
        this.draw();
        const ran = await this.o.checker.solve(this.step, this.o.progress.captures);
        Object.assign(this.o.progress.captures, ran.captures);
        // A confirm step has nothing to verify: its solution holding is all there is.
        const verdict = ran.holds && this.step.verify.kind !== 'confirm' ? await this.verify() : ran;
        if (verdict.holds) return this.advance('solved');
        this.phase = { kind: 'not-yet', misses: verdict.misses, bySolution: true };
        this.draw();
        return 'continue';
      }
      case '\r':
      case '\n': {
        if (this.step.verify.kind === 'confirm') return this.advance('confirmed');
        // A step that only looks holds on any lab: the student's Enter says they read it.
        if (this.phase.kind === 'held-on-arrival') return this.advance(looksOnly(this.step) ? 'confirmed' : 'there');
        const verdict = await this.verify();
        if (verdict.holds) return this.advance('typed');
        this.phase = { kind: 'not-yet', misses: verdict.misses, bySolution: false };
        this.draw();
        return 'continue';
      }
      default:
        return 'continue';
    }
  }

  private async advance(how: HowPassed): Promise<'continue' | 'done'> {
    const step = this.step;
    recordPass(this.o.progress, step.number, how, this.o.now());
    await this.leave();
    this.o.progress.done += 1;
    const notice = `✓ step ${step.number} ${DONE_NOTICE[how]}: ${step.title}`;
    if (this.index >= this.o.steps.length) {
      this.o.save(this.o.progress);
      this.o.view?.({ kind: 'done', scenario: this.o.scenario, total: this.o.steps.length, notice, record: passLine(this.o.steps, this.o.progress) });
      this.o.output.write(
        `\x1b[2J\x1b[H${notice}\n\nAll ${this.o.steps.length} steps of ${this.o.scenario} are done.\n${passLine(this.o.steps, this.o.progress)}\n`,
      );
      return 'done';
    }
    await this.arrive(notice);
    return 'continue';
  }

  private async verify(): Promise<Verdict> {
    const verdict = await this.o.checker.verify(this.step, this.o.progress.captures);
    if (verdict.holds) Object.assign(this.o.progress.captures, verdict.captures);
    return verdict;
  }

  private draw(): void {
    const state: ScreenState = {
      scenario: this.o.scenario,
      total: this.o.steps.length,
      step: this.step,
      commands: commandBlocks(this.o.lab, this.step, this.o.progress.captures),
      mode: this.o.mode,
      showSolution: this.showSolution,
      phase: this.phase,
      notice: this.notice || null,
      record: this.index > 0 ? passLine(this.o.steps, this.o.progress) : null,
    };
    this.o.view?.({ kind: 'step', ...state });
    const screen = renderScreen(state);
    // Raw mode does not turn \n into \r\n.
    this.o.output.write(`\x1b[2J\x1b[H${screen.replace(/\n/g, '\r\n')}`);
  }
}

/**
 * Keys as they come, and at most one pending poll; `next` waits for whichever is first. `schedule` starts the
 * timer of a poll and gives back how to cancel it (a test schedules none and sends the polls itself).
 */
export class EventQueue {
  private readonly events: SessionEvent[] = [];
  private waiter: ((e: SessionEvent) => void) | null = null;
  private cancel: (() => void) | null = null;
  private idle: (() => void)[] = [];

  constructor(private readonly schedule: (fire: () => void, ms: number) => () => void = realTimer) {}

  push(e: SessionEvent): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w(e);
    } else this.events.push(e);
  }

  pollAfter(ms: number): void {
    this.cancel?.();
    this.cancel = this.schedule(() => {
      this.cancel = null;
      this.push({ kind: 'poll' });
    }, ms);
  }

  /** Whether a poll is scheduled and not yet sent. */
  get pollPending(): boolean {
    return this.cancel !== null;
  }

  next(): Promise<SessionEvent> {
    const e = this.events.shift();
    if (e) return Promise.resolve(e);
    for (const resolve of this.idle.splice(0)) resolve();
    return new Promise((resolve) => (this.waiter = resolve));
  }

  /** Resolves the next time the session waits with nothing queued: every event pushed before was handled. */
  drained(): Promise<void> {
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** A poll scheduled and not yet sent is not sent. */
  cancelPoll(): void {
    this.cancel?.();
    this.cancel = null;
  }
}

function realTimer(fire: () => void, ms: number): () => void {
  const timer = setTimeout(fire, ms);
  return () => clearTimeout(timer);
}
