/** The matrix's HTML page from what `lab matrix` holds at its end: its snapshots read from disk, then rendered. */
import type { Cell } from '../../matrix/cells.js';
import type { ScenarioResult } from '../../scenario/results.js';
import { renderMatrixHtml } from './matrix.js';
import { readSnapshots } from './snapshots.js';

export async function matrixHtml(cells: readonly Cell[], names: readonly string[], columns: ReadonlyMap<unknown, { column: string; results: ScenarioResult[] }>, scenarios: readonly string[]): Promise<string> {
  const cols = [...columns.values()].map((c) => ({ column: c.column, results: c.results }));
  const ordered = names.map((n) => cols.find((c) => c.column === n) ?? { column: n, results: [] });
  return renderMatrixHtml(cells, ordered, scenarios, await readSnapshots(cols.flatMap((c) => c.results)));
}
