import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { ListrTask } from 'listr2';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { InputError, interruptedExitCode } from '../errors.js';
import { writeVagrantfile } from '../lab/files.js';
import { loadLab, type Lab } from '../lab/model.js';
import { downTasks } from '../lifecycle/down.js';
import { runTasks } from '../lifecycle/tasks.js';
import { cachedTargets } from '../lifecycle/targets.js';
import { upTasks } from '../lifecycle/up.js';
import { SCENARIOS_DIR } from '../paths.js';
import { PROVIDERS } from '../providers/index.js';
import { renderJson } from '../report/json.js';
import { renderJunit } from '../report/junit.js';
import { matrixHtml } from '../report/html/matrix-file.js';
import { loadScenario, runScenarios, type ScenarioResult } from '../scenario/command.js';
import { SshPool } from '../ssh/pool.js';
import { cellOf, lastMeaningfulLine, regressions, renderTable, type Cell } from './cells.js';
import { SUITE_VERSIONS, type Suite } from './suites.js';

export interface MatrixOptions {
  /** The user's lab: node names, resources and the subnet's shape come from it. */
  base: Lab;
  suites: Suite[];
  scenarios: string[];
  ignoreRequires: boolean;
  /** Labs brought up side by side. */
  jobs: number;
  outDir: string;
  baseline?: string;
  /** Also write matrix.html (`--reporter html`). */
  html?: boolean;
  signal?: AbortSignal;
}

export interface MatrixResult {
  /** 0, 1, or 128 + the signal's number when interrupted. */
  exitCode: number;
  cells: Cell[];
  columns: string[];
  table: string;
  regressions: Cell[];
}

const SEQUENTIAL = { concurrent: false, exitOnError: true } as const;

/** Each suite's lab has a fixed name and subnet: a stale one from an interrupted run is found and replaced. */
const SUBNET_OF: Record<Suite, number> = { bullseye: 231, bookworm: 232, trixie: 233, sid: 234 };

async function writeLab(base: Lab, suite: Suite, dir: string): Promise<Lab> {
  const third = SUBNET_OF[suite];
  const v = SUITE_VERSIONS[suite];
  const raw = {
    name: `dlab-m-${suite}`,
    network: { subnet: `192.168.${third}.0/24` },
    suite,
    docker: { version: v.docker },
    etcd: { version: v.etcd },
    boxes: { lxc: `docker-lab/${suite}` },
    nodes: base.nodes.map((n, i) => ({ name: n.name, ip: `192.168.${third}.${10 + i}`, memory: n.memory, cpus: n.cpus })),
  };
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'lab.yaml');
  await writeFile(file, `# Written by \`lab matrix\` for Debian ${suite}.\n${stringify(raw)}`);
  const lab = loadLab(file);
  await writeVagrantfile(lab);
  return lab;
}

async function daemonVersion(lab: Lab): Promise<string> {
  const pool = await SshPool.open((await cachedTargets(lab))!);
  try {
    const r = await pool.session(lab.nodes[0]!.name).exec("docker version --format '{{.Server.Version}}'", { timeoutMs: 20_000 });
    return r.stdout.trim() || 'unknown';
  } finally {
    await pool.close();
  }
}

/**
 * For each suite: a lab of its own comes up (real Vagrant, real LXC), the scenarios run on it, and it comes
 * down whatever happened. Labs run side by side up to `jobs`. Only the lxc provider is used: it is the one a
 * host without virtualization has, and a suite's box pins the Docker version.
 */
export async function runMatrix(opts: MatrixOptions): Promise<MatrixResult> {
  // Bad input is found before any lab comes up.
  const plans = opts.scenarios.map((n) => loadScenario(n, { scenariosDir: SCENARIOS_DIR, lab: opts.base }));
  const baseline = opts.baseline ? await readBaseline(opts.baseline) : null;
  const provider = PROVIDERS.lxc;
  const columns = new Map<Suite, { column: string; results: ScenarioResult[]; error?: string }>();

  const suiteTask = (suite: Suite): ListrTask => ({
    title: `Debian ${suite} (Docker ${SUITE_VERSIONS[suite].docker})`,
    task: async (_, task) => {
      const entry: { column: string; results: ScenarioResult[]; error?: string } = { column: `${suite} (not up)`, results: [] };
      columns.set(suite, entry);
      const lab = await writeLab(opts.base, suite, join(opts.outDir, 'labs', suite));
      try {
        // Nested lists inherit the parent's concurrency (labs side by side): a lab's own steps must stay in order.
        await task.newListr(downTasks(lab, provider), SEQUENTIAL).run(); // a stale lab of an interrupted run
        await task.newListr(upTasks(lab, provider, { hostnames: {} }, opts.signal), SEQUENTIAL).run();
        entry.column = `${suite} ${await daemonVersion(lab)}`;
        task.title = `Debian ${suite}: Docker ${entry.column.split(' ')[1]}, running ${opts.scenarios.join(', ')}`;
        const run = await runScenarios(plans, {
          lab,
          targets: (await cachedTargets(lab))!,
          quiet: true,
          ignoreRequires: opts.ignoreRequires,
          runDir: join(opts.outDir, 'runs', suite),
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
        entry.results = run.results;
        task.title = `Debian ${suite}, Docker ${entry.column.split(' ')[1]}: ${run.results.map((r) => `${r.name} ${r.status}`).join(', ')}`;
      } catch (err) {
        entry.error = (err as Error).message;
        throw err;
      } finally {
        await task.newListr(downTasks(lab, provider), { concurrent: false, exitOnError: false }).run();
      }
    },
  });

  await runTasks(opts.suites.map(suiteTask), {}, { concurrent: opts.jobs, exitOnError: false }).catch(() => undefined);
  return report(opts, columns, plans.map((p) => p.name), baseline);
}

async function readBaseline(file: string): Promise<Cell[]> {
  try {
    const data = JSON.parse(await readFile(file, 'utf8')) as { cells?: Cell[] };
    if (!Array.isArray(data.cells)) throw new Error('no "cells" array');
    return data.cells;
  } catch (err) {
    throw new InputError(`--baseline ${file}: not a matrix.json from \`lab matrix\` (${(err as Error).message})`);
  }
}

async function report(
  opts: MatrixOptions,
  columns: Map<Suite, { column: string; results: ScenarioResult[]; error?: string }>,
  scenarios: string[],
  baseline: Cell[] | null,
): Promise<MatrixResult> {
  const cells: Cell[] = [];
  for (const { column, results, error } of columns.values()) {
    for (const name of scenarios) {
      const result = results.find((r) => r.name === name);
      cells.push(result ? cellOf(result, column) : { scenario: name, column, status: 'failed', detail: `the lab did not come up: ${lastMeaningfulLine(error ?? 'unknown error')}`, durationMs: 0 });
    }
  }
  const names = opts.suites.map((s) => columns.get(s)?.column ?? s);
  const table = renderTable(cells, names, scenarios);
  const found = baseline ? regressions(cells, baseline) : [];
  const aborted = opts.signal?.aborted ?? false;
  const failed = baseline ? found.length > 0 : cells.some((c) => c.status === 'failed' || c.status === 'aborted');
  const exitCode = aborted ? interruptedExitCode(opts.signal) : failed ? 1 : 0;

  const all = [...columns.values()].flatMap(({ column, results }) => results.map((r) => ({ ...r, name: `${r.name} [${column}]` })));
  await mkdir(opts.outDir, { recursive: true });
  await writeFile(join(opts.outDir, 'matrix.md'), table);
  await writeFile(join(opts.outDir, 'matrix.json'), `${JSON.stringify({ exitCode, columns: names, cells, regressions: found }, null, 2)}\n`);
  await writeFile(join(opts.outDir, 'junit.xml'), renderJunit(all));
  await writeFile(join(opts.outDir, 'results.json'), renderJson(all, exitCode));
  if (opts.html) await writeFile(join(opts.outDir, 'matrix.html'), await matrixHtml(cells, names, columns, scenarios));
  return { exitCode, cells, columns: names, table, regressions: found };
}
