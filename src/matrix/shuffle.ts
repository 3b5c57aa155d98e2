/**
 * `--shuffle SEED`: each lab runs its scenarios in an order drawn from the seed, so that CI keeps proving that
 * scenarios pass in any order (one left /var/tmp/docker-lab root's, and the next one's daemon could not start).
 * The same seed gives the same order on every machine, so a failing order can be replayed. Pure.
 */

/** FNV-1a of the seed's text, the state of a mulberry32 generator. */
function generator(seed: string): () => number {
  let h = 0x811c9dc5;
  for (const ch of seed) h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193) >>> 0;
  let state = h;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Fisher-Yates with the seed's generator; `label` (the suite) gives each lab an order of its own. */
export function shuffled<T>(items: readonly T[], seed: string, label: string): T[] {
  const next = generator(`${seed}\0${label}`);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
