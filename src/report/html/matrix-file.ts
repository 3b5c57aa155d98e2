/** The matrix's HTML page from what `lab matrix` holds at its end: its snapshots read from disk, then rendered. */

import type { ScenarioResult } from '../../scenario/results.js';
import type { Cell } from '../cell.js';
import { renderMatrixHtml } from './matrix.js';
import { readSnapshots } from './snapshots.js';

export async function matrixHtml(
  cells: readonly Cell[],
  columns: readonly { column: string; results: ScenarioResult[] }[],
  scenarios: readonly string[],
): Promise<string> {
  return renderMatrixHtml(cells, columns, scenarios, await readSnapshots(columns.flatMap((c) => c.results)));
}
