import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withFileLock } from '../../src/host/file-lock.js';

const lockPath = () => join(mkdtempSync(join(tmpdir(), 'docker-lab-lock-')), 'thing.lock');

describe('withFileLock', () => {
  it('runs one holder at a time: the second waits, says so once, and runs after the first', async () => {
    const path = lockPath();
    const order: string[] = [];
    let releaseFirst!: () => void;
    let firstHolds!: () => void;
    const holding = new Promise<void>((r) => (firstHolds = r));
    const first = withFileLock({ lockPath: path }, async () => {
      order.push('first in');
      firstHolds();
      await new Promise<void>((r) => (releaseFirst = r));
      order.push('first out');
    });
    await holding;
    let waits = 0;
    let told!: () => void;
    const waiting = new Promise<void>((r) => (told = r));
    const second = withFileLock(
      {
        lockPath: path,
        onWait: () => {
          waits++;
          told();
        },
      },
      async () => {
        order.push('second in');
        return 42;
      },
    );
    await waiting;
    releaseFirst();
    await first;
    expect(await second).toBe(42);
    expect(order).toEqual(['first in', 'first out', 'second in']);
    expect(waits).toBe(1);
  });

  it('gives up waiting when aborted, and leaves the holder alone', async () => {
    const path = lockPath();
    let release!: () => void;
    let holds!: () => void;
    const holding = new Promise<void>((r) => (holds = r));
    const held = withFileLock({ lockPath: path }, () => {
      holds();
      return new Promise<void>((r) => {
        release = r;
      });
    });
    await holding;
    const controller = new AbortController();
    const waiter = withFileLock({ lockPath: path, signal: controller.signal, onWait: () => controller.abort(new Error('stop waiting')) }, async () => 'ran');
    await expect(waiter).rejects.toThrow('stop waiting');
    release();
    await held;
  });

  it('releases the lock when the work throws', async () => {
    const path = lockPath();
    await expect(
      withFileLock({ lockPath: path }, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await withFileLock({ lockPath: path }, async () => 'again')).toBe('again');
  });
});
