/**
 * Pools kept open between uses, one per lab (by its name), for a caller that asks the same labs again every few
 * seconds (the teacher's board): the SSH handshakes are paid once, not at every look. A pool whose opening or use
 * failed is closed and forgotten, so the next use opens a fresh one: the lab may have gone down, or come back anew.
 */
import { SshPool } from './pool.js';
import type { SshTarget } from './target.js';

export class KeptPools {
  private readonly pools = new Map<string, Promise<SshPool>>();

  /** A pool on the lab's nodes for `use`: the one kept, or a new one, kept. Bound: it can be handed on as it is. */
  readonly use = async <T>(lab: { readonly name: string }, targets: readonly SshTarget[], use: (pool: SshPool) => Promise<T>): Promise<T> => {
    const key = lab.name;
    let opening = this.pools.get(key);
    if (!opening) {
      opening = SshPool.open(targets);
      this.pools.set(key, opening);
    }
    let pool: SshPool;
    try {
      pool = await opening;
    } catch (err) {
      this.forget(key, opening);
      throw err;
    }
    try {
      return await use(pool);
    } catch (err) {
      this.forget(key, opening);
      await pool.close();
      throw err;
    }
  };

  /** Closes every pool; a use after this opens new ones. */
  async close(): Promise<void> {
    const all = [...this.pools.values()];
    this.pools.clear();
    await Promise.allSettled(all.map(async (opening) => (await opening).close()));
  }

  /** Only the pool that failed: another use may have replaced it meanwhile. */
  private forget(key: string, opening: Promise<SshPool>): void {
    if (this.pools.get(key) === opening) this.pools.delete(key);
  }
}
