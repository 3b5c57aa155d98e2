import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { web } from '../../web/command.js';
import { type CliContext, labOf, wholeNumber, withCount, withLab } from '../context.js';

interface Options {
  lab: string;
  scenario?: string;
  count?: number;
  listen: string;
  port?: number;
}

export function register(program: Command, ctx: CliContext): void {
  withCount(
    withLab(program.command('web').description('the exercise in a browser: its steps, checked live, and a terminal on each node (a lab that is up)')),
    false,
  )
    .option('--scenario <name>', 'the lesson to start with (without it, the page offers the choice)')
    .option('--listen <addr>', 'the address to bind (the page is a root shell on the nodes: keep it on loopback)', '127.0.0.1')
    .option('--port <n>', 'the port (default: a free one)', wholeNumber(0))
    .addHelpText('after', "\nWith --count N: a page per student lab, each behind its own URL, and the teacher's page (/class) of the whole class.")
    .action(async (o: Options) => {
      if (o.port !== undefined && o.port > 65535) throw new InputError(`--port: ${o.port} is not a port (0 to 65535)`);
      ctx.interruptions.finishFirst('closing the shells and SSH connections');
      ctx.exit(await web(labOf(o), { scenario: o.scenario, count: o.count, listen: o.listen, port: o.port ?? 0, signal: ctx.interruptions.signal }));
    });
}
