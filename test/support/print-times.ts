/** Prints the run's times file as a table, slowest first, with the total: the end of `.ci/run`'s log. */
import { existsSync, readFileSync } from 'node:fs';
import { TIMES_FILE } from './times.js';

if (existsSync(TIMES_FILE)) {
  const rows = readFileSync(TIMES_FILE, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t') as [string, string, string])
    .sort((a, b) => Number(b[1]) - Number(a[1]));
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log('\ntimes of this run (test files with their hooks, and box builds), slowest first:');
  for (const [what, s, outcome] of rows) console.log(`  ${what.padEnd(width)}  ${s.padStart(7)} s  ${outcome}`);
  console.log(
    `  ${'sum (unit files run side by side)'.padEnd(width)}  ${rows
      .reduce((t, r) => t + Number(r[1]), 0)
      .toFixed(1)
      .padStart(7)} s`,
  );
}
