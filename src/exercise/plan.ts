/**
 * The scenario as the student meets it: one exercise step per top-level main step (a parallel group is one
 * step), numbered from 1, with what to show and how the step is known to be done.
 */

import { formatLocation, InputError } from '../errors.js';
import { firstOfMany } from '../format.js';
import type { Lab } from '../lab/model.js';
import { interpolateText } from '../scenario/format/interpolate.js';
import { resolveExpression, scopeOnNode } from '../scenario/format/scope.js';
import { type GuidedStep, kindOf, type LeafStep } from '../scenario/kinds/registry.js';
import { hasGuide, mainSteps, type ScenarioPlan, type Verification } from '../scenario/plan.js';
import { shellQuote } from '../shell/quote.js';

export interface ExerciseStep {
  /** 1-based, as the student counts. */
  number: number;
  title: string;
  explain: string | null;
  hint: string | null;
  verify: Verification;
  /**
   * `teardown`: one of the course's undo steps, typed last; it takes the lesson's state away, so `--check`
   * (which reads state) counts only the lesson's steps.
   */
  part: 'lesson' | 'teardown';
  /** The plan step: its commands are the solution, and re-run when it has no check. */
  step: GuidedStep;
}

/** What to type, and where: one block per distinct command text (a command that names its node gets one per node). */
export interface CommandBlock {
  nodes: string[];
  text: string;
}

/**
 * Refuses (exit 2, naming each step's place) a scenario with steps nobody wrote for students: without
 * explain, check or confirm, a step would be re-run as its own check, and a step that changes the node
 * must not be re-run every second.
 */
export function exerciseSteps(plan: ScenarioPlan): ExerciseStep[] {
  const lesson = plan.steps.length;
  const steps = mainSteps(plan).flatMap((step, i): ExerciseStep[] => {
    if (!hasGuide(step)) return [];
    return [
      {
        number: i + 1,
        title: step.name,
        explain: step.guide.explain,
        hint: step.guide.hint,
        verify: step.guide.verify,
        part: i < lesson ? 'lesson' : 'teardown',
        step,
      },
    ];
  });
  refuseActingReruns(steps);
  const unwritten = steps.filter((s) => s.verify.kind === 'rerun' && s.explain === null);
  if (unwritten.length) {
    const problems = unwritten.map((s) => ({
      loc: s.step.origin,
      message: `step ${s.number} "${s.title}" is not written for exercise mode: give it explain: (it is read-only and re-run as its own check), check: or confirm: true`,
    }));
    throw new InputError(
      firstOfMany(`${plan.name} can not be an exercise yet: ${formatLocation(problems[0]!.loc)}: ${problems[0]!.message}`, problems.length),
      problems,
    );
  }
  return steps;
}

/**
 * The guard on steps re-run as their own check (no `check:`): exercise mode runs such a step's command every
 * second, so it must only look. A command that sends traffic would credit the student with the checker's own
 * packets (the ARP entry, the MAC table, the capture of the next step come from it), and one that changes the
 * node would do the step for them. A deny list, not a proof: it names the course's commands that act (and
 * writing to a file), and lets through what only reads (`ip a`, `docker inspect`, `iptables -S`, `nslookup`,
 * a name lookup that leaves nothing behind). Such a step needs a `check:` that reads what it left, and a
 * `watch:` when what it leaves is traffic.
 */
const ACTS: readonly RegExp[] = [
  // traffic
  /\b(ping6?|arping|curl|wget|nc|ncat|netcat|socat|telnet|traceroute|tracepath|iperf3?|hping3)\b/,
  // containers, images, networks, swarm
  /\bdocker\s+(run|rm|rmi|build|create|start|stop|restart|kill|pause|unpause|pull|push|load|import|commit|tag|cp|rename|update)\b/,
  /\bdocker\s+(container|image|network|volume|service|swarm|node|stack|secret|config)\s+(create|rm|prune|connect|disconnect|update|scale|init|join|leave|promote|demote|deploy|run|start|stop|kill)(?![\w-])/,
  // the node's network
  /\bip\s+(-\S+\s+)*(link|addr|address|route|neigh|neighbor|neighbour|netns|rule|tunnel|tuntap)\s+(add|del|delete|set|change|replace|flush|append|attach)\b/,
  /\b(ip6?tables|iptables-legacy|iptables-nft)\b[^\n;&|]*\s(-[ADIRFXNPZE]|--(append|delete|insert|replace|flush|new-chain|delete-chain|policy|zero))\b/,
  /\bnft\s+(add|delete|flush|insert|replace|create)\b/,
  /\bbrctl\s+(addbr|delbr|addif|delif|stp|setageing)\b/,
  /\bsysctl\s+(-\S+\s+)*-w\b|\bsysctl\s+\S+=/,
  // processes, services and files
  /\b(kill|pkill|killall|systemctl\s+(start|stop|restart|reload|enable|disable)|service\s+\S+\s+(start|stop|restart)|dockerd|etcd|modprobe)\b/,
  // a capture (reading one, tcpdump -r, only looks)
  /\btcpdump\b(?![^\n;&|]*\s-r\s)/,
  /(^|[\s;&|(])(mkdir|touch|rm|mv|cp|ln|tee|truncate|dd|chmod|chown)\s/,
  /\bredis-cli\b[^\n;&|]*\s(incr|incrby|decr|set|del|flushall|flushdb)\b/i,
  // output written to a file (not to /dev/null, nor a stream to another)
  /(^|[^0-9&>])>>?\s*(?!\/dev\/null\b|&)[^\s]/,
];

/** The part of a command that acts (sends traffic, changes the node), or null when it only reads. Pure. */
export function actingPart(run: string): string | null {
  const text = run.replace(/(^|\s)#[^\n]*/g, '$1');
  for (const rx of ACTS) {
    const m = rx.exec(text);
    if (m) return m[0].trim();
  }
  return null;
}

function refuseActingReruns(steps: readonly ExerciseStep[]): void {
  const problems = steps.flatMap((s) => {
    if (s.verify.kind !== 'rerun') return [];
    return solutionLeaves(s).flatMap((leaf) => {
      const acts = actingPart(leaf.run);
      if (acts === null) return [];
      const loc = { ...leaf.origin, field: `${leaf.origin.field ?? 'step'}.run` };
      return [
        {
          loc,
          message: `step ${s.number} "${s.title}" has no check:, so exercise mode would re-run it as its own check, and it acts ('${acts}'): give it a check: that reads what it left (with a watch: when that is traffic)`,
        },
      ];
    });
  });
  if (problems.length) throw new InputError(firstOfMany(`${formatLocation(problems[0]!.loc)}: ${problems[0]!.message}`, problems.length), problems);
}

/**
 * Whether the step's own commands only read the lab (none acts): true of a look, checked or re-run. Such a step
 * holding on arrival says nothing of a lab left unclean: it shows what is there for the student to read.
 */
export function looksOnly(step: ExerciseStep): boolean {
  return step.verify.kind !== 'confirm' && solutionLeaves(step).every((leaf) => actingPart(leaf.run) === null);
}

/**
 * What `--check` (and a resume) may conclude from the state alone, long after the student typed the step:
 * `proves` when the step's check reads what the step made; `unproven` when it holds whoever did the work (a
 * look) or can not be seen afterwards (a confirm, or a watched step: its evidence is traffic that a watch saw
 * while the step was on screen, and no watch runs then).
 */
export function afterTheFact(step: ExerciseStep): 'proves' | 'unproven' {
  return step.verify.kind === 'check' && step.verify.watch === null ? 'proves' : 'unproven';
}

export function solutionLeaves(step: ExerciseStep): LeafStep[] {
  return 'steps' in step.step ? step.step.steps : [step.step];
}

/**
 * The commands of a step as the student types them: placeholders filled with the lab's values and the
 * captures known so far (one still unknown stays as written, so the student sees what goes there).
 */
export function commandBlocks(lab: Lab, step: ExerciseStep, captures: Record<string, string>): CommandBlock[] {
  const blocks: CommandBlock[] = [];
  for (const leaf of solutionLeaves(step)) {
    for (const node of leaf.nodes) {
      const scope = scopeOnNode(lab, node, leaf.vars, captures);
      const filled = interpolateText(leaf.run.trim(), (expr) => {
        const r = resolveExpression(expr, scope);
        return r.ok ? r.value : `\${{ ${expr} }}`;
      });
      let text = filled;
      // `sudo a && b` runs b as the student: a command of several goes to one root shell.
      if (leaf.sudo && !filled.startsWith('sudo ')) text = /\n|&&|\|\||;|\|/.test(filled) ? `sudo bash -c ${shellQuote(filled)}` : `sudo ${filled}`;
      text = kindOf(leaf).typed?.(text, leaf) ?? text;
      const same = blocks.find((b) => b.text === text);
      if (same) same.nodes.push(node);
      else blocks.push({ nodes: [node], text });
    }
  }
  return blocks;
}
