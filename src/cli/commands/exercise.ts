import { type Command, Option } from 'commander';
import { InputError } from '../../errors.js';
import { exercise } from '../../exercise/command.js';
import { type CliContext, labOf, withCount, withLab } from '../context.js';

interface Options {
  lab: string;
  challenge?: boolean;
  check?: boolean;
  reset?: boolean;
  count?: number;
  reporter?: 'text' | 'json';
}

export function register(program: Command, ctx: CliContext): void {
  withCount(withLab(program.command('exercise').description('the student types the scenario; docker-lab checks each step, hints and catches up')), false)
    .argument('<name>', 'the scenario')
    .option('--challenge', "show each step's goal only, not its commands")
    .option('--check', 'no terminal: how far the lab got, exit 0 when every step is done (with --count: every lab, a row each)')
    .option('--reset', "run the scenario's cleanup and forget the progress")
    .addOption(new Option('--reporter <kind>', 'with --check: text, or json (docker-lab/class@1)').choices(['text', 'json']))
    .action(async (name: string, o: Options) => {
      if ([o.challenge, o.check, o.reset].filter(Boolean).length > 1) throw new InputError('exercise: --challenge, --check and --reset exclude each other');
      if (!o.check && (o.count || o.reporter))
        throw new InputError('exercise: --count and --reporter go with --check (the teacher looks at the labs; a student exercises one lab)');
      const action = o.reset ? 'reset' : o.check ? 'check' : o.challenge ? 'challenge' : 'interactive';
      ctx.exit(await exercise(labOf(o), name, action, { count: o.count, reporter: o.reporter }));
    });
}
