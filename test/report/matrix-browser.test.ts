/**
 * The matrix page as a browser reads it: headless Chromium (a prerequisite, see install-prerequisites.sh) loads
 * the page rendered from results recorded on h13 (test/fixtures/report/), two runs standing for two columns.
 * html.test.ts checks the text; this checks that the table and its links survive a real HTML parser.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cellOf } from '../../src/matrix/cells.js';
import { renderMatrixHtml } from '../../src/report/html/matrix.js';
import type { ScenarioResult } from '../../src/scenario/results.js';
import { chromium } from '../support/chromium.js';

const DIR = mkdtempSync(join(tmpdir(), 'matrix-browser-'));
const FIXTURES = join(import.meta.dirname, '../fixtures/report');

afterAll(() => rmSync(DIR, { recursive: true, force: true }));

describe('the HTML report of a matrix in headless Chromium', () => {
  it('shows the scenario x version table, each cell linking to its details on the page', async () => {
    const columns = ['run-1', 'run-2'].map((f) => ({
      column: `h13 ${f}`,
      results: (JSON.parse(readFileSync(join(FIXTURES, `${f}.json`), 'utf8')) as { scenarios: ScenarioResult[] }).scenarios,
    }));
    const cells = columns.flatMap((c) => c.results.map((r) => cellOf(r, c.column)));
    const page = join(DIR, 'matrix.html');
    writeFileSync(page, renderMatrixHtml(cells, columns, ['netns', 'overlay', 'h13-fails'], new Map()));
    const dom = await chromium(['--dump-dom', `file://${page}`]);
    expect(dom.exitCode, dom.stderr).toBe(0);
    const table = dom.stdout.slice(dom.stdout.indexOf('<table id="matrix">'), dom.stdout.indexOf('</table>'));
    expect(table).toContain('<th>h13 run-1</th><th>h13 run-2</th>');
    for (const id of [...table.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]!)) expect(dom.stdout).toContain(`<section id="${id}">`);
    expect(table.match(/href="#/g)).toHaveLength(cells.length);
    expect(dom.stdout).toContain('Failed steps (5)');
  });
});
