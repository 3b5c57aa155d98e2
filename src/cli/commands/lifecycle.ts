import type { Command } from 'commander';
import { down } from '../../lifecycle/down.js';
import { recordedProvider } from '../../lifecycle/record.js';
import { formatStatus, status } from '../../lifecycle/status.js';
import { up } from '../../lifecycle/up.js';
import { autoDetect, chooseProvider, PROVIDER_NAMES } from '../../providers/index.js';
import { type CliContext, labOf, withCount, withLab } from '../context.js';
import { fleetCommand, fleetRun } from '../fleet-command.js';
import { ensureVagrantfile } from './vagrantfile.js';

interface Options {
  lab: string;
  provider?: string;
  count?: number;
  jobs: number;
}

const PROVIDER_HELP = `${PROVIDER_NAMES.join(' | ')} (default: DOCKER_LAB_PROVIDER, then the first this machine can run)`;

export function register(program: Command, ctx: CliContext): void {
  withCount(withLab(program.command('up').description("bring the lab's nodes up and reach them over ssh2")), true)
    .option('--provider <name>', PROVIDER_HELP)
    .action(async (o: Options) => {
      const lab = labOf(o);
      if (o.count) return ctx.exit(await fleetCommand('up', lab, [], { count: o.count, jobs: o.jobs, provider: o.provider }, fleetRun(ctx)));
      await ensureVagrantfile(lab);
      const provider = await chooseProvider(lab, o.provider, (line) => console.log(line));
      ctx.interruptions.adviseWhenCut(`what the interrupted up made so far stays until \`lab down --lab ${lab.file}\` removes it`);
      await up(lab, provider, ctx.interruptions.signal);
    });

  withCount(withLab(program.command('down').description('destroy the nodes and remove what the lab made on the host')), true)
    .option('--provider <name>', 'only for a lab whose record was lost: the provider it was brought up with')
    .action(async (o: Options) => {
      const lab = labOf(o);
      if (o.count) return ctx.exit(await fleetCommand('down', lab, [], { count: o.count, jobs: o.jobs, provider: o.provider }, fleetRun(ctx)));
      const recorded = o.provider ?? (await recordedProvider(lab));
      if (!recorded) {
        console.log(`lab ${lab.name} is not up from ${lab.dir}: nothing to do`);
        return;
      }
      const provider = await chooseProvider(lab, recorded);
      ctx.interruptions.finishFirst('the cleanup');
      await down(lab, provider);
    });

  withCount(withLab(program.command('status').description('provider, nodes, addresses and state')), false).action(async (o: Options) => {
    const lab = labOf(o);
    if (o.count) return ctx.exit(await fleetCommand('status', lab, [], { count: o.count, jobs: 1 }, fleetRun(ctx)));
    const recorded = await recordedProvider(lab);
    if (!recorded) {
      // What `up` would do here, so a user (or a check before CI) sees the provider before bringing anything up.
      const { chosen } = await autoDetect(lab);
      console.log(
        `lab ${lab.name} is not up from ${lab.dir}; ${chosen ? `\`up\` would bring it up with ${chosen}` : 'no provider can bring it up here (`npm run doctor` says why)'}`,
      );
      return;
    }
    const provider = await chooseProvider(lab, recorded);
    console.log(formatStatus(lab, provider, await status(lab, provider)));
  });
}
