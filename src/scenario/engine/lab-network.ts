/**
 * Why a step failed when the cause is the lab itself: a node that went away, or nodes that can not reach each
 * other. Pure: the runner gathers what each node saw; these functions say it in plain words.
 */
import type { LabAddress } from './remote.js';

/** What one node told the lab network probe: the nodes it could not reach, or why it could not be asked. */
export type NodeView = { node: string; cannotReach: string[] } | { node: string; noAnswer: string };

/** One line per fact, node by node; nothing when every node answers and reaches every other. */
export function describeLabNetwork(nodes: readonly LabAddress[], views: readonly NodeView[]): string[] {
  const ip = (name: string) => nodes.find((n) => n.name === name)?.ip ?? '?';
  return views.flatMap((v) =>
    'noAnswer' in v
      ? [`${v.node} does not answer over SSH (${plainSshTrouble(v.noAnswer) ?? v.noAnswer})`]
      : v.cannotReach.map((o) => `${v.node} cannot reach ${o} (${ip(o)}) on the lab network`),
  );
}

/** Socket and SSH errors as a reader of the report understands them; what these patterns do not know stays raw. */
const PLAIN: readonly (readonly [RegExp, string])[] = [
  [/ECONNREFUSED/, 'its SSH port refuses connections: the node is shutting down, or sshd is stopped'],
  [/EHOSTUNREACH|ENETUNREACH/, 'nothing answers at its address: the node is stopped, or cut off the lab network'],
  [/Keepalive timeout|ETIMEDOUT|handshake|timed out/i, 'it stopped answering: the node is stopped, frozen, or cut off the lab network'],
  [/connection was closed|ECONNRESET|without an exit status/, 'it closed the connection: the node is going down, or its sshd was stopped'],
];

export function plainSshTrouble(message: string): string | null {
  return PLAIN.find(([pattern]) => pattern.test(message))?.[1] ?? null;
}

/** A lost connection's error, with the cause in plain words first when it is a known one. */
export function explainConnectionError(node: string, message: string): string {
  const plain = plainSshTrouble(message);
  return plain ? `lost ${node} (${plain}); ${message}` : message;
}
