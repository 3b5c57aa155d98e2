/**
 * `lab up|status|scenario|down --count N`: the same command on the N labs stamped from one lab.yaml
 * (`<name>-01..N` on consecutive /24 subnets, written under `<lab folder>/labs/`).
 */
import { resolve } from 'node:path';
import { InputError } from '../errors.js';
import { stampLabs } from '../lab/derived.js';
import type { Lab } from '../lab/model.js';
import { fleetDown, fleetScenarios, fleetStatus, fleetUp, scenariosLine, type LabOutcome } from '../fleet/fleet.js';
import { chooseProvider } from '../providers/index.js';

export const FLEET_COMMANDS = ['up', 'down', 'status', 'scenario'] as const;

export interface FleetArgs {
  count: string;
  jobs?: string | undefined;
  provider?: string | undefined;
  'run-dir'?: string | undefined;
}

function whole(flag: string, text: string | undefined, fallback: number): number {
  const n = Number(text ?? fallback);
  if (!Number.isInteger(n) || n < 1) throw new InputError(`${flag}: '${text}' is not a whole number of at least 1`);
  return n;
}

function outcomes(verb: string, list: LabOutcome[]): number {
  for (const o of list) console.log(`${o.lab.name}: ${o.ok ? verb : `failed: ${o.error}`} (${(o.durationMs / 1000).toFixed(1)} s)`);
  return list.every((o) => o.ok) ? 0 : 1;
}

export async function fleetCommand(
  command: (typeof FLEET_COMMANDS)[number],
  base: Lab,
  names: string[],
  args: FleetArgs,
  run: { signal: AbortSignal; finishFirst(what: string): void },
): Promise<number> {
  const count = whole('--count', args.count, 1);
  const jobs = whole('--jobs', args.jobs, 4);
  const labs = await stampLabs(base, count);
  switch (command) {
    case 'up':
      return outcomes('up', await fleetUp(labs, await chooseProvider(base, args.provider), jobs, run.signal));
    case 'down':
      run.finishFirst('the cleanup');
      return outcomes('down', await fleetDown(labs, args.provider, jobs));
    case 'status':
      console.log(await fleetStatus(labs, args.provider));
      return 0;
    case 'scenario': {
      if (names.length === 0) throw new InputError('scenario --count: name the scenarios to run on every lab');
      const done = await fleetScenarios(labs, names, { runDir: resolve(args['run-dir'] ?? 'runs'), signal: run.signal });
      for (const d of done) console.log(scenariosLine(d));
      return done.every((d) => !d.error && d.results.every((r) => r.status === 'passed' || r.status === 'skipped')) ? 0 : 1;
    }
  }
}
