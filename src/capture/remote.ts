/**
 * The shell that captures on a node: tcpdump writing pcap to stdout, packet by packet (-U), in the host's
 * namespace, a container's or a named one (a Docker sandbox or an `ip netns` one), bounded by a packet count
 * and a duration. It first tells its process id on stderr, so that Ctrl-C on our side can stop it with SIGINT:
 * tcpdump then ends the file after the last whole packet. Pure.
 */
import { commandLine } from '../shell/command-line.js';
import { shellQuote } from '../shell/quote.js';

type CaptureWhere = { kind: 'host' } | { kind: 'container'; name: string } | { kind: 'netns'; name: string };

export interface CaptureSpec {
  iface: string;
  where: CaptureWhere;
  /** A pcap-filter expression, e.g. `udp port 4789`. */
  filter?: string;
  count?: number;
  durationMs: number;
}

/** The first line on stderr: `capture-pid <pid>`. */
export const PID_LINE = /^capture-pid (\d+)$/m;

export function captureCommand(spec: CaptureSpec): string {
  const lines = ['set -e'];
  // The host's own namespace is the shell's: no nsenter (PID 1 may sit elsewhere, e.g. on a containerised host).
  if (spec.where.kind === 'host') lines.push('enter=()');
  if (spec.where.kind === 'container') {
    const name = shellQuote(spec.where.name);
    lines.push(
      `pid=$(docker inspect -f '{{.State.Pid}}' -- ${name} 2>/dev/null) || { echo "no container ${spec.where.name.replace(/["$`\\]/g, '')} on this node" >&2; exit 2; }`,
    );
    lines.push('[ "$pid" -gt 0 ] || { echo "the container is not running" >&2; exit 2; }', 'enter=(nsenter --net=/proc/$pid/ns/net)');
  }
  if (spec.where.kind === 'netns') {
    const name = shellQuote(spec.where.name);
    lines.push(
      `if [ -e /var/run/docker/netns/${name} ]; then enter=(nsenter --net=/var/run/docker/netns/${name}); elif [ -e /var/run/netns/${name} ]; then enter=(nsenter --net=/var/run/netns/${name});`,
      `else echo "no namespace ${spec.where.name.replace(/["$`\\]/g, '')} in /var/run/docker/netns or /var/run/netns" >&2; exit 2; fi`,
    );
  }
  lines.push(
    `"\${enter[@]}" ip link show dev ${shellQuote(spec.iface)} >/dev/null 2>&1 || { echo "no interface ${spec.iface.replace(/["$`\\]/g, '')} in that namespace" >&2; exit 2; }`,
  );
  const tcpdump = ['tcpdump', '-i', spec.iface, '-U', '-w', '-', ...(spec.count ? ['-c', String(spec.count)] : []), ...(spec.filter ? [spec.filter] : [])]
    .map(shellQuote)
    .join(' ');
  const seconds = Math.max(1, Math.ceil(spec.durationMs / 1000));
  lines.push('echo "capture-pid $$" >&2', `exec timeout --preserve-status -s INT ${seconds} "\${enter[@]}" ${tcpdump}`);
  return commandLine(lines.join('\n'), true);
}

/** `4 packets captured` from tcpdump's closing words, or null. */
export function packetsCaptured(stderr: string): number | null {
  const m = /(\d+) packets? captured/.exec(stderr);
  return m ? Number(m[1]) : null;
}
