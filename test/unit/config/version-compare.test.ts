import { describe, expect, test } from 'vitest';
import { compareVersions } from '../../../src/config/version-compare.js';

// Orderings as `systemd-analyze compare-versions` prints them.
describe('compareVersions', () => {
  test.each([
    ['122', '123'],
    ['123', '123.1'],
    ['123~rc1', '123'],
    ['123~rc1', '123~rc2'],
    ['123', '123^1'],
    ['123^1', '123.1'],
    ['123-1', '123.1'],
    ['1.2', '1.10'],
    ['a', 'b'],
    ['1a', '1b'],
    ['122a', '123'],
    ['123', '124~'],
    ['27', '27.1'],
    ['1_2', '12'],
    ['1.1', '1a'],
    ['1a', '11'],
    ['1-1', '1^1'],
    ['1.a', '1.1'],
  ])('%s < %s', (low, high) => {
    expect(compareVersions(low, high)).toBeLessThan(0);
    expect(compareVersions(high, low)).toBeGreaterThan(0);
  });

  test.each([['123', '123'], ['0123', '123'], ['27.1', '27.1'], ['1+2', '1_2']])('%s == %s', (a, b) => {
    expect(compareVersions(a, b)).toBe(0);
  });
});
