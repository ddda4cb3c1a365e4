import { describe, expect, test } from 'vitest';
import { outcomes, plan, run } from '../helpers/build.js';
import { FakeKind } from '../helpers/fake-kind.js';
import { openTestStore } from '../helpers/test-store.js';
import { tempDir } from '../helpers/temp-dir.js';
import type { BuildEvent } from '../../src/report/events.js';
import { MissingProgramError } from '../../src/host/host-packages.js';

async function setup(options: ConstructorParameters<typeof FakeKind>[0] = {}) {
  const kind = new FakeKind(options);
  const store = await openTestStore(await tempDir());
  return { kind, store };
}

describe('executor', () => {
  test('independent nodes start together; a dependent waits for both', async () => {
    const { kind, store } = await setup();
    const p = plan([kind.kind], [kind.node('a'), kind.node('b'), kind.node('c', { deps: ['a', 'b'] })]);
    const build = run(p, { kinds: [kind.kind], store, jobs: 2 });
    const [a, b] = await Promise.all([kind.next('a'), kind.next('b')]);
    expect(kind.started('c')).toBe(false);
    a.succeed();
    b.succeed();
    (await kind.next('c')).succeed();
    expect(outcomes(await build)).toEqual({ a: 'built', b: 'built', c: 'built' });
    await store.close();
  });

  test('never runs more nodes at once than -j allows', async () => {
    const { kind, store } = await setup();
    const ids = ['n1', 'n2', 'n3', 'n4', 'n5'];
    const build = run(plan([kind.kind], ids.map((id) => kind.node(id))), { kinds: [kind.kind], store, jobs: 2 });
    const held = [await kind.nextStarted(), await kind.nextStarted()];
    expect(kind.running).toBe(2);
    for (let i = 2; i < ids.length; i++) {
      held.shift()?.succeed();
      held.push(await kind.nextStarted());
      expect(kind.running).toBe(2);
    }
    for (const inv of held) inv.succeed();
    expect((await build).ok).toBe(true);
    expect(kind.maxRunning).toBe(2);
    await store.close();
  });

  test('a weighted node takes several slots', async () => {
    const heavy = new FakeKind({ name: 'heavy', weight: 2 });
    const light = new FakeKind({ name: 'light' });
    const store = await openTestStore(await tempDir());
    const p = plan([heavy.kind, light.kind], [heavy.node('h'), light.node('l')]);
    const build = run(p, { kinds: [heavy.kind, light.kind], store, jobs: 2, shuffle: false });
    const h = await heavy.nextStarted();
    expect(light.running).toBe(0);
    h.succeed();
    (await light.nextStarted()).succeed();
    expect((await build).ok).toBe(true);
    expect(heavy.maxRunning + light.maxRunning).toBe(2);
    await store.close();
  });

  test('a diamond runs its shared node once', async () => {
    const { kind, store } = await setup({ auto: true });
    const p = plan([kind.kind], [
      kind.node('base'), kind.node('left', { deps: ['base'] }), kind.node('right', { deps: ['base'] }),
      kind.node('top', { deps: ['left', 'right'] }),
    ]);
    const result = await run(p, { kinds: [kind.kind], store });
    expect(outcomes(result)).toEqual({ base: 'built', left: 'built', right: 'built', top: 'built' });
    expect(kind.runs('base')).toBe(1);
    await store.close();
  });

  test('two nodes with equal keys (images sharing a node) build once and the second is a cache hit', async () => {
    const { kind, store } = await setup({ auto: true });
    const p = plan([kind.kind], [kind.node('img1:base', { value: 'same', image: 'img1' }), kind.node('img2:base', { value: 'same', image: 'img2' })]);
    const result = await run(p, { kinds: [kind.kind], store });
    const statuses = Object.values(outcomes(result)).sort();
    expect(statuses).toEqual(['built', 'cached']);
    expect(kind.runs('img1:base') + kind.runs('img2:base')).toBe(1);
    await store.close();
  });

  test('a second build of an unchanged plan runs nothing', async () => {
    const { kind, store } = await setup({ auto: true });
    const p = plan([kind.kind], [kind.node('a'), kind.node('b', { deps: ['a'] })]);
    await run(p, { kinds: [kind.kind], store });
    const events: BuildEvent[] = [];
    const again = await run(p, { kinds: [kind.kind], store, events });
    expect(outcomes(again)).toEqual({ a: 'cached', b: 'cached' });
    expect(kind.runs('a') + kind.runs('b')).toBe(2);
    expect(events.filter((e) => e.type === 'node-start')).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: 'build-done', built: 0, cached: 2 });
    await store.close();
  });

  test('a forced node runs although the store has it; unchanged output keeps its dependents cached (--rerun-build-scripts)', async () => {
    const { kind, store } = await setup({ auto: true });
    const p = plan([kind.kind], [kind.node('a'), kind.node('b', { deps: ['a'] }), kind.node('c', { deps: ['b'] })]);
    await run(p, { kinds: [kind.kind], store });
    const again = await run(p, { kinds: [kind.kind], store, force: new Set(['b']) });
    expect(outcomes(again)).toEqual({ a: 'cached', b: 'built', c: 'cached' });
    expect(kind.runs('b')).toBe(2);
    expect(outcomes(await run(p, { kinds: [kind.kind], store }))).toEqual({ a: 'cached', b: 'cached', c: 'cached' });
    await store.close();
  });

  test('early cut-off: a rebuilt upstream with identical output keeps the downstream cached', async () => {
    const { kind, store } = await setup({ auto: true });
    await run(plan([kind.kind], [kind.node('a', { settings: { X: 1 } }), kind.node('b', { deps: ['a'] })]), { kinds: [kind.kind], store });
    // X changes a's key, but a's output (its value) stays the same.
    const result = await run(plan([kind.kind], [kind.node('a', { settings: { X: 2 } }), kind.node('b', { deps: ['a'] })]), { kinds: [kind.kind], store });
    expect(outcomes(result)).toEqual({ a: 'built', b: 'cached' });
    await store.close();
  });

  test('an unkeyed dependency runs first and is handed to run, but a new output of it keeps the dependent cached', async () => {
    const { kind, store } = await setup();
    const nodes = (where: string) => [
      kind.node('where', { value: where }), kind.node('what'), kind.node('use', { deps: ['what', 'where'], unkeyed: ['where'] }),
    ];
    const first = run(plan([kind.kind], nodes('mirror-a')), { kinds: [kind.kind], store });
    (await kind.next('what')).succeed();
    expect(kind.started('use')).toBe(false);
    (await kind.next('where')).succeed();
    const use = await kind.next('use');
    expect(use.ctx.deps.map((d) => d.id)).toEqual(['what', 'where']);
    use.succeed();
    expect(outcomes(await first)).toEqual({ where: 'built', what: 'built', use: 'built' });

    const second = run(plan([kind.kind], nodes('mirror-b')), { kinds: [kind.kind], store });
    (await kind.next('where')).succeed();
    expect(outcomes(await second)).toEqual({ where: 'built', what: 'cached', use: 'cached' });
    await store.close();
  });

  test('failure mode no-new: a failure stops new nodes, running ones finish', async () => {
    const { kind, store } = await setup();
    const p = plan([kind.kind], [kind.node('a'), kind.node('b'), kind.node('c'), kind.node('d', { deps: ['a'] })]);
    const build = run(p, { kinds: [kind.kind], store, jobs: 2, failureMode: 'no-new', shuffle: false });
    const [a, b] = await Promise.all([kind.next('a'), kind.next('b')]);
    a.fail();
    b.succeed();
    const result = await build;
    expect(outcomes(result)).toEqual({ a: 'failed', b: 'built', c: 'skipped', d: 'skipped' });
    expect(kind.started('c')).toBe(false);
    expect(result.ok).toBe(false);
    expect(result.failures.map((f) => f.code)).toEqual(['NODE_FAILED']);
    await store.close();
  });

  test('failure mode continue: independent nodes still build, dependents of the failure do not', async () => {
    const { kind, store } = await setup();
    const p = plan([kind.kind], [kind.node('a'), kind.node('b'), kind.node('c', { deps: ['a'] }), kind.node('d', { deps: ['b'] })]);
    const build = run(p, { kinds: [kind.kind], store, jobs: 2, failureMode: 'continue' });
    const [a, b] = await Promise.all([kind.next('a'), kind.next('b')]);
    a.fail();
    b.succeed();
    (await kind.next('d')).succeed();
    expect(outcomes(await build)).toEqual({ a: 'failed', b: 'built', c: 'skipped', d: 'built' });
    await store.close();
  });

  test('failure mode kill: running nodes are aborted', async () => {
    const { kind, store } = await setup();
    const p = plan([kind.kind], [kind.node('a'), kind.node('b'), kind.node('c')]);
    const build = run(p, { kinds: [kind.kind], store, jobs: 2, failureMode: 'kill', shuffle: false });
    const [a, b] = await Promise.all([kind.next('a'), kind.next('b')]);
    a.fail();
    const result = await build;
    expect(b.ctx.signal.aborted).toBe(true);
    expect(outcomes(result)).toEqual({ a: 'failed', b: 'cancelled', c: 'skipped' });
    await store.close();
  });

  test('cancellation aborts running nodes, starts nothing new, and caches nothing', async () => {
    const { kind, store } = await setup();
    const abort = new AbortController();
    const p = plan([kind.kind], [kind.node('a'), kind.node('b', { deps: ['a'] })]);
    const build = run(p, { kinds: [kind.kind], store, signal: abort.signal });
    const a = await kind.next('a');
    abort.abort();
    const result = await build;
    expect(a.ctx.signal.aborted).toBe(true);
    expect(outcomes(result)).toEqual({ a: 'cancelled', b: 'skipped' });
    expect(kind.started('b')).toBe(false);
    const second = new FakeKind({ auto: true });
    const again = await run(plan([second.kind], [second.node('a'), second.node('b', { deps: ['a'] })]), { kinds: [second.kind], store });
    expect(outcomes(again)).toEqual({ a: 'built', b: 'built' });
    await store.close();
  });

  test('failures are never cached', async () => {
    const { kind, store } = await setup();
    const p = plan([kind.kind], [kind.node('a')]);
    const first = run(p, { kinds: [kind.kind], store });
    (await kind.next('a')).fail();
    expect(outcomes(await first)).toEqual({ a: 'failed' });
    const second = run(p, { kinds: [kind.kind], store });
    (await kind.next('a')).succeed();
    expect(outcomes(await second)).toEqual({ a: 'built' });
    await store.close();
  });

  test('a program missing on the host is TOOL_MISSING naming its package; another exception is NODE_FAILED', async () => {
    const { kind, store } = await setup();
    const build = run(plan([kind.kind], [kind.node('a'), kind.node('b')]), { kinds: [kind.kind], store, jobs: 2 });
    (await kind.next('a')).crash(new MissingProgramError('/usr/bin/getfattr', 'store extended attributes'));
    (await kind.next('b')).crash(new Error('EIO: i/o error'));
    const result = await build;
    expect(result.failures).toEqual(expect.arrayContaining([
      { code: 'TOOL_MISSING', node: 'a', tool: '/usr/bin/getfattr', hint: expect.stringContaining("Debian package 'attr'") as unknown },
      { code: 'NODE_FAILED', node: 'b', message: 'EIO: i/o error', hint: 'an I/O error, or a bug in mkb' },
    ]));
    await store.close();
  });

  test('ready nodes start in critical-path order', async () => {
    const { kind, store } = await setup();
    // long heads a chain of three; short and long3 have nothing after them (equal priority, shuffled).
    const p = plan([kind.kind], [
      kind.node('short'), kind.node('long'), kind.node('long2', { deps: ['long'] }), kind.node('long3', { deps: ['long2'] }),
    ]);
    expect(Object.fromEntries([...p.nodes.values()].map((n) => [n.id, n.priority]))).toEqual({ short: 1, long: 3, long2: 2, long3: 1 });
    const build = run(p, { kinds: [kind.kind], store, jobs: 1 });
    for (let i = 0; i < 4; i++) (await kind.nextStarted()).succeed();
    await build;
    expect(kind.startOrder.slice(0, 2)).toEqual(['long', 'long2']);
    await store.close();
  });

  test('a non-cacheable kind runs every time and taints its dependents', async () => {
    const volatile = new FakeKind({ name: 'volatile', cacheable: false, auto: true });
    const kind = new FakeKind({ auto: true });
    const store = await openTestStore(await tempDir());
    const p = plan([volatile.kind, kind.kind], [volatile.node('v'), kind.node('after', { deps: ['v'] })]);
    await run(p, { kinds: [volatile.kind, kind.kind], store });
    const again = await run(p, { kinds: [volatile.kind, kind.kind], store });
    expect(outcomes(again)).toEqual({ v: 'built', after: 'built' });
    await store.close();
  });
});
