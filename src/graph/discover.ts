/** Discovery over open SSH sessions: one round trip per node, all nodes at once; the rest is pure (parse, edges). */
import type { Lab } from '../lab/model.js';
import type { SshPool } from '../ssh/pool.js';
import { DISCOVERY_COMMAND } from './discovery-script.js';
import { connect } from './edges.js';
import { GRAPH_SCHEMA, type Graph } from './model.js';
import { type ParsedNode, parseDiscovery } from './parse.js';

/** How long a node may take to answer, on a node of ordinary speed. */
export const DISCOVERY_TIMEOUT_MS = 30_000;

interface DiscoverOptions {
  /** Only these nodes (default: all of the lab's). */
  nodes?: readonly string[];
  /** Per node (default DISCOVERY_TIMEOUT_MS); a scenario's graph step stretches it on slow nodes. */
  timeoutMs?: number;
  signal?: AbortSignal;
  now?: () => Date;
}

export async function discover(lab: Lab, pool: SshPool, options: DiscoverOptions = {}): Promise<Graph> {
  const takenAt = (options.now ?? (() => new Date()))().toISOString();
  const wanted = lab.nodes.filter((n) => !options.nodes || options.nodes.includes(n.name));
  const parsed = await Promise.all(
    wanted.map(async (n): Promise<ParsedNode> => {
      try {
        const r = await pool
          .session(n.name)
          .exec(DISCOVERY_COMMAND, { timeoutMs: options.timeoutMs ?? DISCOVERY_TIMEOUT_MS, ...(options.signal ? { signal: options.signal } : {}) });
        const parsedNode = parseDiscovery(n.name, n.ip, r.stdout);
        if (r.exitCode !== 0) parsedNode.node.problems.push(`discovery exited with ${r.exitCode}: ${r.stderr.trim().split('\n').pop() ?? ''}`);
        return parsedNode;
      } catch (err) {
        const empty = parseDiscovery(n.name, n.ip, '### end\n');
        empty.node.problems.push(`no answer: ${(err as Error).message}`);
        return empty;
      }
    }),
  );
  return { schema: GRAPH_SCHEMA, lab: lab.name, takenAt, ...connect(parsed) };
}
