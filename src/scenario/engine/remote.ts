/**
 * The exact shell sent to a node for each kind of step. Pure functions: what runs where is readable here,
 * and tested without a node.
 */
import { NODE_PATH } from '../../shell/command-line.js';
import { shellQuote } from '../../shell/quote.js';

/** Where background logs live on a node. */
export const REMOTE_RUN_ROOT = '/var/tmp/docker-lab';

export function backgroundLogPath(runId: string, node: string, slug: string): string {
  return `${REMOTE_RUN_ROOT}/${runId}/${node}/${slug}.log`;
}

/**
 * Starts `command` detached: its own session and process group (setsid), immune to the channel closing
 * (nohup, no inherited stdio), output in `log`. Prints the process group id. As a plain background job of
 * a non-interactive shell, the child is not a group leader, so setsid does not fork and $! is the group id.
 * A daemon that dies at once (bad flags) fails the step with the end of its log.
 * The log's folders are always made by the node user, outside sudo: made by root, /var/tmp/docker-lab would
 * refuse a later scenario's non-root daemon its folder, and scenarios must pass in any order.
 */
export function backgroundLaunch(command: string, log: string, sudo: boolean): string {
  const dir = log.slice(0, log.lastIndexOf('/'));
  const script = [
    `setsid nohup env PATH=${NODE_PATH} bash -c ${shellQuote(command)} > ${shellQuote(log)} 2>&1 < /dev/null &`,
    'pid=$!',
    'sleep 0.2',
    `if ! kill -0 "$pid" 2>/dev/null; then wait "$pid"; code=$?; if [ "$code" -ne 0 ]; then echo "exited at once with code $code; end of ${log}:" >&2; tail -n 20 ${shellQuote(log)} >&2; exit 1; fi; fi`,
    'echo "$pid"',
  ].join('\n');
  return `mkdir -p ${shellQuote(dir)} && ${sudo ? 'sudo -n ' : ''}bash -c ${shellQuote(script)}`;
}

/** The stderr of a backgroundLaunch whose daemon exited at once: its exit code and the end of its log. */
export function parseLaunchFailure(stderr: string): { code: number; logTail: string } | null {
  const m = /^exited at once with code (\d+); end of [^\n]*:\n?/.exec(stderr);
  return m ? { code: Number(m[1]), logTail: stderr.slice(m[0].length) } : null;
}

/** TERM to the whole process group, up to 5 s to go, then KILL. Succeeds when the group is already gone. */
export function backgroundStop(pgid: number, sudo: boolean): string {
  const g = `-${pgid}`;
  const script = [
    `kill -TERM -- ${g} 2>/dev/null || exit 0`,
    `for i in $(seq 50); do kill -0 -- ${g} 2>/dev/null || exit 0; sleep 0.1; done`,
    `kill -KILL -- ${g} 2>/dev/null`,
    'echo "killed after 5 s"',
    'exit 0',
  ].join('\n');
  return `${sudo ? 'sudo -n ' : ''}bash -c ${shellQuote(script)}`;
}

/** Docker's own template: {{ }} here is Docker's, not ours. */
export const DOCKER_SERVER_VERSION = "docker version --format '{{.Server.Version}}'";

/** A daemon a run started, as the probe for dead daemons needs it. */
interface DaemonRef {
  pgid: number;
  log: string;
}

/**
 * Prints, for each daemon whose process group is gone, a line `\x1edead <index>` and the end of its log.
 * Run after a failed step: a check that fails because the daemon behind it died should say so.
 */
export function deadDaemonsProbe(daemons: readonly DaemonRef[]): string {
  return daemons
    .map((d, i) => {
      // Not `kill -0`: it also succeeds for a zombie, and a dead daemon may stay one until someone reaps it.
      const alive = `ps -e -o pgid=,stat= | awk '$1 == ${d.pgid} && $2 !~ /^Z/ { found = 1 } END { exit !found }'`;
      return `${alive} || { printf '\\036dead ${i}\\n'; tail -n 5 ${shellQuote(d.log)} 2>/dev/null; }`;
    })
    .join('\n');
}

/** The output of deadDaemonsProbe: log tails by daemon index. */
export function parseDeadDaemons(output: string): Map<number, string> {
  const dead = new Map<number, string>();
  for (const section of output.split('\x1edead ').slice(1)) {
    const nl = section.indexOf('\n');
    dead.set(Number(section.slice(0, nl < 0 ? undefined : nl)), nl < 0 ? '' : section.slice(nl + 1).trimEnd());
  }
  return dead;
}

/** A node as seen by the lab network probe. */
export interface LabAddress {
  name: string;
  ip: string;
}

/**
 * Pings each of `others` once, all at once, 1 s each, and prints `\x1eunreachable <index>` for each that did
 * not answer. A node without ping prints nothing: it can tell nothing, and silence beats a false alarm.
 */
export function labNetworkProbe(others: readonly LabAddress[]): string {
  const pings = others.map((o, i) => `{ ping -c 1 -W 1 ${shellQuote(o.ip)} >/dev/null 2>&1 || printf '\\036unreachable ${i}\\n'; } &`);
  return ['command -v ping >/dev/null || exit 0', ...pings, 'wait'].join('\n');
}

/** The output of labNetworkProbe: the indexes of the addresses that did not answer. */
export function parseLabNetwork(output: string): Set<number> {
  return new Set([...output.matchAll(/\x1eunreachable (\d+)/g)].map((m) => Number(m[1])));
}
