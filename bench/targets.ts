/**
 * `npm run bench -- --targets [--lab FILE]`: the speed targets, measured one after another in one run and shown
 * beside each other, each with its ratio to the target:
 *  1. a fresh machine to a passed overlay: `lab up` then `lab scenario overlay`, the README's first command, with
 *     a Vagrant home of its own, so the box is built from nothing (its packages downloaded again);
 *  2. the whole course on those nodes, warm: up, and with the course images already on them;
 *  3. every scenario on four engines: `lab matrix --docker bullseye,bookworm,trixie,sid --jobs 4`, boxes cached.
 * Each runs as the CLI a user types, in a process of its own. The lab must be down: its nodes are the fresh ones.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { COURSE_IMAGES } from '../src/images/catalog.js';
import { provideImages } from '../src/images/provide.js';
import type { Lab } from '../src/lab/model.js';
import { recordedProvider } from '../src/lifecycle/record.js';
import { requireTargets } from '../src/lifecycle/targets.js';
import { PROJECT_ROOT } from '../src/paths.js';
import { SshPool } from '../src/ssh/pool.js';
import { recordedBuilds } from './images.js';
import { renderRecordedBuilds, renderTargets, type TargetFigures } from './report.js';

const MATRIX_SUITES = 'bullseye,bookworm,trixie,sid';

/** The CLI as a user runs it, its output passed through; seconds it took, and whether it succeeded. */
async function lab(args: string[], env: Record<string, string> = {}): Promise<{ seconds: number; ok: boolean }> {
  console.log(`\n$ lab ${args.join(' ')}`);
  const t0 = performance.now();
  const r = await execa('node', [join(PROJECT_ROOT, 'bin', 'lab.js'), ...args], { env, stdin: 'ignore', stdout: 'inherit', stderr: 'inherit', reject: false });
  return { seconds: (performance.now() - t0) / 1000, ok: r.exitCode === 0 };
}

async function courseImagesOnNodes(base: Lab): Promise<void> {
  const pool = await SshPool.open(await requireTargets(base));
  try {
    await provideImages(COURSE_IMAGES, { pool, lab: base, log: (line) => console.log(line) });
  } finally {
    await pool.close();
  }
}

async function matrixCells(outDir: string): Promise<TargetFigures['matrix']['cells']> {
  const { cells } = JSON.parse(await readFile(join(outDir, 'matrix.json'), 'utf8')) as { cells: { status: string }[] };
  const count = (status: string) => cells.filter((c) => c.status === status).length;
  return { passed: count('passed'), skipped: count('skipped'), failed: cells.length - count('passed') - count('skipped') };
}

export async function benchTargets(base: Lab, scenarios: readonly string[]): Promise<number> {
  const provider = await recordedProvider(base);
  if (provider) {
    console.error(`lab ${base.name} (${base.file}) is up on ${provider}: its nodes are the fresh ones here; run \`npm run down -- --lab ${base.file}\` first`);
    return 2;
  }
  const at = ['--lab', base.file];
  const vagrantHome = await mkdtemp(join(tmpdir(), 'docker-lab-bench-vagrant-'));
  const fresh = { VAGRANT_HOME: vagrantHome };
  let figures: TargetFigures;
  try {
    const failed = { seconds: 0, ok: false };
    let up = failed;
    let overlay = failed;
    let course = failed;
    try {
      up = await lab(['up', ...at], fresh);
      if (up.ok) overlay = await lab(['scenario', 'overlay', ...at], fresh);
      if (overlay.ok) {
        await courseImagesOnNodes(base);
        course = await lab(['scenario', ...scenarios, ...at], fresh);
      }
    } finally {
      await lab(['down', ...at], fresh);
    }
    const out = await mkdtemp(join(tmpdir(), 'docker-lab-bench-matrix-'));
    const matrix = await lab(['matrix', '--docker', MATRIX_SUITES, '--jobs', '4', '--out', out, ...at]);
    figures = {
      fresh: { up: up.seconds, overlay: overlay.seconds, ok: up.ok && overlay.ok },
      course: { seconds: course.seconds, scenarios: scenarios.length, ok: course.ok },
      matrix: { seconds: matrix.seconds, engines: MATRIX_SUITES.split(',').length, cells: await matrixCells(out) },
    };
    await rm(out, { recursive: true, force: true });
  } finally {
    await rm(vagrantHome, { recursive: true, force: true });
  }
  console.log(`\n${renderTargets(figures)}\n\n${renderRecordedBuilds(await recordedBuilds())}`);
  return figures.fresh.ok && figures.course.ok && figures.matrix.cells.failed === 0 ? 0 : 1;
}
