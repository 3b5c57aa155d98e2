/**
 * The teacher's page of `lab web --count N`: the class's report (`docker-lab/class@1`, the very report of
 * `lab exercise NAME --check --count N`), checked again while the page asks for it. The page polls every few
 * seconds; a check of N labs can take longer than that, so one runs at a time per lesson and the page is given
 * the latest report meanwhile.
 */
import { ago, type ClassReport, classHeadline, type RowWords, rowWords } from '../exercise/class.js';

/** How old a report may be before a poll starts the next check. */
export const CLASS_EVERY_MS = 4_000;

/**
 * What the page gets: the report, when it was taken, and the lessons it may ask for instead; and what it shows,
 * in the words of `lab exercise --check --count N`'s table (dated when the page asked), so the two never differ.
 */
export interface ClassView {
  report: ClassReport;
  checkedAt: string;
  lessons: string[];
  words: { headline: string; checked: string; rows: RowWords[] };
}

interface Taken {
  report: ClassReport;
  at: Date;
}

export interface ClassBoardOptions {
  /** The lessons offered, the first being the one shown when the page names none. */
  lessons: readonly string[];
  check(lesson: string): Promise<ClassReport>;
  /** What the checks hold between them (kept SSH connections), let go once the board stops. */
  release?(): Promise<void>;
  now?(): Date;
  everyMs?: number;
}

export class ClassBoard {
  private readonly taken = new Map<string, Taken>();
  private readonly running = new Map<string, Promise<Taken>>();
  private readonly o: ClassBoardOptions & Required<Pick<ClassBoardOptions, 'now' | 'everyMs'>>;

  constructor(o: ClassBoardOptions) {
    this.o = { now: () => new Date(), everyMs: CLASS_EVERY_MS, ...o };
  }

  get lessons(): readonly string[] {
    return this.o.lessons;
  }

  offers(lesson: unknown): lesson is string {
    return typeof lesson === 'string' && this.lessons.includes(lesson);
  }

  /** The latest report of the lesson; a fresh check starts when it is older than everyMs (awaited only when there is none yet). */
  async view(lesson: string): Promise<ClassView> {
    const last = this.taken.get(lesson);
    const stale = !last || this.o.now().getTime() - last.at.getTime() >= this.o.everyMs;
    const next = stale ? this.start(lesson) : null;
    const shown = last ?? (await next!);
    const now = this.o.now();
    return {
      report: shown.report,
      checkedAt: shown.at.toISOString(),
      lessons: [...this.lessons],
      words: {
        headline: classHeadline(shown.report),
        checked: ago(shown.at.toISOString(), now),
        rows: shown.report.labs.map((r) => rowWords(r, now)),
      },
    };
  }

  private start(lesson: string): Promise<Taken> {
    let run = this.running.get(lesson);
    if (!run) {
      run = this.o
        .check(lesson)
        .then((report) => {
          const taken = { report, at: this.o.now() };
          this.taken.set(lesson, taken);
          return taken;
        })
        .finally(() => this.running.delete(lesson));
      this.running.set(lesson, run);
      // A failed check in the background is seen by the next poll that awaits one; not an unhandled rejection.
      run.catch(() => undefined);
    }
    return run;
  }

  /** Waits for the checks under way (the server is stopping), then lets go of what they kept. */
  async stop(): Promise<void> {
    await Promise.allSettled(this.running.values());
    await this.o.release?.();
  }
}
