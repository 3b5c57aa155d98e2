/**
 * The teacher's view (`lab exercise NAME --check --count N`): one row per student lab, from the lab's state
 * (the read-only checks, as `--check` walks them) and its saved progress. Pure: the command gathers what each
 * lab shows and these functions make the rows, the table and the JSON.
 */
import type { ExerciseStep } from './plan.js';
import type { Pass, Progress } from './progress.js';
import { PASS_LEGEND, passMarks } from './standing.js';

/** What was found on one lab. */
export type LabFinding =
  | { lab: string; kind: 'not-up'; why: string }
  /** Up, but not checked: a node did not answer, the lab's Docker is outside the lesson's range. */
  | { lab: string; kind: 'unchecked'; why: string; progress: Progress | null }
  /** `done`: the lesson's steps that hold on the state, in order, as `--check` counts them. */
  | { lab: string; kind: 'checked'; done: number; progress: Progress | null };

/** One student lab in the teacher's view: what `docker-lab/class@1` says of it. */
export interface ClassRow {
  lab: string;
  state: 'checked' | 'not-up' | 'unchecked';
  /** Why a lab is not up or was not checked; null when it was checked. */
  problem: string | null;
  /** The lesson's steps that hold on the lab's state (null when it was not checked), of `lesson`. */
  done: number | null;
  lesson: number;
  /** Every lesson step holds on the state, or the saved progress has passed every step (the teardown too). */
  finished: boolean;
  /** The step on the student's screen, from the saved progress; null when none was begun, or all passed. */
  inHand: { number: number; title: string } | null;
  /** The saved progress's record: how and when each step passed (its latest pass), by step number. */
  passed: Pass[];
  /** One mark per step, see `legend`: `tts=c....`; null when no progress is saved. */
  marks: string | null;
  /** When the saved progress last changed (ISO 8601); null when unknown. */
  updated: string | null;
}

export const CLASS_FORMAT = 'docker-lab/class@1';

/** The JSON of `--reporter json`: stable; a change of shape is a new `format`. */
export interface ClassReport {
  format: typeof CLASS_FORMAT;
  scenario: string;
  steps: { number: number; title: string; part: 'lesson' | 'teardown' }[];
  /** What the marks of each lab's `marks` mean. */
  legend: string;
  labs: ClassRow[];
}

export function classRow(steps: readonly ExerciseStep[], finding: LabFinding): ClassRow {
  const lesson = steps.filter((s) => s.part === 'lesson').length;
  const progress = finding.kind === 'not-up' ? null : finding.progress;
  const done = finding.kind === 'checked' ? finding.done : null;
  const inHand = progress ? steps[progress.done] : undefined;
  return {
    lab: finding.lab,
    state: finding.kind,
    problem: finding.kind === 'checked' ? null : finding.why,
    done,
    lesson,
    finished: done === lesson || (progress !== null && progress.done >= steps.length),
    inHand: inHand ? { number: inHand.number, title: inHand.title } : null,
    passed: progress?.passed ?? [],
    marks: progress ? passMarks(steps, progress) : null,
    updated: progress?.updated ?? null,
  };
}

export function classReport(scenario: string, steps: readonly ExerciseStep[], rows: ClassRow[]): ClassReport {
  return {
    format: CLASS_FORMAT,
    scenario,
    steps: steps.map((s) => ({ number: s.number, title: s.title, part: s.part })),
    legend: PASS_LEGEND,
    labs: rows,
  };
}

/** 0 when every lab is finished, else 1. */
export function classExitCode(rows: readonly ClassRow[]): 0 | 1 {
  return rows.every((r) => r.finished) ? 0 : 1;
}

const TITLE_WIDTH = 40;

/** `netns on 4 labs: 1 finished`. */
export function classHeadline(report: ClassReport): string {
  const finished = report.labs.filter((r) => r.finished).length;
  return `${report.scenario} on ${report.labs.length} lab${report.labs.length === 1 ? '' : 's'}: ${finished} finished`;
}

/** A lab's row in words, as the terminal's table and the teacher's web page both say it. */
export type RowWords =
  | { lab: string; state: 'not-up'; problem: string }
  | { lab: string; state: 'checked' | 'unchecked'; done: string; hand: string; marks: string; updated: string; problem: string | null };

/** Pure: the words of a row, its last change dated from `now`; a step's title clipped to `titleWidth`. */
export function rowWords(r: ClassRow, now: Date, titleWidth = Number.POSITIVE_INFINITY): RowWords {
  if (r.state === 'not-up') return { lab: r.lab, state: r.state, problem: r.problem ?? '' };
  return {
    lab: r.lab,
    state: r.state,
    done: r.done === null ? '?' : `${r.done}/${r.lesson}${r.finished ? ' ✓' : ''}`,
    hand: r.inHand ? `${r.inHand.number} ${clip(r.inHand.title, titleWidth)}` : r.marks === null ? '(not begun)' : '(all passed)',
    marks: r.marks ?? '-',
    updated: r.updated ? ago(r.updated, now) : '-',
    problem: r.problem,
  };
}

/** The table a teacher reads: a headline, one row per lab, the legend. `now` dates the last changes. */
export function renderClass(report: ClassReport, now: Date): string {
  const head = ['lab', 'done', 'in hand', 'passed', 'last change'];
  const words = report.labs.map((r) => rowWords(r, now, TITLE_WIDTH));
  const cells = words.map((w) => (w.state === 'not-up' ? null : [w.lab, w.done, w.hand, w.marks, w.updated]));
  const widths = head.map((_, i) => Math.max(...[head, ...cells].map((c) => (c ? c[i]!.length : 0))));
  widths[0] = Math.max(widths[0]!, ...report.labs.map((r) => r.lab.length)); // a lab not up has its name in the column too
  const line = (c: string[]) =>
    c
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const rows = words.map((w, i) => {
    if (w.state === 'not-up') return `${w.lab.padEnd(widths[0]!)}  not up: ${w.problem}`;
    return w.state === 'unchecked' ? `${line(cells[i]!)}  (not checked: ${w.problem})` : line(cells[i]!);
  });
  return [classHeadline(report), line(head), ...rows, `passed: ${report.legend}`, ''].join('\n');
}

function clip(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

/** `just now`, `40 s ago`, `12 min ago`, `3 h ago`, then the date. */
export function ago(iso: string, now: Date): string {
  const s = Math.round((now.getTime() - Date.parse(iso)) / 1000);
  if (Number.isNaN(s)) return '-';
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return iso.slice(0, 10);
}
