/** The graph as a Mermaid flowchart, which GitHub and GitLab render in markdown. Pure. */
import { type DrawnEdge, drawing } from './drawing.js';
import type { Graph } from './model.js';

const EDGE: Record<DrawnEdge['kind'], { plain: string; labelled: (l: string) => string }> = {
  veth: { plain: '---', labelled: (l) => `---|${l}|` },
  'bridge-port': { plain: '-.-', labelled: (l) => `-.-|${l}|` },
  lab: { plain: '===', labelled: (l) => `===|${l}|` },
  tunnel: { plain: '===', labelled: (l) => `===|${l}|` },
};

export function renderMermaid(graph: Graph): string {
  const d = drawing(graph);
  const out = ['flowchart TB', `  %% ${d.title}`];
  for (const node of d.nodes) {
    out.push(`  subgraph ${node.id}[${q(node.title)}]`);
    for (const ns of node.namespaces) {
      out.push(`    subgraph ${ns.id}[${q(ns.title)}]`);
      for (const i of ns.interfaces) out.push(`      ${i.id}[${q(i.lines.join('<br/>'))}]`);
      out.push('    end');
    }
    out.push('  end');
  }
  for (const e of d.edges) out.push(`  ${e.from} ${e.label ? EDGE[e.kind].labelled(q(e.label)) : EDGE[e.kind].plain} ${e.to}`);
  return `${out.join('\n')}\n`;
}

/** A quoted Mermaid label: its own quotes and brackets as entities. */
function q(text: string): string {
  return `"${text.replace(/"/g, '#quot;')}"`;
}
