import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { InputError } from '../../errors.js';
import type { MatrixResult } from '../../matrix/report.js';
import { mergeMatrix, runMatrix } from '../../matrix/run.js';
import { parseShard } from '../../matrix/shard.js';
import { suiteFor } from '../../matrix/suites.js';
import { SCENARIOS_DIR } from '../../paths.js';
import { matrixProvider } from '../../providers/index.js';
import { listLessons } from '../../scenario/lesson.js';
import { type CliContext, commaList, labOf, wholeNumber, withLab } from '../context.js';

interface Options {
  lab: string;
  docker?: string[];
  scenario?: string[];
  ignoreRequires?: boolean;
  baseline?: string;
  jobs: number;
  out: string;
  shard?: string;
  runId?: string;
  shuffle?: string;
  reporter?: 'html';
}

export function register(program: Command, ctx: CliContext): void {
  const matrix = withLab(program.command('matrix').description(`every scenario on several Docker versions, one ${matrixProvider().name} lab each, one table`))
    .enablePositionalOptions()
    // Checked in the action, not by commander: a parent's required option would stand in the way of `matrix merge`.
    .option('--docker <versions>', 'required: Docker versions or Debian suites, e.g. 20.10.24,26.1.5 or bullseye,trixie', commaList)
    .option('--scenario <names>', 'these lessons only (default: all but sample; a row per lesson, in the way each Docker fits)', commaList)
    .option('--ignore-requires', "run scenarios outside their declared Docker range, to see the daemon's refusal")
    .option('--baseline <matrix.json>', 'exit 1 only for a scenario that passed in the baseline and fails now')
    .option('--jobs <n>', 'labs side by side', wholeNumber(1), 1)
    .option('--out <dir>', 'where matrix.md, matrix.json and junit.xml go', 'runs/matrix')
    .option('--shard <K/N>', "this machine's share of the cells: shard K of N (merge the shards' --out folders after)")
    .option('--run-id <id>', 'names the run across its shards, so a merge refuses shards of another run')
    .option('--shuffle <seed>', 'each lab runs its scenarios in an order drawn from the seed')
    .addOption(new Option('--reporter <kind>', 'also write matrix.html: the table, each cell linking to its details').choices(['html']))
    .action(async (o: Options) => {
      if (!o.docker?.length) throw new InputError('matrix: --docker is required, e.g. --docker 20.10.24,26.1.5');
      const lab = labOf(o);
      const suites = o.docker.map(suiteFor);
      const scenarios = o.scenario?.length
        ? o.scenario
        : listLessons(SCENARIOS_DIR)
            .filter((l) => !l.ways.some((w) => w.problem) && l.name !== 'sample')
            .map((l) => l.name);
      const shard = o.shard === undefined ? undefined : parseShard(o.shard, suites.length * scenarios.length);
      const result = await runMatrix({
        base: lab,
        suites,
        scenarios,
        ...(shard ? { shard } : {}),
        ...(o.runId ? { runId: o.runId } : {}),
        ...(o.shuffle ? { shuffle: o.shuffle } : {}),
        onShare: (text) => console.log(text),
        html: o.reporter === 'html',
        ignoreRequires: o.ignoreRequires ?? false,
        jobs: o.jobs,
        outDir: resolve(o.out),
        ...(o.baseline ? { baseline: resolve(o.baseline) } : {}),
        signal: ctx.interruptions.signal,
      });
      ctx.exit(reportMatrix(result));
    });

  matrix
    .command('merge')
    .description("combine the shards' --out folders into one matrix.md, matrix.json and junit.xml")
    .argument('<dirs...>', "the shards' --out folders")
    .option('--out <dir>', 'where the merged report goes', 'runs/matrix')
    .option('--baseline <matrix.json>', 'exit 1 only for a scenario that passed in the baseline and fails now')
    .addOption(new Option('--reporter <kind>', 'also write matrix.html').choices(['html']))
    .action(async (dirs: string[], o: { out: string; baseline?: string; reporter?: 'html' }) => {
      const out = resolve(o.out);
      const result = await mergeMatrix(
        dirs.map((d) => resolve(d)),
        out,
        o.baseline ? resolve(o.baseline) : undefined,
        o.reporter === 'html',
      );
      console.log(`merged ${dirs.length} shard${dirs.length === 1 ? '' : 's'} into ${out}`);
      ctx.exit(reportMatrix(result));
    });
}

function reportMatrix(result: MatrixResult): number {
  console.log(`\n${result.table}`);
  if (result.regressions.length) console.log(`regressions against the baseline: ${result.regressions.map((c) => `${c.scenario} on ${c.column}`).join(', ')}`);
  return result.exitCode;
}
