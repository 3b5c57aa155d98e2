import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import type { Lab } from '../../lab/model.js';
import { vagrantfileState, writeVagrantfile } from '../../providers/vagrantfile-file.js';
import { type CliContext, labOf, withLab } from '../context.js';

export function register(program: Command, ctx: CliContext): void {
  withLab(program.command('vagrantfile').description('write the Vagrantfile from lab.yaml'))
    .option('--check', 'write nothing; exit 1 when the Vagrantfile drifted from lab.yaml')
    .action(async (o: { lab: string; check?: boolean }) => {
      const lab = labOf(o);
      if (!o.check) {
        await writeVagrantfile(lab);
        console.log(`wrote ${lab.dir}/Vagrantfile from ${lab.file}`);
        return;
      }
      const state = await vagrantfileState(lab);
      if (state.kind === 'current') return;
      console.error(
        state.kind === 'missing'
          ? `${lab.dir}/Vagrantfile is missing; run \`npm run vagrantfile\``
          : `${lab.dir}/Vagrantfile differs from what ${lab.file} generates (run \`npm run vagrantfile\`):\n${state.diff}`,
      );
      ctx.exit(1);
    });
}

/** `up` never runs a Vagrantfile that disagrees with lab.yaml: it writes a missing one and refuses a drifted one. */
export async function ensureVagrantfile(lab: Lab): Promise<void> {
  const state = await vagrantfileState(lab);
  if (state.kind === 'missing') await writeVagrantfile(lab);
  if (state.kind === 'drifted') {
    throw new InputError(`${lab.dir}/Vagrantfile differs from what ${lab.file} generates; run \`npm run vagrantfile\`:\n${state.diff}`);
  }
}
