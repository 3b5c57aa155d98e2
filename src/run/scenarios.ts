/**
 * Runs scenarios on a lab and writes their reports: above both the scenario engine and the reporters, so that
 * neither knows the other. Used by the CLI and the matrix.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError, interruptedExitCode } from '../errors.js';
import { provideImages } from '../images/provide.js';
import type { Lab } from '../lab/model.js';
import { ConsoleReporter } from '../report/console.js';
import { renderScenarioHtml } from '../report/html/scenario.js';
import { readSnapshots } from '../report/html/snapshots.js';
import { renderJson } from '../report/json.js';
import { renderJunit } from '../report/junit.js';
import { wantsPlainOutput } from '../report/plain.js';
import { PlainReporter } from '../report/plain-lines.js';
import { repeatLine, repeatSummary } from '../report/repeat.js';
import { type DockerVersions, unmetRequirement } from '../scenario/engine/requirements.js';
import { type RunObserver, runScenario } from '../scenario/engine/run.js';
import { measureSpeed, type NodeSpeed, stretchSession } from '../scenario/engine/speed.js';
import { chooseVariant, type Lesson } from '../scenario/lesson.js';
import type { ScenarioPlan } from '../scenario/plan.js';
import type { ScenarioResult } from '../scenario/results.js';
import { SshPool } from '../ssh/pool.js';
import type { SshTarget } from '../ssh/target.js';
import { recordKept } from './kept.js';

export interface RunScenariosOptions {
  lab: Lab;
  targets: SshTarget[];
  /** Leave everything in place: no cleanup, background processes keep running. */
  keep?: boolean;
  /** Run even when `requires` is not met. */
  ignoreRequires?: boolean;
  reporter?: 'junit' | 'json' | 'html';
  /** Where the junit/json report goes; default `<runDir>/report.xml` or `<runDir>/report.json`. */
  output?: string;
  /** Ctrl-C or SIGTERM: aborts the current step, then cleanup runs; exit code 128 + the signal's number. */
  signal?: AbortSignal;
  /** Parent folder of the per-run transcript folders; default `runs`. */
  runDir?: string;
  /** No console report (tests, or when only the junit/json report is wanted). */
  quiet?: boolean;
  /** Run the scenarios this many times in a row (default 1); each run is a result of its own, numbered. */
  repeat?: number;
}

/**
 * Lab nodes sit on a local bridge, where a handshake takes well under a second: a node that needs 8 s is gone,
 * and a silent connection is declared dead after 3 unanswered keepalives 2 s apart, not after 20 s. Both bound
 * how long a run that lost a node waits before it says so and cleans up the others.
 */
const SESSION_OPTIONS = { readyTimeoutMs: 8_000, keepaliveIntervalMs: 2_000, keepaliveCountMax: 3 };

interface RunScenariosResult {
  /** 0, 1, or 128 + the signal's number when interrupted. */
  exitCode: number;
  results: ScenarioResult[];
  /** The junit/json report file, when one was written. */
  reportFile?: string;
}

/**
 * Runs lessons one after the other over one SSH connection per node, each in the way the lab's Docker fits.
 * Exit code: 0 all passed or skipped, 1 a step failed, 130/143 interrupted (cleanup ran). Unreachable nodes or
 * missing targets throw InputError before anything runs.
 */
export async function runScenarios(lessons: readonly Lesson[], options: RunScenariosOptions): Promise<RunScenariosResult> {
  const runDir = options.runDir ?? 'runs';
  const missing = options.lab.nodes.filter((n) => !options.targets.some((t) => t.node === n.name)).map((n) => n.name);
  if (missing.length) throw new InputError(`no SSH target for ${missing.join(', ')} (read from vagrant ssh-config; is the lab up?)`);
  const targets = options.targets.filter((t) => options.lab.nodes.some((n) => n.name === t.node));

  let pool = await SshPool.open(targets, SESSION_OPTIONS);
  const results: ScenarioResult[] = [];
  let speed: NodeSpeed;
  try {
    speed = await measureSpeed(pool, options.signal);
  } catch (err) {
    await pool.close();
    throw err;
  }
  if (speed.factor > 1) {
    // A slow node also answers keepalives late: reconnect with the dead-node limits stretched alike.
    await pool.close();
    pool = await SshPool.open(targets, stretchSession(SESSION_OPTIONS, speed.factor));
  }
  const observer: RunObserver | undefined = options.quiet ? undefined : wantsPlainOutput() ? new PlainReporter() : new ConsoleReporter();
  const dockerVersions: DockerVersions = new Map();
  const repeat = options.repeat ?? 1;
  const ran: ScenarioPlan[] = [];
  const say = (line: string) => {
    if (!options.quiet) process.stdout.write(`${line}\n`);
  };
  if (speed.factor > 1) say(`slow nodes (10 process starts take ${speed.probeMs} ms): timeouts and retry deadlines x${speed.factor}`);
  try {
    for (let run = 1; run <= repeat; run++) {
      for (const lesson of lessons) {
        if (options.signal?.aborted) break; // the interrupted scenario has cleaned up; the rest do not start
        // Ranges ignored choose nothing: the course's own way runs, to show what the daemon makes of it.
        const plan = options.ignoreRequires
          ? lesson.variants[0]
          : await chooseVariant(lesson, (range) => unmetRequirement(range, pool, options.lab, dockerVersions));
        ran.push(plan);
        if (await needsImages(plan, pool, options, dockerVersions)) {
          await provideImages(plan.images, { pool, lab: options.lab, log: say, ...(options.signal ? { signal: options.signal } : {}) });
        }
        const result = await runScenario(plan, {
          pool,
          lab: options.lab,
          keep: options.keep ?? false,
          ignoreRequires: options.ignoreRequires ?? false,
          runDir,
          dockerVersions,
          speedFactor: speed.factor,
          ...(options.signal ? { signal: options.signal } : {}),
          ...(observer ? { observer } : {}),
        });
        results.push(repeat > 1 ? { ...result, run } : result);
        if (repeat > 1) say(repeatLine(results[results.length - 1]!, repeat));
      }
    }
  } finally {
    await pool.close();
  }
  if (repeat > 1) for (const line of repeatSummary(results)) say(line);
  if (options.keep)
    recordKept(
      options.lab,
      ran.filter((p, i) => ran.indexOf(p) === i && results.some((r) => r.name === p.name && r.status !== 'skipped')),
    );

  const exitCode =
    options.signal?.aborted || results.some((r) => r.status === 'aborted')
      ? interruptedExitCode(options.signal)
      : results.some((r) => r.status === 'failed')
        ? 1
        : 0;
  if (!options.reporter) return { exitCode, results };
  const reportFile = options.output ?? join(runDir, `report.${{ junit: 'xml', json: 'json', html: 'html' }[options.reporter]}`);
  mkdirSync(dirname(reportFile), { recursive: true });
  writeFileSync(
    reportFile,
    options.reporter === 'junit'
      ? renderJunit(results)
      : options.reporter === 'json'
        ? renderJson(results, exitCode)
        : renderScenarioHtml(results, await readSnapshots(results)),
  );
  return { exitCode, results, reportFile };
}

/** Whether the plan's images must be on the nodes first: it lists some, and it will run (not be skipped for its Docker range). */
async function needsImages(plan: ScenarioPlan, pool: SshPool, options: RunScenariosOptions, versions: DockerVersions): Promise<boolean> {
  if (!plan.images.length) return false;
  if (options.ignoreRequires || !plan.requires) return true;
  return (await unmetRequirement(plan.requires.docker, pool, options.lab, versions)) === null;
}
