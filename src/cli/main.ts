/**
 * The `lab` command: one file per command under commands/, wired here. Exit codes: 0 ok, 1 a failure, 2 bad
 * input or setup (nothing ran on a node), 128 + the signal's number when interrupted (130 Ctrl-C, 143 SIGTERM).
 * `main` has no side effects until called, so tests import it.
 */
import { Command, CommanderError } from 'commander';
import { exitCodeOf, InputError } from '../errors.js';
import * as doctor from './commands/doctor.js';
import * as exercise from './commands/exercise.js';
import * as lifecycle from './commands/lifecycle.js';
import * as matrix from './commands/matrix.js';
import * as reset from './commands/reset.js';
import * as scenario from './commands/scenario.js';
import * as see from './commands/see.js';
import * as vagrantfile from './commands/vagrantfile.js';
import * as web from './commands/web.js';
import type { CliContext } from './context.js';
import { Interruptions } from './interruptions.js';

const COMMANDS = [lifecycle, doctor, vagrantfile, scenario, reset, exercise, matrix, see, web];

export async function main(argv: string[]): Promise<number> {
  const interruptions = new Interruptions().listen();
  let exitCode = 0;
  const ctx: CliContext = { interruptions, exit: (code) => (exitCode = code) };
  const program = new Command('lab')
    .description('the two-node Docker networking course lab: bring it up, run its checked experiments')
    .showHelpAfterError()
    // An option after a subcommand is the subcommand's: `matrix merge DIRS --out X` is merge's --out, not matrix's.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeErr: () => undefined }); // errors are printed once, below, with their exit code
  // Commands made after these settings inherit them.
  for (const command of COMMANDS) command.register(program, ctx);

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    exitCode = report(err, interruptions, program.commands.find((c) => argv.includes(c.name())) ?? program);
  } finally {
    interruptions.dispose();
  }
  return interruptions.end(exitCode === 0) ?? exitCode;
}

/** Prints what went wrong and gives its exit code; commander's own usage errors are bad input (2). */
function report(err: unknown, interruptions: Interruptions, command: Command): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
    if (err.code === 'commander.help') {
      console.log(command.helpInformation()); // `lab` alone
      return 2;
    }
    console.error(`${err.message}\n\n${command.helpInformation()}`);
    return 2;
  }
  if (err instanceof InputError) console.error(`error: ${err.describe()}`);
  else console.error(`${interruptions.explains(err) ? 'interrupted' : 'failed'}: ${(err as Error).message ?? err}`);
  return exitCodeOf(err);
}
