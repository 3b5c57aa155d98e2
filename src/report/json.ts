/** The machine-readable report: every result as it is, plus totals. Pure. */
import type { ScenarioResult } from '../scenario/results.js';

export function renderJson(results: readonly ScenarioResult[], exitCode: number): string {
  const count = (status: ScenarioResult['status']) => results.filter((r) => r.status === status).length;
  return `${JSON.stringify({ exitCode, totals: { scenarios: results.length, passed: count('passed'), failed: count('failed'), skipped: count('skipped'), aborted: count('aborted') }, scenarios: results }, null, 2)}\n`;
}
