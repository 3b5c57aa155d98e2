/** Commands that show the network as it is: `lab graph` and `lab capture`. */
import type { Command } from 'commander';
import { captureCommandLine } from '../../capture/command.js';
import { checkGraphOptions, graphCommand } from '../../graph/command.js';
import { requireTargets } from '../../lifecycle/targets.js';
import { type CliContext, labOf, withLab } from '../context.js';

export function register(program: Command, ctx: CliContext): void {
  withLab(program.command('graph').description("the lab's network as it is, discovered from the running nodes"))
    .option('--node <name>', 'this node only')
    .option('--format <format>', 'svg | mermaid | json | dot (default: from --out, else svg)')
    .option('--out <file>', 'where it goes (default: stdout)')
    .action(async (o: { lab: string; node?: string; format?: string; out?: string }) => {
      const lab = labOf(o);
      const request = checkGraphOptions(lab, { ...o, signal: ctx.interruptions.signal });
      ctx.exit(await graphCommand(lab, await requireTargets(lab), request));
    });

  withLab(program.command('capture').description("a pcap of a node's interface, streamed back over SSH"))
    .argument('<node>', 'the node')
    .argument('<iface>', 'the interface, in the node, the container or the namespace')
    .option('--container <name>', "in this container's network namespace")
    .option('--netns <name>', 'in this namespace (an overlay sandbox such as 1-abc123, or one from `ip netns`)')
    .option('--filter <expr>', "a tcpdump filter, e.g. 'udp port 4789'")
    .option('--count <n>', 'stop after n packets')
    .option('--duration <time>', 'stop after this long, e.g. 10s (default 60s without --count)')
    .option('--out <file>', 'a pcap file, or - for stdout (| wireshark -k -i -)')
    .action(
      async (
        node: string,
        iface: string,
        o: { lab: string; container?: string; netns?: string; filter?: string; count?: string; duration?: string; out?: string },
      ) => {
        ctx.exit(await captureCommandLine(labOf(o), { ...o, node, iface, signal: ctx.interruptions.signal }));
      },
    );
}
