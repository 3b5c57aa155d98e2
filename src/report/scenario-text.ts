/** The lines every console report of a scenario shares: its header, and its failures with the verdict. Pure. */
import { formatDuration } from '../scenario/format/duration.js';
import type { ScenarioPlan } from '../scenario/plan.js';
import type { NodeRun, ScenarioResult, StepResult } from '../scenario/results.js';
import { describeScenarioFailures } from './failure-text.js';
import { LINE_MARK } from './marks.js';

export function scenarioHeader(plan: ScenarioPlan, transcriptDir: string): string {
  return `▶ ${plan.name}: ${plan.description.split('\n')[0]}\n  transcripts: ${transcriptDir}\n`;
}

export function scenarioFooter(result: ScenarioResult): string {
  const failures = describeScenarioFailures(result);
  return `${failures.length ? `\n${failures.join('\n\n')}\n` : ''}${LINE_MARK[result.status]} ${result.name}: ${result.status}${result.reason ? ` (${result.reason})` : ''} in ${formatDuration(result.durationMs)}\n\n`;
}

/** The nodes of a step that did not pass, and why the lab network thinks so: a failed step's one-line reason. */
export function stepTrouble(result: StepResult): string {
  const where = [...new Set([...result.nodes, ...(result.steps ?? []).flatMap((c) => c.nodes)].filter((n) => n.status !== 'passed').map((n) => n.node))];
  const why = result.diagnosis ? `; ${result.diagnosis.join('; ')}` : '';
  return `${result.status}${where.length ? ` on ${where.join(', ')}` : ''}${why}`;
}

/** `docker-node1 211 ms, docker-node2 3 attempts 1.2 s` */
export function nodeTimes(nodes: readonly NodeRun[]): string {
  return nodes.map((n) => `${n.node} ${n.attempts > 1 ? `${n.attempts} attempts ` : ''}${formatDuration(n.durationMs)}`).join(', ');
}
