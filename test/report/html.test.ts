/**
 * The HTML reports, rendered from results of real runs on the h13 lab (test/fixtures/report/): run-1 is
 * `overlay` failing on a lab that still held a kept overlay (its daemons could not start) and `h13-fails`;
 * run-2 is `netns` passing and `h13-fails` failing, each with a topology snapshot whose SVG is kept beside it.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cellOf } from '../../src/matrix/cells.js';
import { renderMatrixHtml } from '../../src/report/html/matrix.js';
import { escapeHtml } from '../../src/report/html/page.js';
import { renderScenarioHtml, snapshotKey } from '../../src/report/html/scenario.js';
import type { ScenarioResult } from '../../src/scenario/results.js';
import { leafResults } from '../../src/scenario/results.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/report');
const results = (file: string) => (JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as { scenarios: ScenarioResult[] }).scenarios;
const run1 = results('run-1.json');
const run2 = results('run-2.json');

/** The snapshots of run-2, read from the fixture folder, keyed as the renderer looks them up. */
function snapshotsOf(rs: readonly ScenarioResult[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const r of rs) {
    for (const s of leafResults(r.steps)) {
      if (!s.snapshot) continue;
      try {
        map.set(snapshotKey(r, s.snapshot.svg), readFileSync(join(FIXTURES, basename(r.transcriptDir), s.snapshot.svg), 'utf8'));
      } catch {
        // run-1's snapshots are not kept: its page draws none
      }
    }
  }
  return map;
}

/** The text of an HTML page, tags dropped and entities decoded, spaces collapsed. */
function text(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/, '')
    .replace(/<svg[\s\S]*?<\/svg>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

describe('the HTML report of a run', () => {
  const html = renderScenarioHtml(run2, snapshotsOf(run2));

  it('is one self-contained page: no script, nothing fetched', () => {
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/<script|<link |src="http|href="http|@import/);
  });

  it('puts the failed step first, in full, linking to its row', () => {
    const t = text(html);
    const failures = t.indexOf('Failed steps (1)');
    expect(failures).toBeGreaterThan(0);
    expect(failures).toBeLessThan(t.indexOf('netns passed'));
    expect(t).toContain('h13-fails: step 2 “docker0 has an address it does not have” failed on docker-node1');
    expect(t).toContain('$ ip -4 addr show docker0');
    expect(t).toContain('✗ stdout contains "203.0.113.1"');
    const link = /<a href="#([^"]+)">h13-fails: step 2/.exec(html)![1]!;
    expect(html).toContain(`<tr id="${link}" class="failed">`);
  });

  it('shows the failed scenario before the passed one, though it ran after', () => {
    expect(html.indexOf('<h2 id="run-20261130t102419-227z-h13-fails')).toBeLessThan(html.indexOf('<h2 id="run-20261130t102405-509z-netns'));
  });

  it('has a row per step and node with the command, time and result, output open only where it failed', () => {
    const netns = run2[0]!;
    const rows = leafResults([...netns.steps, ...netns.cleanup]).reduce((n, s) => n + Math.max(1, s.nodes.length), 0);
    const section = html.slice(html.indexOf('<h2 id="run-20261130t102405-509z-netns'));
    expect(section.match(/<tr[ >]/g)!.length - 1).toBe(rows);
    expect(section).toContain(escapeHtml('sudo ip link add veth-test1 type veth peer name veth-test2'));
    expect(section).not.toContain('<details open>');
    expect(html).toMatch(/<details open><summary>output \(exit 0\)<\/summary><b>stdout<\/b><pre>\d+: docker0/);
  });

  it('draws each snapshot in place, inline SVG without its XML prolog', () => {
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g)!;
    expect(svgs).toHaveLength(2);
    expect(html).not.toContain('<?xml');
    expect(html).toContain('<figcaption>step 8: a veth pair between the namespaces test1 and test2</figcaption>');
    expect(svgs.join('')).toContain('netns test1');
  });
});

describe('the HTML report of a matrix', () => {
  const columns = [
    { column: 'h13 run 1', results: run1 },
    { column: 'h13 run 2', results: run2 },
  ];
  const cells = columns.flatMap((c) => c.results.map((r) => cellOf(r, c.column)));
  const scenarios = ['netns', 'overlay', 'h13-fails'];
  const html = renderMatrixHtml(cells, columns, scenarios, snapshotsOf(run2));

  it('draws the scenario x version table first, an empty cell where a scenario did not run there', () => {
    const table = html.slice(html.indexOf('<table id="matrix">'), html.indexOf('</table>'));
    expect(html.indexOf('<table id="matrix">')).toBeLessThan(html.indexOf('Failed steps'));
    expect(table.match(/<tr>/g)).toHaveLength(1 + scenarios.length);
    expect(text(table)).toMatch(/netns — ✅ passed \(\d+\.\d s\)/);
    expect(text(table)).toMatch(/overlay ❌ failed \(\d+\.\d s\) step "create the overlay network demo" on docker-node1: .* —/);
  });

  it("links every cell that ran to that run's details on the same page", () => {
    const links = [...html.matchAll(/<td class="\w+"><a href="#([^"]+)">/g)].map((m) => m[1]!);
    expect(links).toHaveLength(cells.length);
    for (const id of links) expect(html).toContain(`<section id="${id}">`);
  });

  it('lists the failures of every column first, named with their column', () => {
    expect(text(html)).toContain('Failed steps (5)');
    expect(text(html)).toContain('overlay [h13 run 1]: step 6 “create the overlay network demo” failed on docker-node1');
    expect(text(html)).toContain('h13-fails [h13 run 2]: step 2');
  });
});
