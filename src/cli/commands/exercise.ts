import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { exercise } from '../../exercise/command.js';
import { type CliContext, labOf, withLab } from '../context.js';

interface Options {
  lab: string;
  challenge?: boolean;
  check?: boolean;
  reset?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  withLab(program.command('exercise').description('the student types the scenario; docker-lab checks each step, hints and catches up'))
    .argument('<name>', 'the scenario')
    .option('--challenge', "show each step's goal only, not its commands")
    .option('--check', 'no terminal: how far the lab got, exit 0 when every step is done')
    .option('--reset', "run the scenario's cleanup and forget the progress")
    .action(async (name: string, o: Options) => {
      if ([o.challenge, o.check, o.reset].filter(Boolean).length > 1) throw new InputError('exercise: --challenge, --check and --reset exclude each other');
      const action = o.reset ? 'reset' : o.check ? 'check' : o.challenge ? 'challenge' : 'interactive';
      ctx.exit(await exercise(labOf(o), name, action));
    });
}
