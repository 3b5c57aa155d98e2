/**
 * `stop: <background step name>`, in cleanup: the processes of that daemon stop now (one that must go before
 * cleanup restores something, e.g. dockerd before the stock daemon restarts). FINAL_STOP does it after cleanup
 * for whatever still runs.
 */
import { z } from 'zod';
import { shellQuote } from '../../shell/quote.js';
import { slug } from '../format/builder.js';
import { DEFAULT_EXPECTATION } from '../judge/expect.js';
import { leaves, mainSteps, type Origin, type ScenarioPlan } from '../plan.js';
import { worstStatus } from '../results.js';
import { type BackgroundStep, isBackground } from './background.js';
import type { CommandStep } from './command.js';
import type { StepKind } from './kind.js';
import type { PlanStep } from './registry.js';

export interface StopBackgroundStep {
  kind: 'stop-background';
  id: string;
  slug: string;
  name: string;
  /** Ids of the background steps whose processes stop here; null: every one still running. */
  targets: string[] | null;
  /** The nodes those steps run on (where processes may need stopping). */
  nodes: string[];
  origin?: Origin;
}

/** The implicit last step: stopping the background processes still running after cleanup. */
export const FINAL_STOP: StopBackgroundStep = {
  kind: 'stop-background',
  id: 'stop',
  slug: 'stop',
  name: 'stop background processes',
  targets: null,
  nodes: [],
};

export const stopKeys = {
  stop: z.string().min(1).optional().describe('cleanup only, instead of run: stop the processes of the background step with this name, now'),
};

const STOP_TIMEOUT_MS = 20_000;
const WRAPPERS = new Set(['sudo', 'env', 'exec', 'nohup', 'setsid', 'stdbuf']);

export const stop: StepKind<StopBackgroundStep> = {
  kind: 'stop-background',
  key: 'stop',
  unguided: true,
  load: (b, source, step, path, phase) => {
    const { doc } = source;
    if (phase !== 'cleanup') {
      b.problem(doc.locateKey([...path, 'stop']), 'stop belongs in cleanup (background processes run until then)');
      return [];
    }
    b.misplacedKeys(source, step, path, ['on', 'sudo', 'timeout', 'expect', 'retry', 'capture', 'background', 'with'], 'does not apply to a stop step');
    const name = step.stop!;
    const { found, all } = b.daemons(name, source);
    if (found.length === 0) {
      b.problem(doc.locate([...path, 'stop']), `no background step named '${name}' (background steps: ${all.join(', ') || 'none'})`);
      return [];
    }
    const id = b.nextId('cleanup');
    const built: StopBackgroundStep = {
      kind: 'stop-background',
      id,
      slug: slug(id, `stop ${name}`),
      name: step.name ?? `stop ${name}`,
      targets: found.map((d) => d.id),
      nodes: [...new Set(found.flatMap((d) => d.nodes))],
      origin: doc.locate(path),
    };
    return [built];
  },
  run: async (step, phase, context) => {
    const t0 = performance.now();
    const runs = await context.background.stop(step);
    for (const run of runs) context.nodeEnd(step, run);
    return {
      id: step.id,
      name: step.name,
      kind: 'stop-background',
      phase,
      status: worstStatus(runs.map((r) => r.status)),
      durationMs: performance.now() - t0,
      nodes: runs,
      ...(step.origin ? { origin: step.origin } : {}),
    };
  },
  scale: (step) => step,
  rerunnable: () => false,
  reset: (step, plan) => stopHandStarted(plan, step),
};

/**
 * `--reset` can not know the process groups of daemons the student started by hand: it stops instead the
 * processes of each daemon's program that are not a systemd service's own (the stock dockerd is left to systemd).
 */
export function stopHandStarted(plan: ScenarioPlan, step: StopBackgroundStep): PlanStep {
  const daemons = mainSteps(plan)
    .flatMap(leaves)
    .filter((l): l is BackgroundStep => isBackground(l) && (step.targets === null || step.targets.includes(l.id)));
  const programs = [...new Set(daemons.map((d) => programOf(d.run)).filter((p): p is string => p !== null))];
  const stopping: CommandStep = {
    kind: 'command',
    id: step.id,
    slug: step.slug,
    name: `${step.name} (as started by hand: ${programs.join(', ') || 'nothing'})`,
    nodes: step.nodes,
    run: programs.map(stopProgramScript).join('\n') || 'true',
    sudo: true,
    timeoutMs: STOP_TIMEOUT_MS,
    vars: {},
    origin: step.origin ?? { file: plan.file },
    expect: DEFAULT_EXPECTATION,
    retry: null,
    capture: null,
  };
  return stopping;
}

/**
 * `etcd --name ...` -> `etcd`; `sudo dockerd ...` -> `dockerd`; `rm -f x.pcap && tcpdump ...` -> `tcpdump`:
 * the program a daemon's command starts, the last of a chain (what comes before it prepares and ends).
 */
export function programOf(run: string): string | null {
  const last =
    run
      .trim()
      .split(/&&|\|\||;/)
      .pop() ?? '';
  // Wrappers exec the program they are given (stdbuf -oL xtables-monitor runs as xtables-monitor), and their
  // options and VAR=value come before it.
  const first = last
    .trim()
    .split(/\s+/)
    .find((w) => !WRAPPERS.has(w) && !w.startsWith('-') && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
  return first && /^[\w./-]+$/.test(first) ? first.slice(first.lastIndexOf('/') + 1) : null;
}

/**
 * TERM to the program's processes that are not the main process of a running systemd service, KILL after
 * 10 s; exit 0 once none is left. (Not by cgroup: without logind, what an ssh session starts stays in
 * ssh.service's cgroup.)
 */
function stopProgramScript(program: string): string {
  const p = shellQuote(program);
  return [
    `mains=" $(systemctl show --property MainPID --value $(systemctl list-units --type=service --state=running --plain --no-legend | awk '{print $1}') | tr -s '[:space:]' ' ') "`,
    `handstarted() { for pid in $(pgrep -x ${p}); do case "$mains" in *" $pid "*) ;; *) echo $pid ;; esac; done; }`,
    'pids=$(handstarted); [ -n "$pids" ] && kill -TERM $pids',
    'for i in $(seq 100); do [ -z "$(handstarted)" ] && break; sleep 0.1; done',
    'pids=$(handstarted); [ -n "$pids" ] && kill -KILL $pids',
    'true',
  ].join('\n');
}
