/**
 * Where the test run's times go, one tab-separated line each (`what`, seconds, outcome), so `.ci/run` can end with
 * the cost of every test file and box build: the next change that costs minutes is seen where it lands.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const TIMES_FILE = process.env.DOCKER_LAB_TEST_TIMES ?? join(import.meta.dirname, '../../runs/test-times.tsv');

export function recordTime(what: string, ms: number, outcome: string): void {
  mkdirSync(dirname(TIMES_FILE), { recursive: true });
  appendFileSync(TIMES_FILE, `${what}\t${(ms / 1000).toFixed(1)}\t${outcome}\n`);
}

/** Times an async piece of the run's setup (a box build) under `what`. */
export async function timed<T>(what: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    const result = await work();
    recordTime(what, Date.now() - started, 'ok');
    return result;
  } catch (err) {
    recordTime(what, Date.now() - started, 'failed');
    throw err;
  }
}
