/** The formats `lab graph` writes, and the one entry that picks among them. */
import type { Graph } from './model.js';
import { renderDot } from './render-dot.js';
import { renderMermaid } from './render-mermaid.js';
import { renderSvg } from './render-svg.js';

export const GRAPH_FORMATS = ['svg', 'mermaid', 'json', 'dot'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

export function isGraphFormat(text: string): text is GraphFormat {
  return (GRAPH_FORMATS as readonly string[]).includes(text);
}

export async function renderGraph(graph: Graph, format: GraphFormat): Promise<string> {
  switch (format) {
    case 'json':
      return `${JSON.stringify(graph, null, 2)}\n`;
    case 'dot':
      return renderDot(graph);
    case 'mermaid':
      return renderMermaid(graph);
    case 'svg':
      return renderSvg(graph);
  }
}
