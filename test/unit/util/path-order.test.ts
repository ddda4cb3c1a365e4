import { describe, expect, test } from 'vitest';
import { comparePathComponents } from '../../../src/util/path-order.js';

describe('comparePathComponents', () => {
  test('orders as a sorted depth-first walk lists paths: a directory, its entries, then its next sibling', () => {
    const paths = ['a-b', 'a/b/c', '.', 'b', 'a', 'a/b', 'a/a-z', 'a/b-c'];
    expect([...paths].sort(comparePathComponents)).toEqual(['.', 'a', 'a/a-z', 'a/b', 'a/b/c', 'a/b-c', 'a-b', 'b']);
    // Plain string order would put `a-b` before `a/b`: '-' sorts before '/'.
    expect([...paths].sort()).not.toEqual([...paths].sort(comparePathComponents));
  });
});
