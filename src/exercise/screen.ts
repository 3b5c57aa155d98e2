/**
 * What the student sees for one step: pure text from the state of the exercise, so the tests read it as
 * it is and the terminal only clears and prints it.
 */
import { type CommandBlock, type ExerciseStep, looksOnly } from './plan.js';
import type { Miss } from './probe.js';

export type Mode = 'guided' | 'challenge';

/** Where the step in hand stands. */
export type Phase =
  /** The step just came on screen: its first check (does it hold already?) runs. */
  | { kind: 'arriving' }
  | { kind: 'waiting' }
  /** The check held before the student did anything: said, and the student moves on with Enter. */
  | { kind: 'held-on-arrival' }
  /** Enter (or S) found the step not done. */
  | { kind: 'not-yet'; misses: Miss[]; bySolution: boolean }
  | { kind: 'running-solution' };

export interface ScreenState {
  scenario: string;
  total: number;
  step: ExerciseStep;
  commands: CommandBlock[];
  mode: Mode;
  showSolution: boolean;
  phase: Phase;
  /** A line about what just happened (a step done, a step back). */
  notice: string | null;
  /** The compact record of the steps passed so far (`passed: tts=c....`), once there are some. */
  record?: string | null;
}

const RULE = '─'.repeat(72);
const OBSERVED_LINES = 8;

export function renderScreen(s: ScreenState): string {
  const { step } = s;
  const part = step.part === 'teardown' ? " · the lesson's teardown: undo what it made" : '';
  const hidden = s.mode === 'challenge' && !s.showSolution;
  // A step's title is often its command: a challenge shows the goal instead.
  const out: string[] = [
    `${s.scenario}: step ${step.number} of ${s.total}${s.mode === 'challenge' ? ' (challenge)' : ''}${part}`,
    ...(hidden ? [] : [`  ${step.title}`]),
    RULE,
  ];
  if (s.notice) out.push(s.notice, '');
  if (step.explain) out.push(...step.explain.split('\n'), '');
  const nodes = [...new Set(s.commands.flatMap((b) => b.nodes))];
  if (hidden) {
    out.push(`Goal: ${goal(step)}`, `On ${nodes.join(' and ')}. (s shows the commands)`);
  } else {
    for (const b of s.commands) out.push(`On ${b.nodes.join(' and ')}, type:`, ...b.text.split('\n').map((l) => `    ${l}`));
  }
  out.push('', ...phaseLines(s), '');
  if (s.record) out.push(s.record);
  out.push('keys: Enter check now · s solution · S run the solution for me · b back · q quit');
  return `${out.join('\n')}\n`;
}

/** In challenge mode only the goal: what the checks verify, in the author's words, never the step's title. */
function goal(step: ExerciseStep): string {
  if (step.verify.kind === 'check') return step.verify.checks.map((c) => c.name).join('; ');
  if (step.explain) return step.explain.split('\n')[0]!;
  return "what the lesson's notes ask at this point";
}

export function phaseLines(s: ScreenState): string[] {
  const { phase, step } = s;
  switch (phase.kind) {
    case 'arriving':
      return ['Looking at the lab: does this step hold already? ...'];
    case 'running-solution':
      return ['Running the solution of this step for you ...'];
    case 'held-on-arrival':
      return looksOnly(step)
        ? ['This step only looks at the lab, and what it shows is already there.', 'Type the commands and read the output, then press Enter to go on.']
        : [
            '✓ This step already holds, before you did anything here.',
            '  If you did not do it earlier, the lab was not clean (lab exercise --reset cleans it).',
            '  Press Enter to go on.',
          ];
    case 'waiting':
      return step.verify.kind === 'confirm'
        ? ['When you have done this, press Enter.']
        : ['Waiting for the step to hold (checked every second; Enter checks now).'];
    case 'not-yet':
      return [
        phase.bySolution ? '✗ The solution ran, but the step does not hold yet:' : '✗ Not yet:',
        ...phase.misses.flatMap(describeMiss),
        ...(step.hint ? ['', `Hint: ${step.hint}`] : []),
      ];
  }
}

/** One miss in plain words: what should hold, on which node, expected next to observed. */
export function describeMiss(m: Miss): string[] {
  const lines = [`  ${m.what}: not so on ${m.node}`, `    $ ${m.command.split('\n').join('\n      ')}`];
  if (m.error) lines.push(`    ${m.error}`);
  for (const f of m.failures) lines.push(`    expected ${f.check}`, ...f.detail.split('\n').map((l) => `  ${l}`));
  // The expectation's own text shows the output when it compared against it; otherwise show it here.
  if (!m.error && !m.failures.some((f) => f.detail.includes('actual'))) {
    const observed = m.observed.split('\n');
    const shown = observed.slice(-OBSERVED_LINES);
    lines.push(
      `    observed${observed.length > shown.length ? ` (last ${OBSERVED_LINES} lines)` : ''}:`,
      ...(m.observed ? shown.map((l) => `      ${l}`) : ['      (nothing)']),
    );
  }
  return lines;
}
