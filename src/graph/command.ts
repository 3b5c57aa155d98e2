/** `lab graph`: discover the running lab and write it in one format, to a file or stdout. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InputError } from '../errors.js';
import type { Lab } from '../lab/model.js';
import { SshPool } from '../ssh/pool.js';
import type { SshTarget } from '../ssh/target.js';
import { discover } from './discover.js';
import { GRAPH_FORMATS, type GraphFormat, isGraphFormat, renderGraph } from './render.js';

interface GraphCommandOptions {
  node?: string;
  format?: string;
  out?: string;
  signal?: AbortSignal;
}

interface GraphRequest {
  nodes?: string[];
  format: GraphFormat;
  out?: string;
  signal?: AbortSignal;
}

/** Checks the arguments against the lab before any node is asked (exit 2 on bad input). */
export function checkGraphOptions(lab: Lab, options: GraphCommandOptions): GraphRequest {
  const { out } = options;
  const format = options.format ?? (out?.endsWith('.json') ? 'json' : out?.endsWith('.dot') ? 'dot' : out?.endsWith('.mmd') ? 'mermaid' : 'svg');
  if (!isGraphFormat(format)) throw new InputError(`--format: '${format}' is not one of ${GRAPH_FORMATS.join(', ')}`);
  if (options.node !== undefined && !lab.nodes.some((n) => n.name === options.node)) {
    throw new InputError(`--node: no node '${options.node}' in ${lab.file} (its nodes: ${lab.nodes.map((n) => n.name).join(', ')})`);
  }
  return { format, ...(options.node ? { nodes: [options.node] } : {}), ...(out ? { out } : {}), ...(options.signal ? { signal: options.signal } : {}) };
}

/** Discovers the lab over its nodes' targets (the caller finds them: graph/ sits below the lifecycle) and writes the drawing. */
export async function graphCommand(lab: Lab, targets: readonly SshTarget[], { format, nodes, out, signal }: GraphRequest): Promise<number> {
  const pool = await SshPool.open(
    targets.filter((t) => !nodes || nodes.includes(t.node)),
    { readyTimeoutMs: 8_000 },
  );
  try {
    const graph = await discover(lab, pool, { ...(nodes ? { nodes } : {}), ...(signal ? { signal } : {}) });
    for (const node of graph.nodes) for (const p of node.problems) console.error(`${node.name}: ${p}`);
    const text = await renderGraph(graph, format);
    if (!out || out === '-') process.stdout.write(text);
    else {
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, text);
      console.error(`wrote ${out} (${format})`);
    }
    return graph.nodes.some((n) => n.problems.length) ? 1 : 0;
  } finally {
    await pool.close();
  }
}
