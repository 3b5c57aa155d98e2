import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ListrTask } from 'listr2';
import { InputError, interruptedExitCode } from '../errors.js';
import type { Lab } from '../lab/model.js';
import { writeDerivedLab } from '../lifecycle/derived-labs.js';
import { downTasks } from '../lifecycle/down.js';
import { requireTargets } from '../lifecycle/targets.js';
import { runTasks } from '../lifecycle/tasks.js';
import { upTasks } from '../lifecycle/up.js';
import { SCENARIOS_DIR } from '../paths.js';
import { matrixProvider, type RegisteredProvider } from '../providers/index.js';
import type { Cell } from '../report/cell.js';
import { runScenarios } from '../run/scenarios.js';
import { DOCKER_SERVER_VERSION } from '../scenario/engine/remote.js';
import { loadLesson } from '../scenario/lesson.js';
import { SshPool } from '../ssh/pool.js';
import { mergeShards } from './merge.js';
import { type LabRun, type MatrixResult, writeMatrix } from './report.js';
import { describeShare, type LabShare, type Shard, shardLabel, shareOf, WHOLE } from './shard.js';
import { fingerprintOf, readShardRecord, writeShardRecord } from './shard-record.js';
import { shuffled } from './shuffle.js';
import { SUITE_VERSIONS, type Suite } from './suites.js';

interface MatrixOptions {
  /** The user's lab: node names, resources and the subnet's shape come from it. */
  base: Lab;
  suites: Suite[];
  scenarios: string[];
  ignoreRequires: boolean;
  /** This machine's share of the cells; the whole matrix when absent. */
  shard?: Shard;
  /** Names the run across its shards (a CI run's id); by default the plan's fingerprint. */
  runId?: string;
  /** Each lab runs its scenarios in an order drawn from this seed instead of the order given. */
  shuffle?: string;
  /** Labs brought up side by side. */
  jobs: number;
  outDir: string;
  baseline?: string;
  signal?: AbortSignal;
  /** Told which cells this run takes, before any lab comes up. */
  onShare?(text: string): void;
  /** Also write matrix.html (`--reporter html`): the table, each cell linking to its details. */
  html?: boolean;
}

const SEQUENTIAL = { concurrent: false, exitOnError: true } as const;

/** Each suite's lab has a fixed name and subnet: a stale one from an interrupted run is found and replaced. */
const SUBNET_OF: Record<Suite, number> = { bullseye: 231, bookworm: 232, trixie: 233, sid: 234 };

function writeLab(base: Lab, suite: Suite, provider: RegisteredProvider, dir: string): Promise<Lab> {
  const third = SUBNET_OF[suite];
  const v = SUITE_VERSIONS[suite];
  return writeDerivedLab(
    dir,
    {
      name: `dlab-m-${suite}`,
      network: { subnet: `192.168.${third}.0/24` },
      suite,
      docker: { version: v.docker },
      etcd: { version: v.etcd },
      boxes: { [provider.name]: `docker-lab/${suite}` },
      resources: {},
      nodes: base.nodes.map((n, i) => ({ name: n.name, ip: `192.168.${third}.${10 + i}`, memory: n.memory, cpus: n.cpus })),
    },
    `Written by \`lab matrix\` for Debian ${suite}.`,
  );
}

async function daemonVersion(lab: Lab): Promise<string> {
  const pool = await SshPool.open(await requireTargets(lab));
  try {
    const r = await pool.session(lab.nodes[0]!.name).exec(DOCKER_SERVER_VERSION, { timeoutMs: 20_000 });
    return r.stdout.trim() || 'unknown';
  } finally {
    await pool.close();
  }
}

/**
 * For each suite in this machine's share: a lab of its own comes up (real Vagrant, on the provider that runs the
 * matrix), the share's scenarios run on it, and it comes down whatever happened. Labs run side by side up to `jobs`.
 */
export async function runMatrix(opts: MatrixOptions): Promise<MatrixResult> {
  // Bad input is found before any lab comes up.
  // A row per lesson: each lab runs the way of it that its Docker fits, and the cell says which.
  const lessons = opts.scenarios.map((n) => loadLesson(n, { scenariosDir: SCENARIOS_DIR, lab: opts.base }));
  const plan = { suites: opts.suites, scenarios: lessons.map((l) => l.name) };
  const shard = opts.shard ?? WHOLE;
  const baseline = opts.baseline ? await readBaseline(opts.baseline) : null;
  const fingerprint = fingerprintOf(
    { ...plan, ignoreRequires: opts.ignoreRequires },
    shard.count,
    await Promise.all(lessons.flatMap((l) => l.variants).map((p) => readFile(p.file, 'utf8'))),
  );
  const share = shareOf(plan, shard);
  opts.onShare?.(`shard ${shardLabel(shard)} runs ${describeShare(share)}`);
  const provider = matrixProvider();
  const labs: LabRun[] = [];

  const labTask = ({ suite, scenarios }: LabShare): ListrTask => ({
    title: `Debian ${suite} (Docker ${SUITE_VERSIONS[suite].docker})`,
    task: async (_, task) => {
      const entry: LabRun = { suite, scenarios, results: [] };
      labs.push(entry);
      const lab = await writeLab(opts.base, suite, provider, join(opts.outDir, 'labs', suite));
      try {
        // Nested lists inherit the parent's concurrency (labs side by side): a lab's own steps must stay in order.
        await task.newListr(downTasks(lab, provider), SEQUENTIAL).run(); // a stale lab of an interrupted run
        await task.newListr(upTasks(lab, provider, { hostnames: {} }, opts.signal), SEQUENTIAL).run();
        entry.docker = await daemonVersion(lab);
        const order = opts.shuffle === undefined ? scenarios : shuffled(scenarios, opts.shuffle, suite);
        task.title = `Debian ${suite}: Docker ${entry.docker}, running ${order.join(', ')}${opts.shuffle === undefined ? '' : ` (shuffled by seed ${opts.shuffle})`}`;
        const run = await runScenarios(
          order.map((name) => lessons.find((l) => l.name === name)!),
          {
            lab,
            targets: await requireTargets(lab),
            quiet: true,
            ignoreRequires: opts.ignoreRequires,
            runDir: join(opts.outDir, 'runs', suite),
            ...(opts.signal ? { signal: opts.signal } : {}),
          },
        );
        entry.results = run.results;
        task.title = `Debian ${suite}, Docker ${entry.docker}: ${run.results.map((r) => `${r.name} ${r.status}`).join(', ')}`;
      } catch (err) {
        entry.error = (err as Error).message;
        throw err;
      } finally {
        await task.newListr(downTasks(lab, provider), { concurrent: false, exitOnError: false }).run();
      }
    },
  });

  await runTasks(share.map(labTask), {}, { concurrent: opts.jobs, exitOnError: false }).catch(() => undefined);
  await mkdir(opts.outDir, { recursive: true });
  await writeShardRecord(opts.outDir, { run: opts.runId ?? fingerprint, fingerprint, plan: { ...plan, ignoreRequires: opts.ignoreRequires }, shard, labs });
  const aborted = opts.signal?.aborted ?? false;
  // A shard's own table has the columns of its share; `merge` puts all of them back together.
  const shown = { suites: share.map((s) => s.suite), scenarios: plan.scenarios };
  return writeMatrix(opts.outDir, shown, labs, {
    baseline,
    html: opts.html ?? false,
    ...(aborted ? { interruptedExitCode: interruptedExitCode(opts.signal) } : {}),
  });
}

/** `lab matrix merge`: the shards' folders into one matrix in `outDir`, as an unsharded run would have written it. */
export async function mergeMatrix(dirs: readonly string[], outDir: string, baselineFile?: string, html = false): Promise<MatrixResult> {
  const found = await Promise.all(dirs.map(async (dir) => ({ dir, record: await readShardRecord(dir) })));
  const { plan, labs } = mergeShards(found);
  return writeMatrix(outDir, plan, labs, { baseline: baselineFile ? await readBaseline(baselineFile) : null, html });
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
