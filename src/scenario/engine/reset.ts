/**
 * `lab exercise NAME --reset`: the scenario's cleanup, run as `lab scenario` runs it, except that a `stop:`
 * step can not know the process groups of daemons the student started by hand. It stops instead the
 * processes of that daemon's program that are not a systemd service's own (the stock dockerd is left to systemd).
 */
import type { BackgroundStep, CommandStep, PlanStep, ScenarioPlan, StopBackgroundStep } from '../plan.js';
import { FINAL_STOP, leaves, mainSteps } from '../plan.js';
import { DEFAULT_EXPECTATION } from '../judge/expect.js';
import { shellQuote } from '../../shell/quote.js';

const STOP_TIMEOUT_MS = 20_000;
const WRAPPERS = new Set(['sudo', 'env', 'exec', 'nohup', 'setsid', 'stdbuf']);

/** The plan `--reset` runs: no steps, the cleanup with every `stop:` aimed at hand-started daemons. */
export function resetPlan(plan: ScenarioPlan): ScenarioPlan {
  const cleanup = plan.cleanup.map((s) => (s.kind === 'stop-background' ? stopHandStarted(plan, s) : s));
  // `lab scenario` stops whatever still runs after its cleanup (FINAL_STOP); so must --reset, or a capture
  // the student left running (a tcpdump no `stop:` names) outlives it.
  const daemons = mainSteps(plan).flatMap(leaves).some((l) => l.kind === 'background');
  return { ...plan, requires: null, images: [], steps: [], teardown: [], cleanup: daemons ? [...cleanup, stopHandStarted(plan, { ...FINAL_STOP, nodes: allNodes(plan) })] : cleanup };
}

/** Every node a daemon of the plan runs on. */
function allNodes(plan: ScenarioPlan): string[] {
  return [...new Set(mainSteps(plan).flatMap(leaves).flatMap((l) => (l.kind === 'background' ? l.nodes : [])))];
}

function stopHandStarted(plan: ScenarioPlan, stop: StopBackgroundStep): PlanStep {
  const daemons = mainSteps(plan).flatMap(leaves).filter((l): l is BackgroundStep => l.kind === 'background' && (stop.targets === null || stop.targets.includes(l.id)));
  const programs = [...new Set(daemons.map((d) => programOf(d.run)).filter((p): p is string => p !== null))];
  const step: CommandStep = {
    kind: 'command',
    id: stop.id,
    slug: stop.slug,
    name: `${stop.name} (as started by hand: ${programs.join(', ') || 'nothing'})`,
    nodes: stop.nodes,
    run: programs.map(stopProgramScript).join('\n') || 'true',
    sudo: true,
    timeoutMs: STOP_TIMEOUT_MS,
    vars: {},
    origin: stop.origin ?? { file: plan.file },
    expect: DEFAULT_EXPECTATION,
    retry: null,
    capture: null,
  };
  return step;
}

/**
 * `etcd --name ...` -> `etcd`; `sudo dockerd ...` -> `dockerd`; `rm -f x.pcap && tcpdump ...` -> `tcpdump`:
 * the program a daemon's command starts, the last of a chain (what comes before it prepares and ends).
 */
export function programOf(run: string): string | null {
  const last = run.trim().split(/&&|\|\||;/).pop() ?? '';
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
