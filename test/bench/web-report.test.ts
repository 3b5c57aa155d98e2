import { describe, expect, it } from 'vitest';
import { type HostHeld, median, percentile, renderWeb, type WebClassFigures, type WebFigures } from '../../bench/report.js';

const MiB = 2 ** 20;
const hostHeld: HostHeld = {
  serverRss: 120 * MiB,
  chromium: { processes: 7, rss: 600 * MiB, pss: 300 * MiB },
  load: [0.5, 1, 1.25],
  memAvailable: 20_000 * MiB,
};
const one: WebFigures = {
  lab: 'dlab-wb',
  stepShown: [900, 400, 1200, 700, 500],
  echo: Array.from({ length: 100 }, (_, i) => i + 1),
  weight: { requests: 9, bytes: 640 * 1024, websockets: 3, largest: [{ path: '/vendor/xterm.mjs', bytes: 400 * 1024 }] },
  again: { requests: 9, bytes: 6 * 1024, websockets: 3, largest: [] },
  held: hostHeld,
};
const many: WebClassFigures = {
  requested: 16,
  up: 6,
  upMs: 300_000,
  atStep1: 6,
  openMs: 12_500,
  echo: [10, 20, 30, 40],
  looks: {
    fresh: [
      { ms: 3000, cpuMs: 900 },
      { ms: 2000, cpuMs: 800 },
      { ms: 4000, cpuMs: 1000 },
    ],
    kept: [
      { ms: 500, cpuMs: 200 },
      { ms: 400, cpuMs: 100 },
      { ms: 600, cpuMs: 300 },
    ],
  },
  held: { ...hostHeld, serverRss: 300 * MiB, memAvailable: 15_000 * MiB },
  memAvailableBefore: 21_000 * MiB,
  downMs: 60_000,
  left: [],
  failures: ['6 labs: not enough inotify instances'],
};
const lineOf = (out: string, label: string) => out.split('\n').find((l) => l.includes(label));

describe('percentiles', () => {
  it('takes the nearest rank: always one of the samples', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 .. 1, unsorted
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 95)).toBe(95);
    expect(percentile(xs, 100)).toBe(100);
    expect(percentile([7, 3, 5], 50)).toBe(5);
    expect(percentile([7, 3, 5], 95)).toBe(7);
    expect(percentile([4], 0)).toBe(4);
  });

  it('has none of no samples', () => {
    expect(percentile([], 50)).toBeNaN();
  });

  it('takes a median between the two middle samples of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([3, 1, 2])).toBe(2);
  });
});

describe('the lab web report', () => {
  it("shows one lab's step latency, weight and echo", () => {
    const out = renderWeb(one, null);
    expect(lineOf(out, 'step done on the page')).toMatch(/\(5 runs\)\s+median 700 ms, max 1200 ms$/);
    expect(lineOf(out, 'first load')).toMatch(/640\.0 KiB in 9 requests, 3 websockets$/);
    expect(lineOf(out, '/vendor/xterm.mjs')).toMatch(/400\.0 KiB$/);
    expect(lineOf(out, 'loaded again')).toMatch(/6\.0 KiB in 9 requests, 3 websockets$/);
    expect(lineOf(out, 'p50 / p95')).toMatch(/\(100 keys\)\s+50 ms \/ 95 ms \/ 100 ms$/);
    expect(lineOf(out, 'server RSS')).toMatch(/120 MiB$/);
    expect(lineOf(out, 'Chromium RSS')).toMatch(/600 MiB \(7 processes\)$/);
    expect(lineOf(out, 'load average')).toMatch(/0\.50 \/ 1\.00 \/ 1\.25$/);
    expect(out).not.toContain('a class');
  });

  it('puts the class beside the one page, and says how many labs of those asked for came up', () => {
    const out = renderWeb(one, many);
    expect(lineOf(out, 'one page, one lab')).toMatch(/one page, one lab\s+6 pages on 6 labs at once$/);
    expect(lineOf(out, 'p50 / p95')).toMatch(/\(100 keys, 4 keys\)\s+50 ms \/ 95 ms \/ 100 ms\s+20 ms \/ 40 ms \/ 40 ms$/);
    expect(lineOf(out, 'server RSS')).toMatch(/120 MiB\s+300 MiB$/);
    expect(lineOf(out, 'labs up')).toMatch(/6 of 16 asked for in 300\.0 s$/);
    expect(lineOf(out, 'opened at once')).toMatch(/6 of 6 in 12\.5 s$/);
    expect(lineOf(out, 'before the labs')).toMatch(/21000 MiB before the labs, 15000 MiB with the pages open$/);
    expect(lineOf(out, 'down, all labs')).toMatch(/60\.0 s, nothing left \(containers, bridges\)$/);
    expect(lineOf(out, "the board's look")).toMatch(/median of 3: new SSH connections\s+3\.0 s \(CPU 900 ms\)$/);
    expect(lineOf(out, 'connections kept')).toMatch(/500 ms \(CPU 200 ms\): 6\.0x the speed, 4\.5x less CPU$/);
    expect(lineOf(out, 'failed')).toMatch(/not enough inotify instances$/);
  });

  it('shows a class alone, and what was left on the host', () => {
    const out = renderWeb(null, { ...many, left: ['container dlab-wm-01-docker-node1'] });
    expect(out).not.toContain('one page, one lab');
    expect(lineOf(out, 'p50 / p95')).toMatch(/\(4 keys\)\s+20 ms \/ 40 ms \/ 40 ms$/);
    expect(lineOf(out, 'down, all labs')).toMatch(/LEFT: container dlab-wm-01-docker-node1$/);
  });
});
