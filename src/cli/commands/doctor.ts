import type { Command } from 'commander';
import { chooseProvider, labProviders } from '../../providers/index.js';
import { labOf, withLab, type CliContext } from '../context.js';

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
      let usable = 0;
      for (const provider of providers) {
        const [verdict, findings] = await Promise.all([provider.usable(), provider.preflight(lab)]);
        const ok = verdict.ok && findings.every((f) => f.ok);
        if (ok) usable++;
        console.log(`${ok ? '✔' : '✖'} ${provider.name}${verdict.ok ? '' : `: not usable here: ${verdict.why}`}`);
        for (const f of findings) console.log(`    ${f.ok ? 'ok ' : 'MISSING'} ${f.what}${!f.ok && f.fix ? `\n            fix: ${f.fix}` : ''}`);
        console.log(`    host: ${provider.hostExposure}`);
      }
      console.log(`\nsecurity: ${DOCKER_API}`);
      if (usable === 0) ctx.exit(2);
    });
}
