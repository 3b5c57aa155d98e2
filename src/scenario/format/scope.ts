/**
 * What `${{ expr }}` can name: node.*, nodes.*, lab.*, vars.*, captures.*, and in the checks of a step with a
 * `watch:`, watch.output. The same tree serves the
 * check before anything runs (with captures known by name only) and the substitution at run time.
 * Pure functions.
 */
import type { Lab } from '../../lab/model.js';
import { lookup, parseExpression, type ValueTree } from './interpolate.js';

interface ScopeValues {
  lab: Lab;
  /** The node the command runs on; absent in the static check, where every node is possible. */
  node?: { name: string; ip: string };
  vars: Record<string, string>;
  captures: Record<string, string>;
  /** In the checks of a watched step: the file on the watch's node its output goes to. */
  watch?: { output: string };
}

function scopeTree(s: ScopeValues): ValueTree {
  const nodes: ValueTree = {};
  s.lab.nodes.forEach((n, i) => {
    const entry = { name: n.name, ip: n.ip };
    nodes[String(i)] = entry;
    nodes[n.name] = entry;
  });
  return {
    node: s.node ?? { name: '', ip: '' },
    nodes,
    lab: { name: s.lab.name, subnet: s.lab.network.cidr, prefix: s.lab.network.prefix, host_ip: s.lab.network.hostAddress },
    vars: { ...s.vars },
    captures: { ...s.captures },
    ...(s.watch ? { watch: { ...s.watch } } : {}),
  };
}

/** What a step's command sees on `node` at run time. */
export function scopeOnNode(lab: Lab, node: string, vars: Record<string, string>, captures: Record<string, string>, watch?: { output: string }): ScopeValues {
  return { lab, node: { name: node, ip: lab.nodes.find((n) => n.name === node)?.ip ?? '' }, vars, captures, ...(watch ? { watch } : {}) };
}

/** For interpolation at run time: a value that can not be had (a capture never made) throws, saying why. */
export function valueIn(scope: ScopeValues): (expr: string) => string {
  return (expr) => {
    const r = resolveExpression(expr, scope);
    if (!r.ok) throw new Error(r.message);
    return r.value;
  };
}

type Resolution = { ok: true; value: string } | { ok: false; message: string };

/** The value of one expression, or a message that says what is wrong and what would be right. */
export function resolveExpression(expr: string, s: ScopeValues): Resolution {
  const segments = parseExpression(expr);
  if (!segments) return { ok: false, message: `'${expr}' is not an expression; write e.g. \${{ vars.name }} or \${{ nodes.docker-node1.ip }}` };
  const found = lookup(scopeTree(s), segments);
  if (found.ok) return found;
  const root = String(segments[0]);
  if (root === 'watch')
    return {
      ok: false,
      message: s.watch ? `'${expr}': a watch has only .output` : `'${expr}': watch.output is known only in the checks of a step with a watch:`,
    };
  const key = segments[1] !== undefined ? String(segments[1]) : undefined;
  if (found.reason === 'not-a-value') return { ok: false, message: `'${expr}' is not a single value; ${hint(root, s)}` };
  switch (found.depth === 0 ? '' : root) {
    case 'vars':
      return { ok: false, message: `vars.${key} is not defined (${list('defined vars', Object.keys(s.vars))})` };
    case 'captures':
      return { ok: false, message: `captures.${key} is not captured by an earlier step (${list('captured so far', Object.keys(s.captures))})` };
    case 'nodes':
      if (found.depth === 1)
        return {
          ok: false,
          message:
            typeof segments[1] === 'number'
              ? `nodes[${key}]: the lab has ${s.lab.nodes.length} nodes, counted from 0`
              : `nodes.${key}: no such node in the lab (${list(
                  'nodes',
                  s.lab.nodes.map((n) => n.name),
                )})`,
        };
      return { ok: false, message: `'${expr}': a node has only .name and .ip` };
    case 'node':
      return { ok: false, message: `'${expr}': use node.name or node.ip` };
    case 'lab':
      return { ok: false, message: `'${expr}': use lab.name, lab.subnet, lab.prefix or lab.host_ip` };
    default:
      return { ok: false, message: `unknown expression '${expr}': expressions start with node., nodes., lab., vars., captures. or watch.` };
  }
}

function hint(root: string, s: ScopeValues): string {
  if (root === 'nodes') return `e.g. nodes.${s.lab.nodes[0]?.name ?? 'docker-node1'}.ip or nodes[0].ip`;
  return `e.g. ${root === 'node' ? 'node.ip' : root === 'lab' ? 'lab.subnet' : `${root}.name`}`;
}

function list(what: string, names: string[]): string {
  return `${what}: ${names.length ? names.join(', ') : 'none'}`;
}
