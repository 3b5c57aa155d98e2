/** The sessions of a run: one per node, opened in parallel, closed together. */
import { InputError } from '../errors.js';
import { type SessionOptions, SshSession } from './session.js';
import type { SshTarget } from './target.js';

export class SshPool {
  private constructor(private readonly sessions: Map<string, SshSession>) {}

  /**
   * Connects to every target at once. When any node can not be reached, the others are closed again and
   * the error names every node that failed: nothing has run yet, so it is a setup problem (exit 2).
   */
  static async open(targets: readonly SshTarget[], options: SessionOptions = {}): Promise<SshPool> {
    const results = await Promise.allSettled(targets.map((t) => SshSession.open(t, options)));
    const opened = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
    if (failed.length > 0) {
      await Promise.all(opened.map((s) => s.close()));
      throw new InputError(`cannot reach ${failed.length === 1 ? 'a node' : 'the nodes'} over SSH (is the lab up?):\n  ${failed.join('\n  ')}`);
    }
    return new SshPool(new Map(opened.map((s) => [s.node, s])));
  }

  get nodes(): string[] {
    return [...this.sessions.keys()];
  }

  session(node: string): SshSession {
    const s = this.sessions.get(node);
    if (!s) throw new InputError(`no SSH target for node '${node}' (targets: ${this.nodes.join(', ')})`);
    return s;
  }

  async close(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.close()));
  }
}
