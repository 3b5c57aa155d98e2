/**
 * Sharding the matrix over N machines: which cells (suite x scenario) shard K of N runs. Pure and
 * deterministic, so that N independent CI jobs agree on the split without talking to each other, and
 * `lab matrix merge` can name what a missing shard should have run.
 */
import { InputError } from '../errors.js';
import type { Suite } from './suites.js';

/** Shard `index` (from 1) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** The whole matrix: the columns and the rows, in the order the table shows them. */
export interface MatrixPlan {
  suites: readonly Suite[];
  scenarios: readonly string[];
}

/** What one lab runs in a shard: a suite and some of the scenarios, in the plan's order. */
export interface LabShare {
  suite: Suite;
  scenarios: string[];
}

export const WHOLE: Shard = { index: 1, count: 1 };

/** `--shard K/N`, both whole numbers from 1, K at most N; N no larger than the number of cells. */
export function parseShard(text: string, cells: number): Shard {
  const bad = (why: string) => new InputError(`--shard '${text}': ${why}`);
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw bad('expected K/N, e.g. --shard 2/4 for the second of four shards');
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) throw bad('N, the number of shards, must be at least 1');
  if (index < 1 || index > count) throw bad(`K must be between 1 and ${count}`);
  if (count > cells) throw bad(`${count} shards for ${cells} cell${cells === 1 ? '' : 's'} would leave shards with nothing to run; use at most ${cells}`);
  return { index, count };
}

export function shardLabel(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}

/**
 * Shard K's share. The cells are laid out lab by lab (suite-major, the plan's order) and cut into N runs of
 * equal length (give or take one): every shard gets an even share of the cells, and as few labs as that
 * allows, since a lab's bring-up costs as much as several scenarios. N dividing the number of suites gives
 * whole labs; the number of suites dividing N gives one lab per shard.
 */
export function shareOf(plan: MatrixPlan, shard: Shard): LabShare[] {
  const cells = plan.suites.flatMap((suite) => plan.scenarios.map((scenario) => ({ suite, scenario })));
  const from = Math.floor(((shard.index - 1) * cells.length) / shard.count);
  const to = Math.floor((shard.index * cells.length) / shard.count);
  const shares: LabShare[] = [];
  for (const { suite, scenario } of cells.slice(from, to)) {
    const last = shares[shares.length - 1];
    if (last?.suite === suite) last.scenarios.push(scenario);
    else shares.push({ suite, scenarios: [scenario] });
  }
  return shares;
}

/** For the output: `bullseye: bridge, overlay; bookworm: bridge`. */
export function describeShare(shares: readonly LabShare[]): string {
  return shares.length === 0 ? 'no cells' : shares.map((s) => `${s.suite}: ${s.scenarios.join(', ')}`).join('; ');
}
