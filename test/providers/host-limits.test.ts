import { mkdirSync, mkdtempSync, symlinkSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INOTIFY_PER_NODE, inotifyFinding, inotifyInstancesOf, inotifyInstancesOfUser } from '../../src/providers/lxc/host-limits.js';

describe('the inotify budget of LXC nodes', () => {
  it('lets nodes start while they fit under the limit', () => {
    expect(inotifyFinding({ max: 128, used: 16, nodes: 2 })).toEqual({
      ok: true,
      what: `inotify instances for root: 16 of 128 in use, 2 nodes to start need about ${2 * INOTIFY_PER_NODE}`,
    });
  });

  it('refuses the lab that would not boot (the 9th on a Debian host), with the sysctl that fixes it', () => {
    // Eight labs up: 16 nodes of 8 each, the host's own few.
    const f = inotifyFinding({ max: 128, used: 16 * 8 + 4, nodes: 2 });
    expect(f.ok).toBe(false);
    expect(f.what).toMatch(/132 of 128 in use.*the nodes would hang at boot/);
    expect(f.fix).toMatch(/^sysctl -w fs\.inotify\.max_user_instances=1048576 .*\/etc\/sysctl\.d\//);
  });

  it("counts the instances in /proc: one per inotify fd, of the given user's processes only", async () => {
    const proc = mkdtempSync(join(tmpdir(), 'proc-'));
    const fds = (pid: string, links: string[]) => {
      mkdirSync(join(proc, pid, 'fd'), { recursive: true });
      for (const [fd, target] of links.entries()) symlinkSync(target, join(proc, pid, 'fd', String(fd)));
    };
    fds('100', ['anon_inode:inotify', 'anon_inode:inotify', 'socket:[123]']);
    fds('200', ['anon_inode:[eventpoll]', 'anon_inode:inotify']);
    mkdirSync(join(proc, 'self'));
    expect(await inotifyInstancesOf('100', proc)).toBe(2);
    expect(await inotifyInstancesOfUser(process.getuid!(), proc)).toBe(3);
    expect(await inotifyInstancesOfUser(process.getuid!() + 1, proc)).toBe(0);
  });

  it('finds the instance a watch opens in this very process, on the real /proc', async () => {
    const watcher = watch(tmpdir());
    try {
      // libuv serves every watch of a loop from one inotify instance.
      expect(await inotifyInstancesOf(process.pid)).toBe(1);
    } finally {
      watcher.close();
    }
  });
});
