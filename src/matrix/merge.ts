/**
 * `lab matrix merge`: the shards of one run back into one matrix. Pure: every way the shards can disagree is
 * bad input (exit 2), found before anything is written.
 */
import { InputError } from '../errors.js';
import type { LabRun } from './report.js';
import { describeShare, type MatrixPlan, shardLabel, shareOf } from './shard.js';
import type { ShardRecord } from './shard-record.js';

/** A record and the folder it came from, for messages. */
export interface FoundShard {
  dir: string;
  record: ShardRecord;
}

interface MergedRun {
  plan: MatrixPlan;
  labs: LabRun[];
}

export function mergeShards(found: readonly FoundShard[]): MergedRun {
  const [first, ...others] = found;
  if (!first) throw new InputError("matrix merge: name the shards' folders, e.g. `lab matrix merge shard-1 shard-2`");
  const where = (f: FoundShard) => `${f.dir} (shard ${shardLabel(f.record.shard)} of run ${f.record.run})`;

  for (const f of others) {
    if (f.record.run !== first.record.run) throw new InputError(`matrix merge: shards of different runs: ${where(first)} and ${where(f)}`);
    if (f.record.fingerprint !== first.record.fingerprint || f.record.shard.count !== first.record.shard.count) {
      throw new InputError(
        `matrix merge: ${where(first)} and ${where(f)} ran different plans (Docker versions, scenarios, their files or the number of shards differ)`,
      );
    }
  }

  const byIndex = new Map<number, FoundShard>();
  for (const f of found) {
    const seen = byIndex.get(f.record.shard.index);
    if (seen) throw new InputError(`matrix merge: shard ${shardLabel(f.record.shard)} given twice: ${seen.dir} and ${f.dir}`);
    byIndex.set(f.record.shard.index, f);
  }

  const { plan } = first.record;
  const reportedBy = new Map<string, FoundShard>();
  for (const f of found) {
    for (const lab of f.record.labs) {
      for (const scenario of lab.scenarios) {
        const key = `${scenario} on ${lab.suite}`;
        const other = reportedBy.get(key);
        if (other) throw new InputError(`matrix merge: cell ${key} reported twice: by ${where(other)} and by ${where(f)}`);
        reportedBy.set(key, f);
      }
    }
  }

  const count = first.record.shard.count;
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length) {
    const lines = missing.map((index) => `shard ${index}/${count} (${describeShare(shareOf(plan, { index, count }))})`);
    throw new InputError(`matrix merge: run ${first.record.run} is missing ${lines.join(', ')}; give its --out folder too`);
  }

  // Each shard must hold exactly its own share: a record that was edited or cut short would leave holes.
  for (const f of found) {
    const want = describeShare(shareOf(plan, f.record.shard));
    const has = describeShare(f.record.labs.map((l) => ({ suite: l.suite, scenarios: l.scenarios })));
    if (want !== has) throw new InputError(`matrix merge: ${where(f)} holds "${has}", not its share "${want}"`);
  }

  return { plan: { suites: plan.suites, scenarios: plan.scenarios }, labs: found.flatMap((f) => f.record.labs) };
}
