/**
 * One docker-lab process at a time, across processes, for work on a shared host resource (a box build, the
 * libvirt daemons' record). proper-lockfile keeps the lock fresh while it is held, so a lock whose holder died
 * goes stale and is taken over instead of blocking every later process.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import lockfile from 'proper-lockfile';

interface LockOptions {
  /** The lock's own path (a folder proper-lockfile makes); its name says what it guards. */
  lockPath: string;
  /** Said once, when another process holds the lock. */
  onWait?: () => void;
  signal?: AbortSignal;
}

export async function withFileLock<T>({ lockPath, onWait, signal }: LockOptions, fn: () => Promise<T>): Promise<T> {
  let waited = false;
  let release: () => Promise<void>;
  for (;;) {
    signal?.throwIfAborted();
    try {
      release = await lockfile.lock(lockPath, { realpath: false, lockfilePath: lockPath, stale: 15_000, update: 5_000 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
      if (!waited) onWait?.();
      waited = true;
      await sleep(500, undefined, signal ? { signal } : {}).catch(() => undefined);
    }
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
}
