import { describe, expect, it } from 'vitest';
import { firstOfMany, formatTime } from '../src/format.js';

describe('the texts every room says alike', () => {
  it('a time: milliseconds under a second, else tenths of a second even past a minute', () => {
    expect(formatTime(300)).toBe('300 ms');
    expect(formatTime(3000)).toBe('3.0 s');
    expect(formatTime(90_049)).toBe('90.0 s');
  });

  it('a headline of many problems: the first, and how many more', () => {
    expect(firstOfMany('lab.yaml:3: bad', 1)).toBe('lab.yaml:3: bad');
    expect(firstOfMany('lab.yaml:3: bad', 3)).toBe('lab.yaml:3: bad (and 2 more)');
  });
});
