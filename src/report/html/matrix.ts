/**
 * The HTML report of a matrix run: the scenario x version table, each cell linking to that scenario's details
 * further down the same page (steps, outputs, snapshots), failures first. Pure.
 */

import { lessonName, type ScenarioResult } from '../../scenario/results.js';
import { type Cell, cellHeadline } from '../cell.js';
import { anchor, escapeHtml as h, page } from './page.js';
import { failuresSection, type Snapshots, scenarioSection } from './scenario.js';

interface MatrixColumn {
  column: string;
  results: readonly ScenarioResult[];
}

function cellAnchor(scenario: string, column: string): string {
  return anchor('cell', scenario, column);
}

export function renderMatrixHtml(cells: readonly Cell[], columns: readonly MatrixColumn[], scenarios: readonly string[], snapshots: Snapshots): string {
  const head = `<tr><th>scenario</th>${columns.map((c) => `<th>${h(c.column)}</th>`).join('')}</tr>`;
  const rows = scenarios.map((s) => {
    const tds = columns.map(({ column }) => {
      const c = cells.find((x) => x.scenario === s && x.column === column);
      if (!c) return '<td>—</td>';
      const hasDetails = columns.find((x) => x.column === column)?.results.some((r) => lessonName(r) === s);
      const text = cellHeadline(c);
      return `<td class="${c.status}">${hasDetails ? `<a href="#${cellAnchor(s, column)}">${text}</a>` : text}${c.detail ? `<br><small>${h(c.detail)}</small>` : ''}</td>`;
    });
    return `<tr><th>${h(s)}</th>${tds.join('')}</tr>`;
  });
  const everything = columns.flatMap((c) => c.results.map((r) => ({ column: c.column, r })));
  const bad = (r: ScenarioResult) => r.status === 'failed' || r.status === 'aborted';
  const details = [...everything.filter((x) => bad(x.r)), ...everything.filter((x) => !bad(x.r))].map(
    ({ column, r }) => `<section id="${cellAnchor(lessonName(r), column)}"><h2 class="muted">${h(column)}</h2>\n${scenarioSection(r, snapshots)}</section>`,
  );
  const body = [
    '<h1>docker-lab matrix</h1>',
    '<table id="matrix">',
    head,
    ...rows,
    '</table>',
    failuresSection(everything.map(({ column, r }) => ({ ...r, name: `${r.name} [${column}]` }))),
    ...details,
  ].join('\n');
  return page('docker-lab matrix', body);
}
