/**
 * `shard.json`: what a matrix run (a shard, or the whole as shard 1/1) leaves for `lab matrix merge`. It names
 * the run and the plan, so that shards of different runs, or of another scenario set, are never mixed.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { SUITES } from '../lab/schema.js';
import type { LabRun } from './report.js';
import type { MatrixPlan, Shard } from './shard.js';

const SHARD_FILE = 'shard.json';
const FORMAT = 'docker-lab-matrix-shard/1';

export interface ShardRecord {
  /** `--run-id` (a CI run's id), else the plan's fingerprint: shards merge only within one run. */
  run: string;
  /** The plan and the scenario files' contents, hashed: shards of one run must agree on what they ran. */
  fingerprint: string;
  plan: MatrixPlan & { ignoreRequires: boolean };
  shard: Shard;
  labs: LabRun[];
}

/** Hash of the plan and of every scenario file's text, in the plan's order. Pure. */
export function fingerprintOf(plan: ShardRecord['plan'], shards: number, scenarioTexts: readonly string[]): string {
  const hash = createHash('sha256').update(JSON.stringify({ ...plan, shards }));
  for (const text of scenarioTexts) hash.update('\0').update(text);
  return hash.digest('hex').slice(0, 16);
}

export async function writeShardRecord(dir: string, record: ShardRecord): Promise<void> {
  await writeFile(join(dir, SHARD_FILE), `${JSON.stringify({ format: FORMAT, ...record }, null, 2)}\n`);
}

const positive = z.number().int().min(1);
const suite = z.enum(SUITES);
// Results are checked only as far as the merge reads them; the reports take them as the run wrote them.
const result = z.looseObject({ name: z.string(), status: z.enum(['passed', 'failed', 'skipped', 'aborted']), durationMs: z.number() });
const recordSchema = z.object({
  format: z.literal(FORMAT),
  run: z.string().min(1),
  fingerprint: z.string().min(1),
  plan: z.object({ suites: z.array(suite).min(1), scenarios: z.array(z.string()).min(1), ignoreRequires: z.boolean() }),
  shard: z.object({ index: positive, count: positive }).refine((s) => s.index <= s.count, 'index beyond count'),
  labs: z.array(z.object({ suite, docker: z.string().optional(), scenarios: z.array(z.string()), results: z.array(result), error: z.string().optional() })),
});

/** Reads `dir/shard.json`; anything else than a record `lab matrix` wrote is bad input (exit 2). */
export async function readShardRecord(dir: string): Promise<ShardRecord> {
  const file = join(dir, SHARD_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new InputError(`${dir}: no ${SHARD_FILE} there; give the --out folders of \`lab matrix --shard K/N\` runs`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${file}: not JSON (${(err as Error).message})`);
  }
  const parsed = recordSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`${file}: not a shard record of \`lab matrix\`: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  const { format: _format, ...record } = parsed.data;
  return record as unknown as ShardRecord;
}
