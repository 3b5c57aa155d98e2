/**
 * From what the labs of a run produced to the matrix's files. A whole run and a merge of shards go through
 * the same `composeMatrix`, so a merged table is the unsharded one by construction.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Cell } from '../report/cell.js';
import { matrixHtml } from '../report/html/matrix-file.js';
import { renderJson } from '../report/json.js';
import { renderJunit } from '../report/junit.js';
import { lastMeaningfulLine } from '../scenario/failure.js';
import { lessonName, type ScenarioResult } from '../scenario/results.js';
import { cellOf, regressions, renderTable } from './cells.js';
import type { MatrixPlan } from './shard.js';
import type { Suite } from './suites.js';

/** One lab's part in a run: the scenarios it was given, what they did, and the Docker version its daemon reported. */
export interface LabRun {
  suite: Suite;
  /** Absent when the lab never came up far enough to ask. */
  docker?: string;
  scenarios: string[];
  results: ScenarioResult[];
  /** Why the lab failed (bring-up, or an error around the scenarios). */
  error?: string;
}

interface ComposedMatrix {
  columns: string[];
  cells: Cell[];
  /** Every result, named with its column, for JUnit and the JSON report. */
  results: ScenarioResult[];
}

/**
 * The column of each suite: the suite and the version its daemon reported. Shards of one run build their
 * boxes apart, so a suite's shards may see different point releases (sid moves daily): the column names all.
 */
function columnOf(suite: Suite, labs: readonly LabRun[]): string {
  const versions = [...new Set(labs.filter((l) => l.suite === suite && l.docker).map((l) => l.docker!))];
  return versions.length ? `${suite} ${versions.join(' / ')}` : `${suite} (not up)`;
}

/** Cells in the plan's order: suite by suite, the scenarios in the order given. Pure. */
export function composeMatrix(plan: MatrixPlan, labs: readonly LabRun[]): ComposedMatrix {
  const columns = plan.suites.map((s) => columnOf(s, labs));
  const cells: Cell[] = [];
  const results: ScenarioResult[] = [];
  plan.suites.forEach((suite, i) => {
    const column = columns[i]!;
    for (const scenario of plan.scenarios) {
      const lab = labs.find((l) => l.suite === suite && l.scenarios.includes(scenario));
      if (!lab) continue;
      const result = lab.results.find((r) => lessonName(r) === scenario);
      if (result) {
        cells.push(cellOf(result, column));
        results.push({ ...result, name: `${result.name} [${column}]` });
      } else {
        cells.push({
          scenario,
          column,
          status: 'failed',
          detail: `the lab did not come up: ${lastMeaningfulLine(lab.error ?? 'unknown error')}`,
          durationMs: 0,
        });
      }
    }
  });
  return { columns, cells, results };
}

export interface MatrixResult {
  /** 0, 1, or 128 + the signal's number when interrupted. */
  exitCode: number;
  cells: Cell[];
  columns: string[];
  table: string;
  regressions: Cell[];
}

/** Writes matrix.md, matrix.json, junit.xml and results.json into `outDir`, and matrix.html when asked. */
export async function writeMatrix(
  outDir: string,
  plan: MatrixPlan,
  labs: readonly LabRun[],
  options: { baseline: Cell[] | null; interruptedExitCode?: number; html?: boolean },
): Promise<MatrixResult> {
  const { columns, cells, results } = composeMatrix(plan, labs);
  const table = renderTable(cells, columns, plan.scenarios);
  const found = options.baseline ? regressions(cells, options.baseline) : [];
  const failed = options.baseline ? found.length > 0 : cells.some((c) => c.status === 'failed' || c.status === 'aborted');
  const exitCode = options.interruptedExitCode ?? (failed ? 1 : 0);
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'matrix.md'), table);
  await writeFile(join(outDir, 'matrix.json'), `${JSON.stringify({ exitCode, columns, cells, regressions: found }, null, 2)}\n`);
  await writeFile(join(outDir, 'junit.xml'), renderJunit(results));
  await writeFile(join(outDir, 'results.json'), renderJson(results, exitCode));
  if (options.html) {
    const byColumn = plan.suites.map((suite, i) => ({ column: columns[i]!, results: labs.filter((l) => l.suite === suite).flatMap((l) => l.results) }));
    await writeFile(join(outDir, 'matrix.html'), await matrixHtml(cells, byColumn, plan.scenarios));
  }
  return { exitCode, cells, columns, table, regressions: found };
}
