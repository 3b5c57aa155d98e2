/**
 * JUnit XML, the format CI systems read: a testsuite per scenario, a testcase per step (parallel groups
 * give one per inner step; cleanup steps are named "cleanup: ..."), failure and skipped elements. Pure.
 */

import { FINAL_STOP } from '../scenario/kinds/stop.js';
import type { ScenarioResult, StepResult } from '../scenario/results.js';
import { leafResults } from '../scenario/results.js';
import { describeDiagnosis, describeNodeFailure } from './failure-text.js';

export function renderJunit(results: readonly ScenarioResult[]): string {
  const count = (pick: (s: StepResult) => boolean) => results.reduce((n, r) => n + cases(r).filter(pick).length, 0);
  const total = results.reduce((n, r) => n + cases(r).length, 0);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites name="docker-lab" tests="${total}" failures="${count(isFailure)}" errors="0" skipped="${count((s) => s.status === 'skipped')}" time="${seconds(results.reduce((t, r) => t + r.durationMs, 0))}">`,
  );
  for (const r of results) {
    const steps = cases(r);
    out.push(
      `  <testsuite name="${attr(r.run ? `${r.name} #${r.run}` : r.name)}" tests="${steps.length}" failures="${steps.filter(isFailure).length}" errors="0" skipped="${steps.filter((s) => s.status === 'skipped').length}" time="${seconds(r.durationMs)}" timestamp="${attr(r.startedAt.replace(/\.\d+Z$/, ''))}" file="${attr(r.file)}">`,
    );
    out.push(
      '    <properties>',
      `      <property name="status" value="${attr(r.status)}"/>`,
      `      <property name="transcripts" value="${attr(r.transcriptDir)}"/>`,
    );
    if (r.reason) out.push(`      <property name="reason" value="${attr(r.reason)}"/>`);
    out.push('    </properties>');
    for (const top of [...r.steps, ...r.cleanup]) for (const s of leafResults([top])) out.push(...testcase(r, s, top));
    out.push('  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}

function cases(r: ScenarioResult): StepResult[] {
  return leafResults([...r.steps, ...r.cleanup]);
}

function isFailure(s: StepResult): boolean {
  return s.status === 'failed' || s.status === 'aborted';
}

/** `top`: the step `s` belongs to (itself, or its parallel group), whose diagnosis explains its failure. */
function testcase(r: ScenarioResult, s: StepResult, top: StepResult): string[] {
  const name = `${s.phase === 'cleanup' ? 'cleanup: ' : ''}${s.id === FINAL_STOP.id ? '' : `${s.id} `}${s.name}`;
  const open = `    <testcase classname="${attr(`docker-lab.${r.name}`)}" name="${attr(name)}" time="${seconds(s.durationMs)}"`;
  if (s.status === 'passed') return [`${open}/>`];
  if (s.status === 'skipped') return [`${open}>`, `      <skipped message="${attr(s.reason ?? 'skipped')}"/>`, '    </testcase>'];
  const failed = s.nodes.filter((n) => n.status !== 'passed');
  const message = failed.map((n) => `${n.node}: ${n.error?.message ?? n.failures.map((f) => f.check).join(', ') ?? 'failed'}`).join('; ') || s.status;
  const body = [...failed.map((n) => describeNodeFailure(s, n)), ...(top.diagnosis ? [describeDiagnosis(top)] : [])].join('\n\n');
  return [`${open}>`, `      <failure message="${attr(message)}" type="${s.status}">${text(body)}</failure>`, '    </testcase>'];
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** Characters XML 1.0 can not hold at all (most C0 controls): command output may contain them. */
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function text(s: string): string {
  return s.replace(INVALID_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
