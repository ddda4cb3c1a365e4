import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { comparePathComponents } from '../../../src/util/path-order.js';

/** The definition: component by component, a shorter path (a directory) before the paths below it. */
function byComponents(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '.') return -1;
  if (b === '.') return 1;
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i] as string;
    const q = y[i] as string;
    if (p !== q) return p < q ? -1 : 1;
  }
  return x.length - y.length;
}

describe('comparePathComponents', () => {
  test('orders as a sorted depth-first walk lists paths: a directory, its entries, then its next sibling', () => {
    const paths = ['a-b', 'a/b/c', '.', 'b', 'a', 'a/b', 'a/a-z', 'a/b-c'];
    expect([...paths].sort(comparePathComponents)).toEqual(['.', 'a', 'a/a-z', 'a/b', 'a/b/c', 'a/b-c', 'a-b', 'b']);
    // Plain string order would put `a-b` before `a/b`: '-' sorts before '/'.
    expect([...paths].sort()).not.toEqual([...paths].sort(comparePathComponents));
  });

  test('agrees in sign with the component-by-component definition', () => {
    // Names from characters around '/' in code-unit order (' ', '-', '.', '0', 'a', 'é'), so every case meets.
    const name = fc.string({ unit: fc.constantFrom(' ', '-', '.', '0', 'a', 'é'), minLength: 1, maxLength: 3 });
    const path = fc.oneof(fc.constant('.'), fc.array(name, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/')));
    fc.assert(fc.property(path, path, (a, b) => {
      expect(Math.sign(comparePathComponents(a, b))).toBe(Math.sign(byComponents(a, b)));
    }), { numRuns: 5000 });
  });
});
