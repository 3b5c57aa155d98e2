/**
 * The interactive exercise: one step on screen, its check polled about once a second until it holds, keys
 * for the student. Events (a key, a poll) are handled one at a time, so a check never overlaps another.
 */
import type { Lab } from '../lab/model.js';
import type { SshPool } from '../ssh/pool.js';
import { commandBlocks, type ExerciseStep } from './plan.js';
import { probe, runSolution, type Verdict } from './probe.js';
import { type Progress, saveProgress } from './progress.js';
import { type Mode, type Phase, renderScreen } from './screen.js';

const POLL_MS = 1_000;

type Event = { kind: 'key'; key: string } | { kind: 'poll' };

export interface SessionOptions {
  lab: Lab;
  pool: SshPool;
  scenario: string;
  steps: ExerciseStep[];
  mode: Mode;
  progress: Progress;
  /** The keys and the screen: the process's terminal, in raw mode. */
  input: NodeJS.ReadStream;
  output: NodeJS.WriteStream;
  runId: string;
}

/** Runs until the student quits (q, Ctrl-C) or every step is done. Progress is saved at every step. */
export async function exerciseSession(o: SessionOptions): Promise<'quit' | 'done'> {
  const queue = new EventQueue();
  const onData = (data: Buffer) => {
    for (const ch of data.toString('utf8')) queue.push({ kind: 'key', key: ch });
  };
  o.input.setRawMode?.(true);
  o.input.on('data', onData);
  o.input.resume();
  const state = new StepState(o);
  try {
    if (o.progress.done >= o.steps.length) {
      o.output.write(`\x1b[2J\x1b[H${o.scenario}: all ${o.steps.length} steps are done. (lab exercise ${o.scenario} --reset starts again)\n`);
      return 'done';
    }
    await state.arrive(null);
    for (;;) {
      if (state.pollable()) queue.pollAfter(POLL_MS);
      const event = await queue.next();
      const outcome = await state.handle(event);
      if (outcome !== 'continue') return outcome;
    }
  } finally {
    queue.stop();
    o.input.off('data', onData);
    o.input.setRawMode?.(false);
    o.input.pause();
  }
}

class StepState {
  private phase: Phase = { kind: 'waiting' };
  private showSolution = false;
  private notice: string | null = null;

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

  /** A step comes on screen: saved as the place to resume, and checked once at once (it may already hold). */
  async arrive(notice: string | null): Promise<void> {
    saveProgress(this.o.lab, this.o.scenario, this.o.progress);
    this.notice = notice;
    this.showSolution = false;
    this.phase = { kind: 'waiting' };
    this.draw();
    if (this.step.verify.kind === 'confirm') return;
    const verdict = await this.verify();
    if (verdict.holds) this.phase = { kind: 'held-on-arrival' };
    this.draw();
  }

  async handle(event: Event): Promise<'continue' | 'quit' | 'done'> {
    if (event.kind === 'poll') {
      if (!this.pollable()) return 'continue';
      const verdict = await this.verify();
      return verdict.holds ? this.advance(`✓ step ${this.step.number} done: ${this.step.title}`) : 'continue';
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
          this.o.progress.done -= 1;
          await this.arrive(`back to step ${this.step.number}`);
        }
        return 'continue';
      case 'S': {
        this.phase = { kind: 'running-solution' };
        this.draw();
        const ran = await runSolution(this.step, this.context(), this.o.runId);
        Object.assign(this.o.progress.captures, ran.captures);
        const verdict = ran.holds ? await this.verify() : ran;
        if (verdict.holds) return this.advance(`✓ step ${this.step.number} done for you: ${this.step.title}`);
        this.phase = { kind: 'not-yet', misses: verdict.misses, bySolution: true };
        this.draw();
        return 'continue';
      }
      case '\r':
      case '\n': {
        if (this.step.verify.kind === 'confirm' || this.phase.kind === 'held-on-arrival')
          return this.advance(`✓ step ${this.step.number} done: ${this.step.title}`);
        const verdict = await this.verify();
        if (verdict.holds) return this.advance(`✓ step ${this.step.number} done: ${this.step.title}`);
        this.phase = { kind: 'not-yet', misses: verdict.misses, bySolution: false };
        this.draw();
        return 'continue';
      }
      default:
        return 'continue';
    }
  }

  private async advance(notice: string): Promise<'continue' | 'done'> {
    this.o.progress.done += 1;
    if (this.index >= this.o.steps.length) {
      saveProgress(this.o.lab, this.o.scenario, this.o.progress);
      this.o.output.write(`\x1b[2J\x1b[H${notice}\n\nAll ${this.o.steps.length} steps of ${this.o.scenario} are done.\n`);
      return 'done';
    }
    await this.arrive(notice);
    return 'continue';
  }

  private async verify(): Promise<Verdict> {
    const verdict = await probe(this.step, this.context());
    if (verdict.holds) Object.assign(this.o.progress.captures, verdict.captures);
    return verdict;
  }

  private context() {
    return { pool: this.o.pool, lab: this.o.lab, captures: this.o.progress.captures };
  }

  private draw(): void {
    const screen = renderScreen({
      scenario: this.o.scenario,
      total: this.o.steps.length,
      step: this.step,
      commands: commandBlocks(this.o.lab, this.step, this.o.progress.captures),
      mode: this.o.mode,
      showSolution: this.showSolution,
      phase: this.phase,
      notice: this.notice,
    });
    // Raw mode does not turn \n into \r\n.
    this.o.output.write(`\x1b[2J\x1b[H${screen.replace(/\n/g, '\r\n')}`);
  }
}

/** Keys as they come, and at most one pending poll; `next` waits for whichever is first. */
class EventQueue {
  private readonly events: Event[] = [];
  private waiter: ((e: Event) => void) | null = null;
  private timer: NodeJS.Timeout | null = null;

  push(e: Event): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w(e);
    } else this.events.push(e);
  }

  pollAfter(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.push({ kind: 'poll' });
    }, ms);
  }

  next(): Promise<Event> {
    const e = this.events.shift();
    if (e) return Promise.resolve(e);
    return new Promise((resolve) => (this.waiter = resolve));
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
