/**
 * A `graph:` step: the topology at this point of the run, discovered like `lab graph` and written into the
 * run's folder as JSON and SVG (the HTML report embeds the SVG). It fails only when a node could not be read.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { DISCOVERY_TIMEOUT_MS, discover } from '../../graph/discover.js';
import type { NodeGraph } from '../../graph/model.js';
import { renderGraph } from '../../graph/render.js';
import { slug } from '../format/builder.js';
import type { Origin } from '../plan.js';
import type { NodeRun, Phase, StepResult } from '../results.js';
import type { StepContext, StepKind } from './kind.js';

/** `- graph: <title>`: a snapshot of the lab's topology, written into the run's folder. */
export interface GraphStep {
  kind: 'graph';
  id: string;
  slug: string;
  name: string;
  /** The nodes whose network is discovered. */
  nodes: string[];
  /** How long each node may take to answer. */
  timeoutMs: number;
  origin: Origin;
}

export const graphKeys = {
  graph: z.string().min(1).optional().describe("instead of run: snapshot the topology (`lab graph`) into the run's folder, under this title"),
};

export const graph: StepKind<GraphStep> = {
  kind: 'graph',
  key: 'graph',
  load: (b, source, step, path, phase) => {
    b.misplacedKeys(source, step, path, ['sudo', 'timeout', 'expect', 'retry', 'capture', 'background', 'with'], 'does not apply to a graph step');
    const id = b.nextId(phase);
    const name = step.name ?? step.graph!;
    return [
      {
        kind: 'graph',
        id,
        slug: slug(id, name),
        name,
        nodes: b.nodes(source, step.on, path),
        timeoutMs: DISCOVERY_TIMEOUT_MS,
        origin: source.doc.locate(path),
      },
    ];
  },
  run: async (step, phase, context) => {
    const result = await snapshot(step, phase, context);
    for (const n of result.nodes) context.nodeEnd(step, n);
    return result;
  },
  scale: (step, factor) => ({ ...step, timeoutMs: Math.round(step.timeoutMs * factor) }),
  rerunnable: () => false,
};

async function snapshot(step: GraphStep, phase: Phase, context: StepContext): Promise<StepResult> {
  const t0 = performance.now();
  const base = { id: step.id, name: step.name, kind: 'graph' as const, phase, origin: step.origin };
  try {
    const found = await discover(context.lab, context.pool, {
      nodes: step.nodes,
      timeoutMs: step.timeoutMs,
      ...(context.signal ? { signal: context.signal } : {}),
    });
    const files = { json: `graph-${step.slug}.json`, svg: `graph-${step.slug}.svg` };
    await writeFile(join(context.dir, files.json), await renderGraph(found, 'json'));
    await writeFile(join(context.dir, files.svg), await renderGraph(found, 'svg'));
    const durationMs = performance.now() - t0;
    const nodes = found.nodes.map((n) => nodeRun(n, durationMs));
    return { ...base, status: nodes.some((n) => n.status === 'failed') ? 'failed' : 'passed', durationMs, nodes, snapshot: files };
  } catch (err) {
    const durationMs = performance.now() - t0;
    const nodes = step.nodes.map(
      (node): NodeRun => ({
        node,
        status: context.signal?.aborted ? 'aborted' : 'failed',
        command: 'lab graph',
        attempts: 1,
        exitCode: null,
        stdout: '',
        stderr: '',
        durationMs,
        failures: [],
        error: { kind: context.signal?.aborted ? 'interrupted' : 'error', message: (err as Error).message },
      }),
    );
    return { ...base, status: nodes[0]?.status ?? 'failed', durationMs, nodes };
  }
}

/** One node's part of the snapshot, told as a step outcome: what was found, and what could not be read. */
function nodeRun(node: NodeGraph, durationMs: number): NodeRun {
  const interfaces = node.namespaces.reduce((n, ns) => n + ns.interfaces.length, 0);
  return {
    node: node.name,
    status: node.problems.length ? 'failed' : 'passed',
    command: 'lab graph',
    attempts: 1,
    exitCode: node.problems.length ? 1 : 0,
    stdout: `${node.namespaces.length} namespaces, ${interfaces} interfaces, ${node.containers.length} containers\n`,
    stderr: node.problems.join('\n'),
    durationMs,
    failures: node.problems.map((p) => ({ kind: 'discovery', check: "the node's network can be read", detail: `  ${p}` })),
  };
}
