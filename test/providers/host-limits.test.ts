import { watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { INOTIFY_PER_NODE, inotifyFinding, rootInotifyInstances } from '../../src/providers/lxc/host-limits.js';

describe('the inotify budget of LXC nodes', () => {
  it('lets nodes start while they fit under the limit', () => {
    expect(inotifyFinding({ max: 128, used: 16, nodes: 2 })).toEqual({ ok: true, what: `inotify instances for root: 16 of 128 in use, 2 nodes to start need about ${2 * INOTIFY_PER_NODE}` });
  });

  it('refuses the lab that would not boot (the 9th on a Debian host), with the sysctl that fixes it', () => {
    // Eight labs up: 16 nodes of 8 each, the host's own few.
    const f = inotifyFinding({ max: 128, used: 16 * 8 + 4, nodes: 2 });
    expect(f.ok).toBe(false);
    expect(f.what).toMatch(/132 of 128 in use.*the nodes would hang at boot/);
    expect(f.fix).toMatch(/^sysctl -w fs\.inotify\.max_user_instances=1048576 .*\/etc\/sysctl\.d\//);
  });

  it('counts root\'s instances on this host: one more while a watch is open', async () => {
    if (process.getuid?.() !== 0) throw new Error('runs as root, as the lxc provider does');
    const before = await rootInotifyInstances();
    const watcher = watch(tmpdir());
    try {
      // Other processes may open or close theirs meanwhile; ours is one of those counted.
      expect(await rootInotifyInstances()).toBeGreaterThanOrEqual(1);
      expect(before).toBeGreaterThanOrEqual(0);
    } finally {
      watcher.close();
    }
  });
});
