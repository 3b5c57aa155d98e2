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

/** The value at or below which `p` percent of `xs` lie (nearest rank: always one of the samples). Pure. */
export function percentile(xs: readonly number[], p: number): number {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length))) - 1]!;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Keystroke to its echo in the node's xterm buffer, in ms, one sample per key. */
export type EchoSamples = readonly number[];

/** What the host holds while pages are open, in bytes (RSS counts pages shared between processes in each). */
export interface HostHeld {
  serverRss: number;
  chromium: { processes: number; rss: number; pss: number };
  load: [number, number, number];
  memAvailable: number;
}

/** `lab web` on one lab that is up (`--web`). */
export interface WebFigures {
  lab: string;
  /** From the command returning on the node (over plain ssh) to the page showing its step done, in ms. */
  stepShown: readonly number[];
  echo: EchoSamples;
  /** A first load, until step 1, both terminals and the network drawing are shown. */
  /** A first load, as sent (gzipped where the browser takes it). */
  weight: { requests: number; bytes: number; websockets: number; largest: { path: string; bytes: number }[] };
  /** The same page loaded again: what the browser kept is revalidated (304), not sent. */
  again: WebFigures['weight'];
  held: HostHeld;
}

/** One look at a class: how long it took, and the CPU the looking process spent on it. */
export interface Look {
  ms: number;
  cpuMs: number;
}

/** N student pages open at once on N labs, one `lab web --count N` server (`--web-labs N`). */
export interface WebClassFigures {
  requested: number;
  up: number;
  upMs: number;
  /** Student pages that reached step 1 with their terminals, and how long after opening them all at once. */
  atStep1: number;
  openMs: number;
  echo: EchoSamples;
  /** The board's looks at the class: with new SSH connections each time, and with them kept. */
  looks: { fresh: Look[]; kept: Look[] };
  held: HostHeld;
  memAvailableBefore: number;
  downMs: number;
  left: readonly string[];
  failures: string[];
}

const kib = (b: number) => (b < 2 ** 20 ? `${(b / 1024).toFixed(1)} KiB` : `${(b / 2 ** 20).toFixed(1)} MiB`);
const mibs = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const echoCell = (e: EchoSamples) => (e.length ? `${ms(percentile(e, 50))} / ${ms(percentile(e, 95))} / ${ms(Math.max(...e))}` : '-');
const heldRows = (h: (HostHeld | undefined)[]) => [
  ['lab web server RSS', ...h.map((x) => (x ? mibs(x.serverRss) : '-'))],
  ['Chromium RSS, all its processes', ...h.map((x) => (x ? `${mibs(x.chromium.rss)} (${x.chromium.processes} processes)` : '-'))],
  ['Chromium PSS (shared pages split)', ...h.map((x) => (x ? mibs(x.chromium.pss) : '-'))],
  ['load average 1 / 5 / 15 min', ...h.map((x) => (x ? x.load.map((l) => l.toFixed(2)).join(' / ') : '-'))],
  ['host memory available', ...h.map((x) => (x ? mibs(x.memAvailable) : '-'))],
];

/**
 * `lab web`'s figures: one lab's page (`--web`) beside N student pages at once (`--web-labs N`), either of them
 * alone if only one was measured. Pure.
 */
function weightCell(w: WebFigures['weight']): string {
  return `${kib(w.bytes)} in ${w.requests} requests, ${w.websockets} websocket${w.websockets === 1 ? '' : 's'}`;
}

/** The board's look, median of each way, and how many times cheaper keeping the connections made it. */
function looksRows({ fresh, kept }: WebClassFigures['looks']): string[][] {
  if (!fresh.length || !kept.length) return [];
  const took = (x: number) => (x < 1000 ? ms(x) : secs(x / 1000));
  const cell = (looks: Look[]) => `${took(median(looks.map((l) => l.ms)))} (CPU ${took(median(looks.map((l) => l.cpuMs)))})`;
  const ratio = (f: (l: Look) => number) => (median(fresh.map(f)) / median(kept.map(f))).toFixed(1);
  return [
    [`the board's look at the class, median of ${fresh.length}: new SSH connections`, cell(fresh)],
    ['  connections kept (as the board does)', `${cell(kept)}: ${ratio((l) => l.ms)}x the speed, ${ratio((l) => l.cpuMs)}x less CPU`],
  ];
}

export function renderWeb(one: WebFigures | null, many: WebClassFigures | null): string {
  const lines: string[] = [];
  if (one) {
    const shown = one.stepShown;
    lines.push(
      `lab web on ${one.lab}:`,
      ...table([
        ['', ''],
        [
          `step done on the page after the command returned (${shown.length} runs)`,
          shown.length ? `median ${ms(median(shown))}, max ${ms(Math.max(...shown))}` : '-',
        ],
        ['first load', weightCell(one.weight)],
        ...one.weight.largest.map((r) => [`  ${r.path}`, kib(r.bytes)]),
        ['loaded again', weightCell(one.again)],
      ]).slice(1),
      '',
    );
  }
  const head = ['', ...(one ? ['one page, one lab'] : []), ...(many ? [`${many.atStep1} pages on ${many.up} labs at once`] : [])];
  const echoes = [...(one ? [one.echo] : []), ...(many ? [many.echo] : [])];
  lines.push(
    `keystroke to its echo in the node's xterm${many ? ' (on one of the pages)' : ''}, and what the host holds with the page${many ? 's' : ''} open:`,
    ...table([
      head,
      [`p50 / p95 / max (${echoes.map((e) => `${e.length} keys`).join(', ')})`, ...echoes.map(echoCell)],
      ...heldRows([...(one ? [one.held] : []), ...(many ? [many.held] : [])]),
    ]),
  );
  if (many) {
    const wanted = many.up < many.requested ? ` of ${many.requested} asked for` : '';
    lines.push(
      '',
      `a class on one host (lab web --count ${many.up}):`,
      ...table([
        ['', ''],
        ['labs up', `${many.up}${wanted} in ${secs(many.upMs / 1000)}`],
        ['student pages at step 1, opened at once', `${many.atStep1} of ${many.up} in ${secs(many.openMs / 1000)}`],
        ['host memory available', `${mibs(many.memAvailableBefore)} before the labs, ${mibs(many.held.memAvailable)} with the pages open`],
        ...looksRows(many.looks),
        ['down, all labs', `${secs(many.downMs / 1000)}, ${many.left.length ? `LEFT: ${many.left.join(', ')}` : 'nothing left (containers, bridges)'}`],
        ...many.failures.map((f) => ['failed', f]),
      ]).slice(1),
    );
  }
  return lines.join('\n');
}
