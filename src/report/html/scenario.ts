/**
 * The HTML report of scenario runs: failures first, then each scenario's steps with node, command, output,
 * time and result, and its topology snapshots drawn in place. Pure: the snapshots' SVG is handed in.
 */
import { formatDuration } from '../../scenario/format/duration.js';
import type { NodeRun, ScenarioResult, StepResult } from '../../scenario/results.js';
import { leafResults } from '../../scenario/results.js';
import { describeNodeFailure } from '../failure-text.js';
import { anchor, escapeHtml as h, inlineSvg, page } from './page.js';

/** SVG text of each snapshot, by `snapshotKey`. */
export type Snapshots = ReadonlyMap<string, string>;

export function snapshotKey(result: ScenarioResult, file: string): string {
  return `${result.transcriptDir}/${file}`;
}

export function renderScenarioHtml(results: readonly ScenarioResult[], snapshots: Snapshots, title = 'docker-lab run'): string {
  const counts = (['passed', 'failed', 'aborted', 'skipped'] as const)
    .map((s) => [s, results.filter((r) => r.status === s).length] as const)
    .filter(([, n]) => n > 0);
  const body = [
    `<h1>${h(title)}</h1>`,
    `<p>${results.length} scenario${results.length === 1 ? '' : 's'}: ${counts.map(([s, n]) => `<span class="badge ${s}">${n} ${s}</span>`).join(' ')}</p>`,
    failuresSection(results),
    ...order(results).map((r) => scenarioSection(r, snapshots)),
  ].join('\n');
  return page(title, body);
}

/** Failed and aborted scenarios first, then the rest in the order they ran. */
function order(results: readonly ScenarioResult[]): ScenarioResult[] {
  const bad = (r: ScenarioResult) => r.status === 'failed' || r.status === 'aborted';
  return [...results.filter(bad), ...results.filter((r) => !bad(r))];
}

/** By the run id, unique to one run of one scenario (the matrix renames results by column). */
function scenarioAnchor(r: ScenarioResult): string {
  return anchor('run', r.runId, r.run ? String(r.run) : '');
}

function stepAnchor(r: ScenarioResult, s: StepResult): string {
  return anchor(scenarioAnchor(r), s.phase, s.id);
}

/** Every failed step on every node, in full, at the top, each linking to its place in its scenario. */
export function failuresSection(results: readonly ScenarioResult[]): string {
  const items = results.flatMap((r) =>
    leafResults([...r.steps, ...r.cleanup]).flatMap((s) =>
      s.nodes
        .filter((n) => n.status !== 'passed')
        .map(
          (n) =>
            `<div class="failure"><h3><a href="#${stepAnchor(r, s)}">${h(r.name)}: step ${h(s.id)} “${h(s.name)}” ${n.status} on ${h(n.node)}</a></h3><pre>${h(describeNodeFailure(s, n))}</pre></div>`,
        ),
    ),
  );
  if (items.length === 0) return '<p class="passed">No step failed.</p>';
  return `<h2 id="failures" class="failed">Failed steps (${items.length})</h2>\n${items.join('\n')}`;
}

export function scenarioSection(r: ScenarioResult, snapshots: Snapshots): string {
  const rows = [...r.steps, ...r.cleanup].flatMap((top) => leafResults([top]).flatMap((s) => stepRows(r, s)));
  const pictures = leafResults([...r.steps, ...r.cleanup]).flatMap((s) => {
    const svg = s.snapshot ? snapshots.get(snapshotKey(r, s.snapshot.svg)) : undefined;
    return svg ? [`<figure class="snapshot"><figcaption>step ${h(s.id)}: ${h(s.name)}</figcaption>${inlineSvg(svg)}</figure>`] : [];
  });
  return [
    `<h2 id="${scenarioAnchor(r)}">${h(r.name)}${r.run ? ` #${r.run}` : ''} <span class="badge ${r.status}">${r.status}</span> <span class="muted">${formatDuration(r.durationMs)}</span></h2>`,
    `<p>${h(r.description)}</p>`,
    r.reason ? `<p class="${r.status}">${h(r.reason)}</p>` : '',
    `<p class="muted">started ${h(r.startedAt)}; transcripts in <code>${h(r.transcriptDir)}</code></p>`,
    '<table>',
    '<tr><th>step</th><th>node</th><th>command</th><th>time</th><th>result</th></tr>',
    ...rows,
    '</table>',
    ...pictures,
  ].join('\n');
}

function stepRows(r: ScenarioResult, s: StepResult): string[] {
  const label = `${s.phase === 'cleanup' ? 'cleanup ' : ''}${h(s.id)} ${h(s.name)}`;
  const id = stepAnchor(r, s);
  if (s.nodes.length === 0) {
    return [
      `<tr id="${id}" class="${s.status}"><td>${label}</td><td></td><td></td><td>${formatDuration(s.durationMs)}</td><td class="${s.status}">${s.status}${s.reason ? `: ${h(s.reason)}` : ''}</td></tr>`,
    ];
  }
  return s.nodes.map(
    (n, i) =>
      `<tr${i === 0 ? ` id="${id}"` : ''} class="${n.status}"><td>${label}</td><td>${h(n.node)}</td><td>${command(n)}</td><td>${formatDuration(n.durationMs)}</td><td class="${n.status}">${n.status}${n.attempts > 1 ? ` (${n.attempts} attempts)` : ''}</td></tr>`,
  );
}

/** The command, and its output folded away unless the step failed. */
function command(n: NodeRun): string {
  const out = [
    n.stdout && `<b>stdout</b><pre>${h(n.stdout)}</pre>`,
    n.stderr && `<b>stderr</b><pre>${h(n.stderr)}</pre>`,
    n.error && `<b>error</b><pre>${h(n.error.message)}</pre>`,
  ]
    .filter(Boolean)
    .join('');
  const shown = `<pre><code>${h(n.command)}</code></pre>`;
  if (!out) return shown;
  return `${shown}<details${n.status !== 'passed' ? ' open' : ''}><summary>output${n.exitCode !== null ? ` (exit ${n.exitCode})` : ''}</summary>${out}</details>`;
}
