/** The graph in Graphviz's DOT: clusters for nodes and namespaces, interfaces as boxes. Pure. */
import { type DrawnEdge, type DrawnNamespace, drawing } from './drawing.js';
import type { Graph } from './model.js';
import { subjectClass } from './subjects.js';

const NAMESPACE_FILL: Record<DrawnNamespace['kind'], string> = { host: '#f4f4f4', container: '#e3f0ff', sandbox: '#fff2d9', netns: '#e8f7e8' };
const INTERFACE_FILL: Record<string, string> = {
  bridge: '#ffd9d9',
  vxlan: '#ffe9a8',
  veth: '#ffffff',
  ethernet: '#d9ecff',
  loopback: '#eeeeee',
  other: '#ffffff',
};
const EDGE_STYLE: Record<DrawnEdge['kind'], string> = {
  veth: 'color="#333333"',
  'bridge-port': 'style=dashed, color="#aa3333"',
  lab: 'penwidth=3, color="#1f5fbf"',
  tunnel: 'penwidth=2, style=bold, color="#d08000", fontcolor="#a06000"',
};

export function renderDot(graph: Graph): string {
  const d = drawing(graph);
  const out = [
    'graph lab {',
    `  label=${q(d.title)}; labelloc=t; fontname="Helvetica"; compound=true; rankdir=TB; newrank=true;`,
    '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  for (const node of d.nodes) {
    out.push(`  subgraph cluster_${node.id} {`, `    label=${q(node.title)}; style="rounded"; penwidth=2; fontsize=14;`);
    for (const ns of node.namespaces) {
      out.push(
        `    subgraph cluster_${ns.id} {`,
        `      label=${q(ns.title)}; class=${classes(ns.names)}; style="rounded,filled"; fillcolor=${q(NAMESPACE_FILL[ns.kind])}; fontsize=11;`,
      );
      for (const i of ns.interfaces)
        out.push(`      ${i.id} [label=${q(i.lines.join('\n'))}, class=${classes(i.names)}, fillcolor=${q(INTERFACE_FILL[i.kind] ?? '#ffffff')}];`);
      out.push('    }');
    }
    out.push('  }');
  }
  for (const e of d.edges) out.push(`  ${e.from} -- ${e.to} [${EDGE_STYLE[e.kind]}${e.label ? `, label=${q(e.label)}` : ''}];`);
  out.push('}', '');
  return out.join('\n');
}

/** The SVG classes of what a drawn thing is called (subjects.ts), for a page to mark what a step is about. */
function classes(names: readonly string[]): string {
  return q(names.map(subjectClass).join(' '));
}

/** A DOT string literal; a newline becomes a centred line break. */
function q(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
