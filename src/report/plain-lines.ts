/**
 * The scenario report for CI logs and pipes: one line per finished step, with each node's time; the header and
 * the failures in full, as the live tree has them. Nothing is redrawn, so the log reads top to bottom.
 */

import type { RunObserver } from '../scenario/engine/run.js';
import { formatDuration } from '../scenario/format/duration.js';
import type { PlanStep } from '../scenario/kinds/registry.js';
import type { ScenarioPlan } from '../scenario/plan.js';
import type { ScenarioResult, StepResult } from '../scenario/results.js';
import { LINE_MARK } from './marks.js';
import { nodeTimes, scenarioFooter, scenarioHeader, stepTrouble } from './scenario-text.js';

/** One step's line. Pure. */
export function stepLine(result: StepResult, inGroup = false): string {
  const label = `${inGroup ? '  ' : ''}${LINE_MARK[result.status]} ${result.phase === 'cleanup' ? 'cleanup: ' : ''}${result.name}`;
  if (result.status === 'skipped') return `${label} [skipped: ${result.reason ?? 'skipped'}]`;
  const nodes = result.nodes.length ? ` (${nodeTimes(result.nodes)})` : '';
  const trouble = result.status === 'passed' ? '' : `: ${stepTrouble(result)}`;
  return `${label} ${formatDuration(result.durationMs)}${nodes}${trouble}`;
}

export class PlainReporter implements RunObserver {
  constructor(private readonly write: (text: string) => void = (t) => process.stdout.write(t)) {}

  scenarioStart(plan: ScenarioPlan, info: { transcriptDir: string }): void {
    this.write(scenarioHeader(plan, info.transcriptDir));
  }

  stepEnd(_step: PlanStep, result: StepResult): void {
    // A parallel group's steps each get their line, under the group's.
    this.write(`${[stepLine(result), ...(result.steps ?? []).map((s) => stepLine(s, true))].join('\n')}\n`);
  }

  scenarioEnd(result: ScenarioResult): void {
    this.write(scenarioFooter(result));
  }
}
