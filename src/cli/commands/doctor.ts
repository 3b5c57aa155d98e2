import type { Command } from 'commander';
import { acceptable, decideProvider, type ProviderOutcome } from '../../providers/choice.js';
import { chooseProvider, labProviders } from '../../providers/index.js';
import { type CliContext, labOf, withLab } from '../context.js';

/** Said by `doctor` whatever the provider: the overlay lessons open Docker's API to the lab network. */
const DOCKER_API =
  'the overlay lessons start dockerd with -H tcp://<node>:2375, no TLS and no authentication: anyone on the lab ' +
  'network is root on that node. The lab network is host-only, and nodes get no route off it; keep it that way.';

export function register(program: Command, ctx: CliContext): void {
  withLab(program.command('doctor').description('check prerequisites and host configuration, with fixes, and what a lab can do to its host'))
    .option('--provider <name>', 'check this provider only')
    .action(async (o: { lab: string; provider?: string }) => {
      const lab = labOf(o);
      const providers = o.provider ? [await chooseProvider(lab, o.provider)] : labProviders(lab);
      const outcomes: ProviderOutcome[] = [];
      for (const provider of providers) {
        // Every finding, even of a provider that is not usable: doctor is where a user learns what to install.
        const [usable, findings] = await Promise.all([provider.usable(), provider.preflight(lab)]);
        const outcome: ProviderOutcome = { name: provider.name, usable, findings };
        outcomes.push(outcome);
        console.log(`${acceptable(outcome) ? '✔' : '✖'} ${provider.name}${usable.ok ? '' : `: not usable here: ${usable.why}`}`);
        for (const f of findings) console.log(`    ${f.ok ? 'ok ' : 'MISSING'} ${f.what}${!f.ok && f.fix ? `\n            fix: ${f.fix}` : ''}`);
        console.log(`    host: ${provider.hostExposure}`);
      }
      const { chosen } = decideProvider(outcomes);
      if (!o.provider)
        console.log(
          `\n${chosen ? `\`npm run up\` would choose ${chosen}` : 'no provider can bring this lab up here'} (--provider or DOCKER_LAB_PROVIDER chooses)`,
        );
      console.log(`\nsecurity: ${DOCKER_API}`);
      if (!chosen) ctx.exit(2);
    });
}
