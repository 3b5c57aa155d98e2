/** The lines of `--repeat`: one per run, then one per scenario over all its runs. Pure. */
import { formatTime } from '../format.js';
import type { ScenarioResult } from '../scenario/results.js';

/** `run 3 of 20: overlay passed in 16.2 s`. */
export function repeatLine(result: ScenarioResult, runs: number): string {
  return `run ${result.run ?? 1} of ${runs}: ${result.name} ${result.status} in ${formatTime(result.durationMs)}`;
}

/** `overlay: 20 of 20 passed (median 16.2 s, max 18.0 s)`, per scenario in the order they first ran. */
export function repeatSummary(results: readonly ScenarioResult[]): string[] {
  const names = [...new Set(results.map((r) => r.name))];
  return names.map((name) => {
    const mine = results.filter((r) => r.name === name);
    const times = mine.map((r) => r.durationMs).sort((a, b) => a - b);
    const passed = mine.filter((r) => r.status === 'passed').length;
    return `${name}: ${passed} of ${mine.length} passed (median ${formatTime(median(times))}, max ${formatTime(times[times.length - 1]!)})`;
  });
}

function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
