import type { Command } from 'commander';
import { exercisesInProgress, forgetProgress } from '../../exercise/progress.js';
import { requireTargets } from '../../lifecycle/targets.js';
import { SCENARIOS_DIR } from '../../paths.js';
import { readKept } from '../../run/kept.js';
import { resetScenarios } from '../../run/reset.js';
import { loadLesson } from '../../scenario/lesson.js';
import { type CliContext, labOf, withLab } from '../context.js';

export function register(program: Command, ctx: CliContext): void {
  withLab(program.command('reset').description('undo what lessons left on the lab: the cleanup of every kept run and begun exercise, their progress forgotten'))
    .argument('[names...]', 'reset these scenarios, whatever the records say')
    .action(async (names: string[], o: { lab: string }) => {
      const lab = labOf(o);
      const recorded = [...readKept(lab).map((k) => k.file), ...exercisesInProgress(lab).map((e) => e.scenario)];
      const lessons = (names.length ? names : recorded).map((n) => loadLesson(n, { scenariosDir: SCENARIOS_DIR, lab }));
      const unique = lessons.filter((l, i) => lessons.findIndex((m) => m.name === l.name) === i);
      if (unique.length === 0) {
        console.log(`lab ${lab.name}: no kept run and no exercise begun; nothing to reset`);
        return;
      }
      const targets = await requireTargets(lab);
      const exitCode = await resetScenarios(unique, { lab, targets, signal: ctx.interruptions.signal });
      for (const plan of unique.flatMap((l) => l.variants)) forgetProgress(lab, plan.name);
      console.log(`reset ${unique.map((p) => p.name).join(', ')}: cleanup ${exitCode === 0 ? 'ran' : 'ran with failures (see above)'}; progress forgotten`);
      ctx.exit(exitCode);
    });
}
