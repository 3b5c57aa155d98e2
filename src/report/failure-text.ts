/** The text that explains a failed step on one node: shared by the console and JUnit reports. Pure. */
import { formatLocation } from '../errors.js';
import { formatDuration } from '../scenario/format/duration.js';
import { tail } from '../scenario/judge/text-diff.js';
import type { NodeRun, ScenarioResult, StepResult } from '../scenario/results.js';
import { leafResults } from '../scenario/results.js';

export function describeNodeFailure(step: StepResult, run: NodeRun): string {
  const lines: string[] = [];
  const where = step.origin ? ` (${formatLocation({ ...step.origin, field: undefined })})` : '';
  lines.push(`step ${step.id} "${step.name}" ${run.status === 'aborted' ? 'was aborted' : 'failed'} on ${run.node}${where}`);
  lines.push(`  $ ${run.command.replace(/\n/g, '\n    ')}`);
  const exit = run.exitCode !== null ? `exit code ${run.exitCode}` : `no exit code${run.signal ? ` (signal ${run.signal})` : ''}`;
  lines.push(`  ${exit}; ${run.attempts} attempt${run.attempts === 1 ? '' : 's'} in ${formatDuration(run.durationMs)}`);
  if (run.error) lines.push(`  error: ${run.error.message}`);
  if (run.expectation) lines.push(`  expected: ${run.expectation}`);
  for (const f of run.failures) lines.push(`  ✗ ${f.check}`, f.detail);
  if (run.stdout) lines.push('  --- stdout (tail)', indent(tail(run.stdout, 15)));
  if (run.stderr) lines.push('  --- stderr (tail)', indent(tail(run.stderr, 15)));
  return lines.join('\n');
}

/** Every failed node of every failed step of a scenario, cleanup included, each step followed by its diagnosis. */
export function describeScenarioFailures(result: ScenarioResult): string[] {
  return [...result.steps, ...result.cleanup].flatMap((top) => [
    ...leafResults([top]).flatMap((step) => step.nodes.filter((n) => n.status !== 'passed').map((n) => describeNodeFailure(step, n))),
    ...(top.diagnosis ? [describeDiagnosis(top)] : []),
  ]);
}

/** What the lab network probe found after `step` failed. */
export function describeDiagnosis(step: StepResult): string {
  return [`after step ${step.id} failed, the lab network:`, ...(step.diagnosis ?? []).map((l) => `  ${l}`)].join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
