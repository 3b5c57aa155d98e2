import { resolve } from 'node:path';
import type { Command } from 'commander';
import { runMatrix } from '../../matrix/run.js';
import { suiteFor } from '../../matrix/suites.js';
import { SCENARIOS_DIR } from '../../paths.js';
import { listScenarios } from '../../scenario/catalog.js';
import { commaList, labOf, wholeNumber, withLab, type CliContext } from '../context.js';

interface Options {
  lab: string;
  docker: string[];
  scenario?: string[];
  ignoreRequires?: boolean;
  baseline?: string;
  jobs: number;
  out: string;
}

export function register(program: Command, ctx: CliContext): void {
  withLab(program.command('matrix').description('every scenario on several Docker versions, one lxc lab each, one table'))
    .requiredOption('--docker <versions>', 'Docker versions or Debian suites, e.g. 20.10.24,26.1.5 or bullseye,trixie', commaList)
    .option('--scenario <names>', 'these scenarios only (default: all but sample)', commaList)
    .option('--ignore-requires', "run scenarios outside their declared Docker range, to see the daemon's refusal")
    .option('--baseline <matrix.json>', 'exit 1 only for a scenario that passed in the baseline and fails now')
    .option('--jobs <n>', 'labs side by side', wholeNumber(1), 1)
    .option('--out <dir>', 'where matrix.md, matrix.json and junit.xml go', 'runs/matrix')
    .action(async (o: Options) => {
      const lab = labOf(o);
      const scenarios = o.scenario?.length ? o.scenario : listScenarios(SCENARIOS_DIR).filter((s) => !s.problem && s.name !== 'sample').map((s) => s.name);
      const result = await runMatrix({
        base: lab,
        suites: o.docker.map(suiteFor),
        scenarios,
        ignoreRequires: o.ignoreRequires ?? false,
        jobs: o.jobs,
        outDir: resolve(o.out),
        ...(o.baseline ? { baseline: resolve(o.baseline) } : {}),
        signal: ctx.interruptions.signal,
      });
      console.log(`\n${result.table}`);
      if (result.regressions.length) console.log(`regressions against the baseline: ${result.regressions.map((c) => `${c.scenario} on ${c.column}`).join(', ')}`);
      ctx.exit(result.exitCode);
    });
}
