import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { describeShare, type MatrixPlan, parseShard, shareOf } from '../../src/matrix/shard.js';

const plan: MatrixPlan = {
  suites: ['bullseye', 'bookworm', 'trixie', 'sid'],
  scenarios: ['bridge', 'custom-bridge', 'link', 'netns', 'overlay', 'overlay-swarm'],
};
const shares = (n: number) => Array.from({ length: n }, (_, i) => shareOf(plan, { index: i + 1, count: n }));
const cellsOf = (s: ReturnType<typeof shareOf>) => s.flatMap((l) => l.scenarios.map((x) => `${x}@${l.suite}`));

describe('--shard K/N', () => {
  it.each([
    ['', /expected K\/N/],
    ['2', /expected K\/N/],
    ['a/b', /expected K\/N/],
    ['1/4/2', /expected K\/N/],
    ['-1/4', /expected K\/N/],
    ['1.5/4', /expected K\/N/],
    ['1/0', /N, the number of shards, must be at least 1/],
    ['0/4', /K must be between 1 and 4/],
    ['5/4', /K must be between 1 and 4/],
    ['3/25', /25 shards for 24 cells .* use at most 24/],
  ])('refuses %j with a clear message (exit 2)', (text, message) => {
    let thrown: unknown;
    try {
      parseShard(text, 24);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).exitCode).toBe(2);
    expect((thrown as Error).message).toMatch(new RegExp(`^--shard '${text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}': `));
    expect((thrown as Error).message).toMatch(message);
  });

  it('accepts K/N with 1 <= K <= N <= cells', () => {
    expect(parseShard('2/4', 24)).toEqual({ index: 2, count: 4 });
    expect(parseShard(' 24/24 ', 24)).toEqual({ index: 24, count: 24 });
  });
});

describe("a shard's share", () => {
  it.each([1, 2, 3, 4, 5, 7, 8, 24])('with %i shards, covers every cell exactly once, each shard within one cell of the others', (n) => {
    const all = shares(n).map(cellsOf);
    expect(all.flat().sort()).toEqual(plan.suites.flatMap((s) => plan.scenarios.map((x) => `${x}@${s}`)).sort());
    const sizes = all.map((c) => c.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('balances labs: whole labs when N divides the suites, one lab per shard when the suites divide N', () => {
    expect(shares(2).map(describeShare)).toEqual([
      'bullseye: bridge, custom-bridge, link, netns, overlay, overlay-swarm; bookworm: bridge, custom-bridge, link, netns, overlay, overlay-swarm',
      'trixie: bridge, custom-bridge, link, netns, overlay, overlay-swarm; sid: bridge, custom-bridge, link, netns, overlay, overlay-swarm',
    ]);
    expect(shares(4).map((s) => s.map((l) => l.suite))).toEqual([['bullseye'], ['bookworm'], ['trixie'], ['sid']]);
    expect(shares(8).map((s) => s.length)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(shares(8)[1]).toEqual([{ suite: 'bullseye', scenarios: ['netns', 'overlay', 'overlay-swarm'] }]);
    // Three shards of four labs: eight cells each, two labs each (never three).
    expect(shares(3).map((s) => s.length)).toEqual([2, 2, 2]);
  });

  it('is the same on every machine: a pure function of the plan and the shard', () => {
    expect(shareOf(plan, { index: 3, count: 5 })).toEqual(shareOf({ ...plan }, { index: 3, count: 5 }));
  });
});
