/** Pools kept between looks, against real sshd: one connection a node however often it is asked, a fresh one after a failure. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeptPools } from '../../src/ssh/kept-pools.js';
import type { SshPool } from '../../src/ssh/pool.js';
import { type SshdLab, startSshdLab } from '../support/sshd.js';

let lab: SshdLab;
beforeAll(async () => {
  lab = await startSshdLab();
});
afterAll(async () => {
  await lab?.stop();
});

const [a, b] = [{ name: 'a' }, { name: 'b' }];
const connections = () => lab.nodes.map((n) => n.connectionPids().length);
const ran = (pool: SshPool, node: string) => pool.session(node).exec('true', { timeoutMs: 5000 });

async function until(what: string, holds: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!holds()) {
    if (Date.now() > deadline) throw new Error(`never saw ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('KeptPools', () => {
  it('opens one connection a node for a lab, however often it is used, and closes them all at the end', async () => {
    const pools = new KeptPools();
    const used: SshPool[] = [];
    for (let i = 0; i < 4; i++) {
      used.push(
        await pools.use(a, lab.targets, async (pool) => {
          expect((await ran(pool, 'docker-node1')).exitCode).toBe(0);
          return pool;
        }),
      );
    }
    expect(new Set(used).size).toBe(1);
    expect(connections()).toEqual([1, 1]);
    await pools.close();
    await until('every connection closed', () => connections().every((c) => c === 0));
  });

  it('forgets a pool whose use failed (closing it), and one that could not open: the next use opens anew', async () => {
    const pools = new KeptPools();
    const first = await pools.use(a, lab.targets, async (pool) => pool);
    await expect(
      pools.use(a, lab.targets, async () => {
        throw new Error('docker-node2: connection lost');
      }),
    ).rejects.toThrow('connection lost');
    await until('the failed pool closed', () => connections().every((c) => c === 0));
    const second = await pools.use(a, lab.targets, async (pool) => pool);
    expect(second).not.toBe(first);
    expect(connections()).toEqual([1, 1]);
    await pools.close();
    // A lab that is down: nothing kept, and once it answers, it is reached.
    const nowhere = lab.targets.map((t) => ({ ...t, port: 1 }));
    await expect(pools.use(b, nowhere, async () => 'reached')).rejects.toThrow(/cannot reach/);
    expect(await pools.use(b, lab.targets, async () => 'reached')).toBe('reached');
    await pools.close();
  });
});
