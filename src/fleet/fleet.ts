/**
 * A teacher's labs: N labs stamped from one lab.yaml (`--count N`), brought up, checked, run and brought down
 * together. Each lab is an ordinary lab in a folder of its own; this only fans the lifecycle out, with listr2
 * showing one line per lab.
 */
import { join } from 'node:path';
import type { ListrTask } from 'listr2';
import { InputError } from '../errors.js';
import { formatTime } from '../format.js';
import { type Lab, toLab } from '../lab/model.js';
import { stampRaw } from '../lifecycle/derived-labs.js';
import { downTasks } from '../lifecycle/down.js';
import { recordedProvider } from '../lifecycle/record.js';
import { formatStatus, status } from '../lifecycle/status.js';
import { requireTargets } from '../lifecycle/targets.js';
import { runTasks } from '../lifecycle/tasks.js';
import { upTasks } from '../lifecycle/up.js';
import { SCENARIOS_DIR } from '../paths.js';
import { chooseProvider, type RegisteredProvider } from '../providers/index.js';
import { runScenarios } from '../run/scenarios.js';
import { loadLesson } from '../scenario/lesson.js';
import { firstFailure, type ScenarioResult } from '../scenario/results.js';

const SEQUENTIAL = { concurrent: false, exitOnError: true } as const;

/** How one lab of the fleet ended. */
export interface LabOutcome {
  lab: Lab;
  ok: boolean;
  error?: string;
  durationMs: number;
}

/** Checked once for the whole fleet: labs starting side by side would each see room for itself alone. */
async function checkFleetFits(labs: readonly Lab[], provider: RegisteredProvider): Promise<void> {
  const finding = await provider.roomForLabs?.(labs);
  if (finding && !finding.ok) throw new InputError(`${labs.length} labs: ${finding.what}${finding.fix ? `\n  fix: ${finding.fix}` : ''}`);
}

async function fanOut(labs: readonly Lab[], jobs: number, title: (lab: Lab) => string, tasks: (lab: Lab) => ListrTask[]): Promise<LabOutcome[]> {
  const outcomes: LabOutcome[] = [];
  await runTasks(
    labs.map((lab) => ({
      title: title(lab),
      task: async (_, task) => {
        const t0 = performance.now();
        try {
          await task.newListr(tasks(lab), SEQUENTIAL).run();
          outcomes.push({ lab, ok: true, durationMs: performance.now() - t0 });
        } catch (err) {
          outcomes.push({ lab, ok: false, error: (err as Error).message, durationMs: performance.now() - t0 });
          throw err;
        }
      },
    })),
    {},
    { concurrent: jobs, exitOnError: false },
  ).catch(() => undefined);
  return labs.map((lab) => outcomes.find((o) => o.lab === lab)!);
}

/**
 * The labs `up --count N` stamps from `base`, where it writes them, without writing anything: for commands
 * that only read them (whether each is up is then the lab's own record, as for any lab).
 */
export function stampedLabs(base: Lab, count: number): Lab[] {
  const raws = Array.from({ length: count }, (_, i) => stampRaw(base, i + 1, count));
  return raws.map((raw) => toLab(raw, join(base.dir, 'labs', raw.name, 'lab.yaml')));
}

/** Brings the labs up, `jobs` at a time, after one preflight of the host for all of them. */
export async function fleetUp(labs: readonly Lab[], provider: RegisteredProvider, jobs: number, signal?: AbortSignal): Promise<LabOutcome[]> {
  await checkFleetFits(labs, provider);
  return fanOut(
    labs,
    jobs,
    (lab) => `up ${lab.name} (${lab.network.cidr})`,
    (lab) => upTasks(lab, provider, { hostnames: {} }, signal),
  );
}

/** Brings every lab down with the provider it was brought up with. No signal: `down` is the cleanup. */
export async function fleetDown(labs: readonly Lab[], fallback: string | undefined, jobs: number): Promise<LabOutcome[]> {
  const providers = new Map<Lab, RegisteredProvider>();
  for (const lab of labs) {
    const recorded = fallback ?? (await recordedProvider(lab));
    if (recorded) providers.set(lab, await chooseProvider(lab, recorded));
  }
  // A lab that is not up has nothing to come down: its list is empty.
  return fanOut(
    labs,
    jobs,
    (lab) => `down ${lab.name}${providers.has(lab) ? '' : ': not up'}`,
    (lab) => (providers.has(lab) ? downTasks(lab, providers.get(lab)!) : []),
  );
}

export async function fleetStatus(labs: readonly Lab[], flag: string | undefined): Promise<string> {
  const parts = await Promise.all(
    labs.map(async (lab) => {
      const recorded = flag ?? (await recordedProvider(lab));
      if (!recorded) return `lab ${lab.name} is not up from ${lab.dir}`;
      const provider = await chooseProvider(lab, recorded);
      return formatStatus(lab, provider, await status(lab, provider));
    }),
  );
  return parts.join('\n');
}

/** One lab's run of the scenarios, for the fleet's summary. */
interface LabScenarios {
  lab: Lab;
  results: ScenarioResult[];
  /** Why nothing ran (the lab is not up, a node did not answer). */
  error?: string;
}

/** Runs the scenarios on every lab at once, each lab over its own connections; quiet, one summary line each. */
export async function fleetScenarios(
  labs: readonly Lab[],
  names: readonly string[],
  options: { runDir: string; signal?: AbortSignal },
): Promise<LabScenarios[]> {
  // Every file is checked against every lab before anything runs on a node.
  const plans = new Map(labs.map((lab) => [lab, names.map((n) => loadLesson(n, { scenariosDir: SCENARIOS_DIR, lab }))]));
  return Promise.all(
    labs.map(async (lab): Promise<LabScenarios> => {
      try {
        const targets = await requireTargets(lab);
        const run = await runScenarios(plans.get(lab)!, {
          lab,
          targets,
          quiet: true,
          runDir: join(options.runDir, lab.name),
          ...(options.signal ? { signal: options.signal } : {}),
        });
        return { lab, results: run.results };
      } catch (err) {
        return { lab, results: [], error: (err as Error).message };
      }
    }),
  );
}

/** `docker-lab-03: overlay passed (31.2 s)`, a failure with its first cause, or why the lab ran nothing. Pure. */
export function scenariosLine({ lab, results, error }: LabScenarios): string {
  if (error) return `${lab.name}: ${error}`;
  const one = (r: ScenarioResult) => {
    const cause = r.status === 'failed' || r.status === 'aborted' ? firstFailure(r) : null;
    return `${r.name} ${r.status}${r.status === 'skipped' ? '' : ` (${formatTime(r.durationMs)})`}${cause ? `: ${cause}` : ''}`;
  };
  return `${lab.name}: ${results.map(one).join(', ')}`;
}
