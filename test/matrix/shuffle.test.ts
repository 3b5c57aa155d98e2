import { describe, expect, it } from 'vitest';
import { shuffled } from '../../src/matrix/shuffle.js';

const names = ['bridge', 'custom-bridge', 'host-none', 'link', 'netns', 'overlay', 'overlay-isolation', 'overlay-swarm', 'port-mapping', 'user-bridge'];

describe('--shuffle SEED', () => {
  it('gives every scenario once, in the same order for the same seed and lab on any machine', () => {
    const a = shuffled(names, '1234-1', 'bookworm');
    expect([...a].sort()).toEqual(names);
    expect(shuffled(names, '1234-1', 'bookworm')).toEqual(a);
    // Recorded once: a replayed seed must give the order CI ran.
    expect(shuffled(['custom-bridge', 'overlay', 'bridge'], 'e2e-1', 'bookworm')).toEqual(['bridge', 'custom-bridge', 'overlay']);
  });

  it('gives other seeds and other labs other orders', () => {
    const orders = new Set(Array.from({ length: 20 }, (_, i) => shuffled(names, `seed-${i}`, 'bookworm').join(',')));
    expect(orders.size).toBeGreaterThan(15);
    expect(shuffled(names, 's', 'bookworm')).not.toEqual(shuffled(names, 's', 'trixie'));
  });
});
