/**
 * `lab up|status|scenario|down --count N`: the same command on the N labs stamped from one lab.yaml
 * (`<name>-01..N` on consecutive /24 subnets, written under `<lab folder>/labs/`).
 */
import { resolve } from 'node:path';
import { InputError } from '../errors.js';
import { fleetDown, fleetScenarios, fleetStatus, fleetUp, type LabOutcome, scenariosLine } from '../fleet/fleet.js';
import { formatTime } from '../format.js';
import type { Lab } from '../lab/model.js';
import { stampLabs } from '../lifecycle/derived-labs.js';
import { chooseProvider } from '../providers/index.js';
import type { CliContext } from './context.js';

const FLEET_COMMANDS = ['up', 'down', 'status', 'scenario'] as const;

interface FleetArgs {
  count: number;
  /** Labs brought up or down side by side. */
  jobs: number;
  provider?: string | undefined;
  runDir?: string | undefined;
}

function outcomes(verb: string, list: LabOutcome[]): number {
  for (const o of list) console.log(`${o.lab.name}: ${o.ok ? verb : `failed: ${o.error}`} (${formatTime(o.durationMs)})`);
  return list.every((o) => o.ok) ? 0 : 1;
}

/** What a fleet command needs of the CLI's signal handling. */
export function fleetRun(ctx: CliContext): { signal: AbortSignal; finishFirst(what: string): void } {
  return { signal: ctx.interruptions.signal, finishFirst: (w) => ctx.interruptions.finishFirst(w) };
}

export async function fleetCommand(
  command: (typeof FLEET_COMMANDS)[number],
  base: Lab,
  names: string[],
  args: FleetArgs,
  run: { signal: AbortSignal; finishFirst(what: string): void },
): Promise<number> {
  const { count, jobs } = args;
  const labs = await stampLabs(base, count);
  switch (command) {
    case 'up':
      return outcomes('up', await fleetUp(labs, await chooseProvider(base, args.provider, (line) => console.log(line)), jobs, run.signal));
    case 'down':
      run.finishFirst('the cleanup');
      return outcomes('down', await fleetDown(labs, args.provider, jobs));
    case 'status':
      console.log(await fleetStatus(labs, args.provider));
      return 0;
    case 'scenario': {
      if (names.length === 0) throw new InputError('scenario --count: name the scenarios to run on every lab');
      const done = await fleetScenarios(labs, names, { runDir: resolve(args.runDir ?? 'runs'), signal: run.signal });
      for (const d of done) console.log(scenariosLine(d));
      return done.every((d) => !d.error && d.results.every((r) => r.status === 'passed' || r.status === 'skipped')) ? 0 : 1;
    }
  }
}
