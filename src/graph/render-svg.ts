/**
 * The graph as SVG, laid out by Graphviz compiled to WebAssembly (@viz-js/viz): nothing to install on the host.
 * The module (about 1.2 MB of JavaScript with the WASM inside) is loaded on first use only, so that every other
 * `lab` command starts as fast as before.
 */
import type { Viz } from '@viz-js/viz';
import type { Graph } from './model.js';
import { renderDot } from './render-dot.js';

let viz: Promise<Viz> | null = null;

export async function renderSvg(graph: Graph): Promise<string> {
  viz ??= import('@viz-js/viz').then((m) => m.instance());
  const result = (await viz).render(renderDot(graph), { format: 'svg' });
  if (result.status !== 'success') throw new Error(`Graphviz could not lay the graph out: ${result.errors.map((e) => e.message).join('; ')}`);
  return result.output;
}
