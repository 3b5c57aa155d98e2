import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { renderTable } from '../../src/matrix/cells.js';
import { type FoundShard, mergeShards } from '../../src/matrix/merge.js';
import { composeMatrix, type LabRun } from '../../src/matrix/report.js';
import { type MatrixPlan, type Shard, shareOf } from '../../src/matrix/shard.js';
import { readShardRecord, type ShardRecord, writeShardRecord } from '../../src/matrix/shard-record.js';
import type { Suite } from '../../src/matrix/suites.js';
import type { ScenarioResult } from '../../src/scenario/results.js';

const plan: MatrixPlan = { suites: ['bookworm', 'trixie'], scenarios: ['bridge', 'custom-bridge', 'overlay'] };
const DOCKER: Partial<Record<Suite, string>> = { bookworm: '20.10.24+dfsg1', trixie: '26.1.5+dfsg1' };

function result(name: string, suite: Suite): ScenarioResult {
  const skipped = name === 'overlay' && suite === 'trixie';
  return {
    name,
    file: `scenarios/${name}.yaml`,
    description: '',
    status: skipped ? 'skipped' : 'passed',
    ...(skipped ? { reason: 'requires Docker <23; this lab runs 26.1.5+dfsg1' } : {}),
    startedAt: '2026-11-30T10:00:00.000Z',
    durationMs: 1000 + name.length * 100,
    runId: `r-${name}`,
    transcriptDir: 't',
    steps: [],
    cleanup: [],
  };
}

/** What the labs of `shard` would have produced: every scenario of its share ran. */
function labsOf(shard: Shard): LabRun[] {
  return shareOf(plan, shard).map(({ suite, scenarios }) => ({ suite, docker: DOCKER[suite]!, scenarios, results: scenarios.map((s) => result(s, suite)) }));
}

function record(shard: Shard, over: Partial<ShardRecord> = {}): ShardRecord {
  return { run: 'run-7', fingerprint: 'f1', plan: { ...plan, ignoreRequires: false }, shard, labs: labsOf(shard), ...over };
}

const found = (dir: string, r: ShardRecord): FoundShard => ({ dir, record: r });
const shard = (index: number, count = 2): Shard => ({ index, count });

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).exitCode).toBe(2);
    return (err as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('lab matrix merge', () => {
  it('gives the table of the unsharded run from its shards, in any order of folders', () => {
    const whole = composeMatrix(plan, labsOf({ index: 1, count: 1 }));
    for (const n of [2, 3, 6]) {
      const shards = Array.from({ length: n }, (_, i) => found(`s${i + 1}`, record(shard(i + 1, n)))).reverse();
      const merged = mergeShards(shards);
      const composed = composeMatrix(merged.plan, merged.labs);
      expect(composed.cells).toEqual(whole.cells);
      expect(renderTable(composed.cells, composed.columns, merged.plan.scenarios)).toBe(renderTable(whole.cells, whole.columns, plan.scenarios));
      expect(composed.results.map((r) => r.name)).toEqual(whole.results.map((r) => r.name));
    }
  });

  it("names a column after every version its shards saw, and fills a lab that did not come up from another shard's", () => {
    const [a, b] = [labsOf(shard(1, 4)), labsOf(shard(2, 4))];
    a[0] = { suite: 'bookworm', scenarios: a[0]!.scenarios, results: [], error: 'Timed out while waiting for the machine to boot' };
    const composed = composeMatrix(plan, [...a, ...b]);
    expect(composed.columns[0]).toBe('bookworm 20.10.24+dfsg1');
    expect(composed.cells.find((c) => c.scenario === 'bridge')).toMatchObject({
      column: 'bookworm 20.10.24+dfsg1',
      status: 'failed',
      detail: 'the lab did not come up: Timed out while waiting for the machine to boot',
    });
    const sid = composeMatrix(plan, [
      ...labsOf(shard(1, 2)),
      ...labsOf(shard(2, 2)).map((l) => ({ ...l, docker: '26.1.5+dfsg2' })),
      { suite: 'trixie', docker: '26.1.5+dfsg1', scenarios: [], results: [] },
    ]);
    expect(sid.columns[1]).toBe('trixie 26.1.5+dfsg2 / 26.1.5+dfsg1');
  });

  it('refuses shards of different runs', () => {
    expect(refusal(() => mergeShards([found('a', record(shard(1))), found('b', record(shard(2), { run: 'run-8' }))]))).toBe(
      'matrix merge: shards of different runs: a (shard 1/2 of run run-7) and b (shard 2/2 of run run-8)',
    );
  });

  it('refuses shards of one run id that ran different plans', () => {
    expect(refusal(() => mergeShards([found('a', record(shard(1))), found('b', record(shard(2), { fingerprint: 'f2' }))]))).toMatch(/ran different plans/);
    expect(refusal(() => mergeShards([found('a', record(shard(1, 2))), found('b', record(shard(2, 3)))]))).toMatch(/ran different plans/);
  });

  it('names a missing shard and what it runs', () => {
    expect(refusal(() => mergeShards([found('a', record(shard(1, 3))), found('c', record(shard(3, 3)))]))).toBe(
      'matrix merge: run run-7 is missing shard 2/3 (bookworm: overlay; trixie: bridge); give its --out folder too',
    );
  });

  it('refuses one shard given twice, and a cell reported twice', () => {
    expect(refusal(() => mergeShards([found('a', record(shard(1))), found('a2', record(shard(1)))]))).toBe('matrix merge: shard 1/2 given twice: a and a2');
    const overlapping = record(shard(2), { labs: [...labsOf(shard(2)), { suite: 'bookworm', docker: 'x', scenarios: ['overlay'], results: [] }] });
    expect(refusal(() => mergeShards([found('a', record(shard(1))), found('b', overlapping)]))).toBe(
      'matrix merge: cell overlay on bookworm reported twice: by a (shard 1/2 of run run-7) and by b (shard 2/2 of run run-7)',
    );
  });

  it('refuses a shard that does not hold its own share', () => {
    const short = record(shard(2), { labs: [{ ...labsOf(shard(2))[0]!, scenarios: ['bridge'] }] });
    expect(refusal(() => mergeShards([found('a', record(shard(1))), found('b', short)]))).toMatch(
      /^matrix merge: b \(shard 2\/2 of run run-7\) holds "trixie: bridge", not its share "trixie: bridge, custom-bridge, overlay"$/,
    );
  });

  it('refuses no folders at all', () => {
    expect(refusal(() => mergeShards([]))).toMatch(/name the shards' folders/);
  });
});

describe('shard.json', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'shard-'));

  it('reads back what a run wrote', async () => {
    const d = dir();
    await writeShardRecord(d, record(shard(1)));
    expect(await readShardRecord(d)).toEqual(record(shard(1)));
  });

  it.each([
    ['a folder without one', null, /: no shard\.json there; give the --out folders/],
    ['text that is not JSON', '{ nope', /shard\.json: not JSON/],
    ['JSON of something else', '{"cells": []}', /shard\.json: not a shard record of `lab matrix`: format: /],
    [
      'a record with a bad shard',
      JSON.stringify({ format: 'docker-lab-matrix-shard/1', ...record(shard(1)), shard: { index: 3, count: 2 } }),
      /shard\.json: not a shard record of `lab matrix`: shard: index beyond count/,
    ],
  ])('refuses %s with exit 2', async (_, text, message) => {
    const d = dir();
    mkdirSync(d, { recursive: true });
    if (text !== null) writeFileSync(join(d, 'shard.json'), text);
    const err = await readShardRecord(d).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(message);
  });
});
