import { describe, expect, it } from 'vitest';
import { acceptsGzip } from '../../src/web/assets.js';

describe('acceptsGzip', () => {
  it.each([
    ['gzip, deflate, br', true],
    ['br;q=1.0, GZIP;q=0.5', true],
    ['gzip;q=0', false],
    ['gzip; q=0.000', false],
    ['identity', false],
    ['', false],
    [undefined, false],
  ])('%s: %s', (header, takes) => {
    expect(acceptsGzip(header)).toBe(takes);
  });
});
