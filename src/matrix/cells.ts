import { type Cell, cellHeadline } from '../report/cell.js';
import { lastMeaningfulLine } from '../scenario/failure.js';
import type { NodeRun, ScenarioResult, StepResult } from '../scenario/results.js';
import { leafResults, lessonName } from '../scenario/results.js';

export function cellOf(result: ScenarioResult, column: string): Cell {
  const cell: Cell = { scenario: lessonName(result), column, status: result.status, durationMs: result.durationMs };
  if (result.variant) cell.variant = result.variant.name;
  if (result.status === 'skipped' && result.reason) cell.detail = result.reason;
  if (result.status === 'failed') cell.detail = failureDetail([...leafResults(result.steps), ...leafResults(result.cleanup)]);
  return cell;
}

function failureDetail(steps: StepResult[]): string | undefined {
  const step = steps.find((s) => s.status === 'failed');
  if (!step) return undefined;
  const run = step.nodes.find((n) => n.status === 'failed');
  const words = run ? nodeWords(run) : '';
  return `${step.phase === 'cleanup' ? 'cleanup ' : ''}step "${step.name}"${run ? ` on ${run.node}` : ''}${words ? `: ${words}` : ''}`;
}

/** What says most, by kind: a daemon that died (its own last words), why nothing was judged, then the command's stderr. */
function nodeWords(run: NodeRun): string {
  const died = run.failures.find((f) => f.kind === 'daemon-died');
  if (died) return `daemon "${died.daemon}" exited: ${died.lastWords}`;
  if (run.error) return lastMeaningfulLine(run.error.message);
  return lastMeaningfulLine(run.stderr) || (run.failures[0]?.check ?? '');
}

/** Scenario by version, one Markdown table. Pure. */
export function renderTable(cells: readonly Cell[], columns: readonly string[], scenarios: readonly string[]): string {
  const esc = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const lines = [`| scenario | ${columns.map(esc).join(' | ')} |`, `|---|${columns.map(() => '---').join('|')}|`];
  for (const scenario of scenarios) {
    const row = columns.map((column) => {
      const c = cells.find((x) => x.scenario === scenario && x.column === column);
      if (!c) return '—';
      return esc(`${cellHeadline(c)}${c.detail ? `: ${c.detail}` : ''}`);
    });
    lines.push(`| ${scenario} | ${row.join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * With a baseline, only a regression fails the run: a scenario that passed there and does not pass now.
 * Columns are matched by suite (the part before the first space), so a point release does not lose history.
 */
export function regressions(current: readonly Cell[], baseline: readonly Cell[]): Cell[] {
  const suite = (column: string) => column.split(' ')[0];
  return current.filter(
    (c) =>
      c.status !== 'passed' &&
      c.status !== 'skipped' &&
      baseline.some((b) => b.scenario === c.scenario && suite(b.column) === suite(c.column) && b.status === 'passed'),
  );
}
