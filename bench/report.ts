/**
 * The bench's figures as one table: a column per lab, so that a libvirt lab's figures stand beside an LXC lab's
 * from the same run. A lab after the first also shows its ratio to the first (x3.0: three times as long).
 */
import type { LabFigures } from './lab.js';

const ms = (x: number) => `${x < 10 ? x.toFixed(2) : x.toFixed(0)} ms`;
const secs = (x: number) => `${x.toFixed(1)} s`;

function ratioTo(first: number | undefined, x: number): string {
  return first === undefined || first <= 0 ? '' : ` x${(x / first).toFixed(1)}`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => `  ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('   ')}`.trimEnd());
}

/** A row of one figure per lab, each later lab's with its ratio to the first. */
function row(
  label: string,
  figures: readonly LabFigures[],
  pick: (f: LabFigures) => number | undefined,
  show: (x: number) => string,
  suffix: (f: LabFigures) => string = () => '',
): string[] {
  const first = pick(figures[0]!);
  return [
    label,
    ...figures.map((f, i) => {
      const x = pick(f);
      return x === undefined ? '-' : `${show(x)}${suffix(f)}${i > 0 ? ratioTo(first, x) : ''}`;
    }),
  ];
}

export function renderBench(figures: readonly LabFigures[]): string {
  const head = ['', ...figures.map((f) => `${f.lab} (${f.provider})`)];
  const step = (label: string, pick: (f: LabFigures) => number) => row(label, figures, pick, ms);
  const timesFaster = (label: string, pick: (f: LabFigures) => number) => [label, ...figures.map((f) => `${(pick(f) / f.step.inScenario).toFixed(0)}x`)];
  const names = [...new Set(figures.flatMap((f) => f.scenarios.map((s) => s.name)))];
  const outcome = (f: LabFigures, name: string) => f.scenarios.find((s) => s.name === name);
  const lines = [
    `per-step overhead on each lab's first node, medians (${figures.map((f) => `${f.lab}: ${f.samples.steps} steps, ${f.samples.ssh} ssh, ${f.samples.vagrantSsh} vagrant ssh`).join('; ')}):`,
    ...table([
      head,
      step('docker-lab step, in a scenario', (f) => f.step.inScenario),
      step('docker-lab step, back to back', (f) => f.step.backToBack),
      step('starting bash on the node', (f) => f.step.bashStart),
      step('ssh -F ssh-config node true', (f) => f.step.ssh),
      step('vagrant ssh node -c true', (f) => f.step.vagrantSsh),
      timesFaster('step faster than ssh', (f) => f.step.ssh),
      timesFaster('step faster than vagrant ssh', (f) => f.step.vagrantSsh),
    ]),
    '  targets: step <= 10 ms, >= 25x faster than ssh, >= 200x faster than vagrant ssh',
    '',
    'scenario wall time on warm nodes:',
    ...table([
      head,
      ...names.map((name) =>
        row(
          name,
          figures,
          (f) => outcome(f, name)?.seconds,
          secs,
          (f) => {
            const o = outcome(f, name)!;
            return o.status === 'passed' ? '' : ` ${o.status}${o.reason ? ` (${o.reason})` : ''}`;
          },
        ),
      ),
      row('all of them', figures, (f) => f.course, secs),
    ]),
  ];
  return lines.join('\n');
}

export interface TargetFigures {
  /** The README's first command on a fresh machine: `up` (box built from nothing), then `overlay`. */
  fresh: { up: number; overlay: number; ok: boolean };
  course: { seconds: number; scenarios: number; ok: boolean };
  matrix: { seconds: number; engines: number; cells: { passed: number; skipped: number; failed: number } };
}

/** The speed targets of issue #14, in seconds. */
export const TARGETS = { fresh: 90, course: 45, matrix: 120 } as const;

/** Each measured figure beside its target, and the ratio (x1.00 or less: met). Pure. */
export function renderTargets(f: TargetFigures): string {
  const rows: { cells: string[]; note: string }[] = [];
  const add = (label: string, seconds: number, target: number | null, note = '') =>
    rows.push({
      cells: [
        label,
        secs(seconds),
        target === null ? '' : `${target} s`,
        target === null ? '' : `x${(seconds / target).toFixed(2)}${seconds <= target ? ' met' : ''}`,
      ],
      note,
    });
  const { passed, skipped, failed } = f.matrix.cells;
  add('a fresh machine to a passed overlay', f.fresh.up + f.fresh.overlay, TARGETS.fresh, f.fresh.ok ? '' : 'FAILED');
  add('  up, the box built from nothing', f.fresh.up, null);
  add('  overlay', f.fresh.overlay, null);
  add(`the whole course on warm nodes (${f.course.scenarios} scenarios)`, f.course.seconds, TARGETS.course, f.course.ok ? 'all passed' : 'FAILED');
  add(`every scenario x ${f.matrix.engines} engines (--jobs 4)`, f.matrix.seconds, TARGETS.matrix, `${passed} passed, ${skipped} skipped, ${failed} failed`);
  const lines = table([['', 'measured', 'target', 'ratio'], ...rows.map((r) => r.cells)]);
  return [
    'speed targets, measured one after another in this run (ratio: measured / target):',
    lines[0]!,
    ...rows.map((r, i) => (r.note ? `${lines[i + 1]}   ${r.note}` : lines[i + 1]!)),
  ].join('\n');
}

/** A build time docker-lab recorded on this host: `box lxc-bookworm`, `image bookworm-python`. */
export interface RecordedBuild {
  what: string;
  seconds: number;
}

export interface ImageBuildFigures {
  suite: string;
  /** The older bootstrapper first: the ratio is its time over the last one's. */
  tools: { tool: string; images: { image: string; seconds: number; ok: boolean }[] }[];
  recorded: RecordedBuild[];
}

/** docker-lab's last recorded builds, a line each, so an image's build time reads beside a box's. Pure. */
export function renderRecordedBuilds(recorded: readonly RecordedBuild[]): string {
  if (!recorded.length) return 'build times docker-lab recorded on this host: none yet';
  return ['build times docker-lab recorded on this host (its last build of each):', ...table(recorded.map((r) => [r.what, secs(r.seconds)]))].join('\n');
}

/** Each image's build time with each tool, a column per tool, then the first tool's time over the last's. Pure. */
export function renderImageBuilds(f: ImageBuildFigures): string {
  const first = f.tools[0]!;
  const last = f.tools[f.tools.length - 1]!;
  const ratio = f.tools.length > 1;
  const row = (label: string, of: (image: string) => boolean) => {
    const totals = f.tools.map((t) => {
      const chosen = t.images.filter((i) => of(i.image));
      return { seconds: chosen.reduce((sum, i) => sum + i.seconds, 0), ok: chosen.every((i) => i.ok) };
    });
    const cells = totals.map((c) => (c.ok ? secs(c.seconds) : 'failed'));
    if (ratio) cells.push(totals.every((c) => c.ok) ? `${(totals[0]!.seconds / totals[totals.length - 1]!.seconds).toFixed(2)}x` : '-');
    return [label, ...cells];
  };
  const images = first.images.map((i) => i.image);
  return [
    `the course images for ${f.suite}, built one after the other in this run (each tool downloads the packages once for all):`,
    ...table([
      ['', ...f.tools.map((t) => t.tool), ...(ratio ? [`${first.tool} / ${last.tool}`] : [])],
      ...images.map((image) => row(image, (i) => i === image)),
      row('all of them', () => true),
    ]),
    '',
    renderRecordedBuilds(f.recorded),
  ].join('\n');
}
