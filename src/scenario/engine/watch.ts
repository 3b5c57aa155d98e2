/**
 * A step's `watch:` on the node (plan.ts `Watch`): started detached as a daemon is (remote.ts), its output in a
 * file of the run's folder on the node, ready once that file has its first line, and stopped by its process
 * group. `lab scenario` (run.ts) starts it before the step and stops it after the step's checks, whatever
 * happened; exercise mode (exercise/probe.ts) while the step is on screen. The step's checks read the file as
 * `${{ watch.output }}`.
 */
import { shellQuote } from '../../shell/quote.js';
import type { Failure } from '../failure.js';
import type { PlanStep } from '../kinds/registry.js';
import type { StopBackgroundStep } from '../kinds/stop.js';
import type { Watch } from '../plan.js';
import { backgroundLogPath } from './remote.js';

/**
 * A watch never outlives this, whatever happens to the process that started it (an exercise killed without
 * leaving its step): `timeout` ends it on the node. Longer than any step a student stays on.
 */
const WATCH_LIMIT_S = 2 * 60 * 60;

/** The watch's command as it is launched: bounded in time. */
export function boundedWatch(command: string): string {
  return `timeout ${WATCH_LIMIT_S} bash -c ${shellQuote(command)}`;
}

/** The file on the watch's node its output goes to, for one run (`lab scenario`'s, or an exercise session's). */
export function watchOutput(runId: string, watch: Watch): string {
  return backgroundLogPath(runId, watch.nodes[0]!, watch.slug);
}

/**
 * Waits, up to the watch's timeout, for its output to have a first line (tcpdump's "listening on"): packets
 * sent before then would go unseen. Exits 1, with the end of the output, when the watch died or said nothing.
 */
export function watchReadyScript(output: string, timeoutMs: number): string {
  const o = shellQuote(output);
  const tries = Math.max(1, Math.ceil(timeoutMs / 100));
  return [
    `for i in $(seq ${tries}); do test -s ${o} && exit 0; sleep 0.1; done`,
    `echo "the watch printed nothing in ${Math.round(timeoutMs / 1000)} s; its output:" >&2`,
    `tail -n 20 ${o} >&2`,
    'exit 1',
  ].join('\n');
}

/** The failure of a watch that started but never said it was ready. */
export function notReady(watch: Watch, stderr: string): Failure {
  return {
    kind: 'daemon-died',
    check: `watch "${watch.name}" prints its first line (is ready)`,
    detail: `  ${stderr.trim().replace(/\n/g, '\n  ')}`,
    daemon: watch.name,
    lastWords: stderr.trim().split('\n').pop() ?? '',
  };
}

/** The step that stops a watch, after its step's checks: reported as a step of its own, as the start is. */
export function watchStop(watch: Watch): StopBackgroundStep {
  return {
    kind: 'stop-background',
    id: `${watch.id}.stop`,
    slug: `${watch.slug}-stop`,
    name: `stop ${watch.name}`,
    targets: [watch.id],
    nodes: watch.nodes,
    origin: watch.origin,
  };
}

export function isWatchStop(step: PlanStep): step is StopBackgroundStep {
  return step.kind === 'stop-background' && step.id.endsWith('.watch.stop');
}
