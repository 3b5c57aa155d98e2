/** Reads the SVG of every topology snapshot the results refer to, for the HTML report to embed. */
import { readFile } from 'node:fs/promises';
import type { ScenarioResult } from '../../scenario/results.js';
import { leafResults } from '../../scenario/results.js';
import { snapshotKey } from './scenario.js';

export async function readSnapshots(results: readonly ScenarioResult[]): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  for (const r of results) {
    for (const s of leafResults([...r.steps, ...r.cleanup])) {
      if (!s.snapshot) continue;
      const key = snapshotKey(r, s.snapshot.svg);
      const svg = await readFile(key, 'utf8').catch(() => null);
      if (svg !== null) map.set(key, svg);
    }
  }
  return map;
}
