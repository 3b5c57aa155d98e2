import { type Command, Option } from 'commander';
import { FailureError, InputError } from '../../errors.js';
import { exercisesInProgress } from '../../exercise/progress.js';
import type { Lab } from '../../lab/model.js';
import { requireTargets } from '../../lifecycle/targets.js';
import { SCENARIOS_DIR } from '../../paths.js';
import { readKept } from '../../run/kept.js';
import { resetScenarios } from '../../run/reset.js';
import { runScenarios } from '../../run/scenarios.js';
import type { ScenarioSummary } from '../../scenario/catalog.js';
import { describeCourse } from '../../scenario/format/course.js';
import { type Lesson, lessonOf, listLessons, loadLesson } from '../../scenario/lesson.js';
import type { SshTarget } from '../../ssh/target.js';
import { type CliContext, labOf, wholeNumber, withCount, withLab } from '../context.js';
import { fleetCommand, fleetRun } from '../fleet-command.js';

interface Options {
  lab: string;
  list?: boolean;
  keep?: boolean;
  ignoreRequires?: boolean;
  reporter?: 'junit' | 'json' | 'html';
  output?: string;
  runDir?: string;
  repeat: number;
  count?: number;
}

/** What the notes teach that no scenario does, and why, so a student looking for it is not left guessing. */
const NOT_REPRODUCED =
  "\nnot reproduced: note 004's overlay on Consul as the key-value store: no registry this lab reaches packages Consul; " +
  'the overlay lesson teaches the same on etcd (Docker before 23) or in swarm mode.';

export function register(program: Command, ctx: CliContext): void {
  withCount(withLab(program.command('scenario').description('run scenarios on the lab, one after the other (--list to see them)')), false)
    .argument('[names...]', 'scenario names, or paths of scenario files')
    .option('--list', 'list the scenarios with what each teaches')
    .option('--keep', 'leave the state in place for poking around (no cleanup, no teardown steps)')
    .option('--ignore-requires', "run a scenario outside its declared Docker range (of a lesson's several ways, its own: the course's)")
    .addOption(new Option('--reporter <kind>', 'also write a report (html: one self-contained page)').choices(['junit', 'json', 'html']))
    .option('--output <file>', 'where the report goes (default: <run-dir>/report.xml, .json or .html)')
    .option('--run-dir <dir>', 'parent folder of the per-run transcripts', 'runs')
    .option('--repeat <n>', 'run them n times in a row: each run, then a summary', wholeNumber(1), 1)
    .action(async (names: string[], o: Options) => {
      if (o.list) {
        for (const { name, ways } of listLessons(SCENARIOS_DIR)) {
          const [own] = ways;
          const problem = ways.find((w) => w.problem)?.problem;
          const requires = ways.length === 1 && own!.requiresDocker ? ` [Docker ${own!.requiresDocker}]` : '';
          console.log(`${name.padEnd(22)} ${problem ? `(invalid: ${problem})` : (own!.description.split('\n')[0] ?? '') + requires}`);
          if (own!.course.length > 0) console.log(`${''.padEnd(22)} reproduces ${describeCourse(own!.course)}`);
          if (ways.length > 1) console.log(`${''.padEnd(22)} ways, the first this lab's Docker fits: ${ways.map(describeWay).join('; ')}`);
        }
        console.log(NOT_REPRODUCED);
        return;
      }
      if (names.length === 0) throw new InputError('scenario: name a scenario, or --list');
      const lab = labOf(o);
      if (o.count) return ctx.exit(await fleetCommand('scenario', lab, names, { count: o.count, jobs: 1, runDir: o.runDir }, fleetRun(ctx)));
      // Every file is checked before anything runs on a node.
      const lessons = names.map((n) => loadLesson(n, { scenariosDir: SCENARIOS_DIR, lab }));
      const targets = await requireTargets(lab);
      await clearTheWay(lab, lessons, targets, ctx.interruptions.signal);
      const result = await runScenarios(lessons, {
        lab,
        targets,
        keep: o.keep ?? false,
        ignoreRequires: o.ignoreRequires ?? false,
        ...(o.reporter ? { reporter: o.reporter } : {}),
        ...(o.output ? { output: o.output } : {}),
        runDir: o.runDir ?? 'runs',
        repeat: o.repeat,
        signal: ctx.interruptions.signal,
      });
      if (result.reportFile) console.log(`report: ${result.reportFile}`);
      ctx.exit(result.exitCode);
    });
}

/** `swarm (overlay-swarm, Docker >=23)`: a way of a lesson, its file, and the Docker it needs. */
function describeWay(w: ScenarioSummary): string {
  return `${w.variant?.name ?? w.name} (${w.name}, ${w.requiresDocker ? `Docker ${w.requiresDocker}` : 'any Docker'})`;
}

/**
 * What earlier work left on the lab, before a lesson starts: a student's exercise of the same lesson is refused
 * (their work is not ours to undo); what a `--keep` run of the same lesson left is cleared first, since a second
 * etcd or a second `demo` network would only fail the run. State kept by other lessons stays, said once: a user
 * may be poking at it on purpose.
 */
async function clearTheWay(lab: Lab, lessons: readonly Lesson[], targets: SshTarget[], signal: AbortSignal): Promise<void> {
  const plans = lessons.flatMap((l) => l.variants);
  const names = new Set(plans.map((p) => p.name));
  const reset = `lab reset --lab ${lab.file}`;
  const exercised = exercisesInProgress(lab).filter((e) => names.has(e.scenario));
  if (exercised.length) {
    const which = exercised.map((e) => `${e.scenario} (${e.done} step${e.done === 1 ? '' : 's'} done)`).join(', ');
    throw new InputError(
      `an exercise is in progress on lab '${lab.name}': ${which}; its state would collide with this run. \`${reset}\` clears it and forgets the progress`,
    );
  }
  const kept = readKept(lab);
  const again = plans.filter((p) => kept.some((k) => k.name === p.name));
  if (again.length) {
    console.log(`clearing what \`lab scenario ${again.map((p) => p.name).join(' ')} --keep\` left, before it runs again`);
    if ((await resetScenarios(again.map(lessonOf), { lab, targets, signal })) !== 0)
      throw new FailureError(`the cleanup of what was kept failed (see above); \`${reset}\` tries again`);
  }
  const others = kept.filter((k) => !names.has(k.name));
  if (others.length) console.log(`the lab still holds what \`lab scenario ${others.map((k) => k.name).join(' ')} --keep\` left; \`${reset}\` clears it`);
}
