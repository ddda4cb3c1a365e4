import { describe, expect, test } from 'vitest';
import type { BuildEvent } from '../../../src/report/events.js';
import { jsonReporter } from '../../../src/report/json.js';
import { plainReporter } from '../../../src/report/plain.js';
import { prettyReporter } from '../../../src/report/pretty.js';
import { traceReporter } from '../../../src/report/trace.js';

const KEY = 'ab'.repeat(32);
const EVENTS: BuildEvent[] = [
  { type: 'build-start', t: 0, nodes: 3, jobs: 2, pid: 7 },
  { type: 'node-done', t: 1, node: 'base', kind: 'fixture-tree', key: KEY, outcome: 'cached', ms: 0, bytes: 2048, digest: 'd1', savedMs: 1500 },
  { type: 'node-start', t: 2, node: 'app', kind: 'fixture-tree', key: KEY },
  { type: 'node-progress', t: 3, node: 'app', done: 1, total: 4 },
  { type: 'node-done', t: 12, node: 'app', kind: 'fixture-tree', key: KEY, outcome: 'built', ms: 10, bytes: 4096, digest: 'd2', savedMs: 0 },
  { type: 'node-start', t: 12, node: 'img', kind: 'fixture-merge', key: KEY },
  { type: 'node-failed', t: 20, node: 'img', kind: 'fixture-merge', failure: { code: 'NODE_FAILED', node: 'img', message: 'disk full' } },
  { type: 'build-done', t: 21, ok: false, built: 1, cached: 1, failed: 1, skipped: 0, savedMs: 1500 },
];

function collect(make: (write: (s: string) => void) => { on(e: BuildEvent): void; close(): void }): string {
  let out = '';
  const r = make((s) => { out += s; });
  for (const e of EVENTS) r.on(e);
  r.close();
  return out;
}

describe('reporters', () => {
  test('json writes one parseable event per line, unchanged', () => {
    const lines = collect(jsonReporter).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(EVENTS);
  });

  test('plain writes one line per meaningful event and no control characters', () => {
    const out = collect(plainReporter);
    expect(out).toMatchInlineSnapshot(`
      "‣ building 3 nodes with 2 slots
      ‣ base: from cache (2.0 KiB, saved 1.5s)
      ‣ app: building (fixture-tree, key abababababab)
      ‣ app: built in 10ms (4.0 KiB)
      ‣ img: building (fixture-merge, key abababababab)
      ✗ img: disk full
      ‣ FAILED: 1 built, 1 from cache, 1 failed, 0 skipped in 21ms (saved 1.5s)
      "
    `);
    expect(out).not.toMatch(/\x1b|\r/);
  });

  test('plain says when a build had nothing to do', () => {
    let out = '';
    plainReporter((s) => { out += s; }).on({ type: 'build-done', t: 5, ok: true, built: 0, cached: 50, failed: 0, skipped: 0, savedMs: 100 });
    expect(out).toBe('‣ up to date: 50 nodes from cache, nothing to build\n');
  });

  test('pretty redraws one status line naming running nodes with elapsed time and progress', () => {
    let out = '';
    let now = 1000;
    const r = prettyReporter({ write: (s) => { out += s; }, now: () => now, columns: 80 });
    r.on(EVENTS[0] as BuildEvent);
    r.on(EVENTS[2] as BuildEvent);
    now = 3500;
    r.on(EVENTS[3] as BuildEvent);
    expect(out.split('\r\x1b[K').at(-1)).toBe('[0/3] app 2.5s 25%');
    r.on(EVENTS[4] as BuildEvent);
    expect(out).toContain('‣ app: built in 10ms (4.0 KiB)\n');
    r.close();
  });

  test('trace emits complete events on lanes for built nodes and instants for cache hits', () => {
    const out = JSON.parse(collect(traceReporter)) as { traceEvents: { name: string; ph: string; ts: number; dur?: number; tid: number }[] };
    const byName = Object.fromEntries(out.traceEvents.map((e) => [e.name, e]));
    expect(byName['app']).toMatchObject({ ph: 'X', ts: 2000, dur: 10000, tid: 1 });
    expect(byName['img']).toMatchObject({ ph: 'X', ts: 12000, dur: 8000, tid: 1 });
    expect(byName['base']).toMatchObject({ ph: 'i' });
    expect(byName['build']).toMatchObject({ ph: 'X', dur: 21000 });
  });
});
