import { describe, expect, test } from 'vitest';
import { WorkerPool } from '../../../src/graph/worker-pool.js';

describe('WorkerPool', () => {
  test('serves the highest priority waiter first and respects weights', async () => {
    const pool = new WorkerPool({ slots: 2 });
    const first = await pool.acquire({ weight: 2, priority: 1, name: 'x' });
    const order: string[] = [];
    const low = pool.acquire({ weight: 1, priority: 1, name: 'low' }).then((r) => { order.push('low'); return r; });
    const high = pool.acquire({ weight: 1, priority: 5, name: 'high' }).then((r) => { order.push('high'); return r; });
    expect(pool.inUse).toBe(2);
    first?.();
    const [l, h] = await Promise.all([low, high]);
    expect(order).toEqual(['high', 'low']);
    expect(pool.inUse).toBe(2);
    l?.();
    h?.();
  });

  test('a weight above the pool size takes the whole pool instead of waiting forever', async () => {
    const pool = new WorkerPool({ slots: 2 });
    const release = await pool.acquire({ weight: 8, priority: 0, name: 'big' });
    expect(pool.inUse).toBe(2);
    release?.();
  });

  test('closing refuses waiting and new requests', async () => {
    const pool = new WorkerPool({ slots: 1 });
    const held = await pool.acquire({ weight: 1, priority: 0, name: 'a' });
    const waiting = pool.acquire({ weight: 1, priority: 0, name: 'b' });
    pool.close();
    expect(await waiting).toBeUndefined();
    expect(await pool.acquire({ weight: 1, priority: 0, name: 'c' })).toBeUndefined();
    held?.();
  });

  test('with a random source (MKB_SHUFFLE=1), waiters of equal priority are served in shuffled order', async () => {
    const order = async (random?: () => number): Promise<string[]> => {
      const pool = new WorkerPool({ slots: 1, ...(random ? { random } : {}) });
      const held = await pool.acquire({ weight: 1, priority: 9, name: 'first' });
      const served: string[] = [];
      const waits = ['a', 'b', 'c'].map((name) => pool.acquire({ weight: 1, priority: 1, name }).then((release) => {
        served.push(name);
        release?.();
      }));
      held?.();
      await Promise.all(waits);
      return served;
    };
    expect(await order()).toEqual(['a', 'b', 'c']);
    const descending = [0.9, 0.5, 0.1];
    expect(await order(() => descending.shift() ?? 0)).toEqual(['c', 'b', 'a']);
  });
});

