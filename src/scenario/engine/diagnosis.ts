/**
 * After a failed step, what the lab itself says about it: daemons of the run that died behind it, and nodes
 * that went away or cannot reach each other. Courtesies: a probe that fails leaves the step's own failure as it is.
 */
import type { Lab } from '../../lab/model.js';
import type { SshPool } from '../../ssh/pool.js';
import { type Failure, lastMeaningfulLine } from '../failure.js';
import type { Started } from './background.js';
import { describeLabNetwork, type NodeView } from './lab-network.js';
import { deadDaemonsProbe, labNetworkProbe, parseDeadDaemons, parseLabNetwork } from './remote.js';

/** Per node, for the lab network probe: its pings take 1 s; a node slower than this to answer is itself a finding. */
const PROBE_TIMEOUT_MS = 5_000;

/** The daemons of this run on the node that have died, each with the end of its log. */
export async function deadDaemons(pool: SshPool, node: string, mine: readonly Started[]): Promise<Failure[]> {
  if (mine.length === 0) return [];
  try {
    const probe = await pool.session(node).exec(deadDaemonsProbe(mine), { timeoutMs: 10_000 });
    return [...parseDeadDaemons(probe.stdout)].map(([i, tail]) => ({
      kind: 'daemon-died',
      check: `daemon "${mine[i]!.name}" is running`,
      detail: `  it has exited; the end of ${mine[i]!.log}:\n${tail
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n')}`,
      daemon: mine[i]!.name,
      lastWords: lastMeaningfulLine(tail),
    }));
  } catch {
    return [];
  }
}

/**
 * Can every node be asked, and can each reach the others on the lab network? A step that fails because a node
 * went away or the network was cut should say so, not only what timed out.
 */
export async function labNetwork(pool: SshPool, lab: Lab): Promise<string[]> {
  const views = await Promise.all(
    lab.nodes.map(async ({ name }): Promise<NodeView> => {
      const others = lab.nodes.filter((o) => o.name !== name);
      try {
        const probe = await pool.session(name).exec(labNetworkProbe(others), { timeoutMs: PROBE_TIMEOUT_MS });
        return { node: name, cannotReach: [...parseLabNetwork(probe.stdout)].map((i) => others[i]!.name) };
      } catch (err) {
        return { node: name, noAnswer: (err as Error).message };
      }
    }),
  );
  return describeLabNetwork(lab.nodes, views);
}
