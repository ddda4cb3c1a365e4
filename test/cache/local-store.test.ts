import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { readFile, readdir, rm, stat, symlink, utimes, writeFile, mkdir, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { MEMO_LIMIT, collectGarbage } from '../../src/cache/gc.js';
import { loadManifest } from '../../src/cache/materialize.js';
import { packTree, unpackTree } from '../../src/cache/pack.js';
import { INDEX_FORMAT } from '../../src/cache/store-index.js';
import { StatCacheHasher } from '../../src/cache/stat-cache-hasher.js';
import { storeStats } from '../../src/cache/store-stats.js';
import { verifyStore } from '../../src/cache/verify-store.js';
import type { LocalStore } from '../../src/cache/local-store.js';
import type { KeyPreimage, NodeKey } from '../../src/graph/keys.js';
import { tempDir } from '../helpers/temp-dir.js';
import { openTestStore } from '../helpers/test-store.js';

const preimage: KeyPreimage = { schema: 1, engine: 1, kind: 'k', kindVersion: 1, settings: {}, params: null, files: {}, deps: [], tools: {}, env: {}, epoch: null };
const key = (n: number): NodeKey => `${String(n).padStart(4, '0')}${'b'.repeat(60)}` as NodeKey;

async function put(store: LocalStore, n: number, files: Record<string, string>) {
  const dir = await store.newStagingDir();
  for (const [p, c] of Object.entries(files)) await writeFile(join(dir, p), c);
  return store.commitTree({ key: key(n), dir, kind: 'k', preimage, durationMs: 10, cache: true });
}

describe('local store', () => {
  test('a big commit makes its file blobs durable with one filesystem barrier, before the manifest or the entry exists', async () => {
    const root = await tempDir();
    const seen: { blobs: string[]; entry: boolean }[] = [];
    const opened: { store?: LocalStore } = {};
    const syncFilesystem = async (dir: string): Promise<void> => {
      const blobs = (await Promise.all((await readdir(dir)).map((d) => readdir(join(dir, d))))).flat();
      seen.push({ blobs, entry: (await opened.store?.lookup(key(1))) !== undefined });
    };
    const store = await openTestStore(root, { syncFilesystem });
    opened.store = store;
    const record = await put(store, 1, Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`f${i}`, `content ${i}`])));
    const manifest = JSON.parse(await readFile(store.cas.path(record.digest), 'utf8')) as { entries: { digest?: string }[] };
    const fileBlobs = manifest.entries.flatMap((e) => (e.digest === undefined ? [] : [e.digest]));
    expect(seen).toHaveLength(1);
    expect(seen[0]?.entry).toBe(false);
    expect(seen[0]?.blobs.sort()).toEqual(fileBlobs.sort());
    expect(seen[0]?.blobs).not.toContain(record.digest);
    await put(store, 2, { a: 'a few files are fsynced one by one' });
    expect(seen).toHaveLength(1);
    await store.close();
  });

  test('a commit keeps its staging dir as the hot tree, its files linked into the CAS rather than copied', async () => {
    const s = await openTestStore(await tempDir());
    const record = await put(s, 1, { f: 'kept', g: 'also kept' });
    const hot = s.layout.tree(record.digest);
    expect(await readdir(hot)).toEqual(['f', 'g']);
    const manifest = JSON.parse(await readFile(s.cas.path(record.digest), 'utf8')) as { entries: { path: string; digest?: string }[] };
    const blob = s.cas.path(manifest.entries.find((e) => e.path === 'f')?.digest ?? '');
    expect((await stat(join(hot, 'f'))).ino).toBe((await stat(blob)).ino);
    expect(await s.readOnlyTree(record.digest)).toBe(hot);
    await s.close();
  });

  test('a commit with a file its owner cannot read moves its files into the CAS and keeps no hot tree', async () => {
    const s = await openTestStore(await tempDir());
    const dir = await s.newStagingDir();
    await writeFile(join(dir, 'secret'), 'x');
    await chmod(join(dir, 'secret'), 0o000);
    const record = await s.commitTree({ key: key(1), dir, kind: 'k', preimage, durationMs: 1, cache: true });
    expect(await readdir(s.layout.trees).catch(() => [])).toEqual([]);
    const manifest = JSON.parse(await readFile(s.cas.path(record.digest), 'utf8')) as { entries: { path: string; digest?: string }[] };
    const blob = s.cas.path(manifest.entries.find((e) => e.path === 'secret')?.digest ?? '');
    expect((await stat(blob)).mode & 0o777).toBe(0o444);
    await s.close();
  });

  test('a blob corrupted on disk is a miss and a warning when materialized, and the entry is dropped', async () => {
    const root = await tempDir();
    const s1 = await openTestStore(root);
    const record = await put(s1, 1, { f: 'original' });
    await s1.close();
    const manifest = JSON.parse(await readFile(s1.cas.path(record.digest), 'utf8')) as { entries: { path: string; digest?: string }[] };
    const blob = manifest.entries.find((e) => e.path === 'f')?.digest ?? '';
    // The commit kept its staging dir as the hot tree: this is about building one from blobs.
    await rm(s1.layout.tree(record.digest), { recursive: true });
    await chmod(s1.cas.path(blob), 0o644);
    await writeFile(s1.cas.path(blob), 'tampered');
    const warnings: string[] = [];
    const s2 = await openTestStore(root, { warnings });
    await expect(s2.readOnlyTree(record.digest)).rejects.toThrow(/corrupt/);
    expect(warnings.join('\n')).toMatch(/corrupt/);
    expect(await s2.lookup(key(1))).toBeUndefined();
    await s2.close();
  });

  test('a corrupt blob drops every entry whose tree names it, so a tree that shares it is rebuilt too', async () => {
    const root = await tempDir();
    const s1 = await openTestStore(root);
    const shared = await put(s1, 1, { f: 'shared' });
    const other = await put(s1, 2, { f: 'shared', g: 'own' });
    const unrelated = await put(s1, 3, { h: 'unrelated' });
    await s1.close();
    const manifest = JSON.parse(await readFile(s1.cas.path(shared.digest), 'utf8')) as { entries: { path: string; digest?: string }[] };
    const blob = manifest.entries.find((e) => e.path === 'f')?.digest ?? '';
    // The commits kept their staging dirs as hot trees: this is about building one from blobs.
    for (const r of [shared, other, unrelated]) await rm(s1.layout.tree(r.digest), { recursive: true });
    await chmod(s1.cas.path(blob), 0o644);
    await writeFile(s1.cas.path(blob), 'tampered');
    const s2 = await openTestStore(root, { warnings: [] });
    await expect(s2.readOnlyTree(shared.digest)).rejects.toMatchObject({ name: 'CorruptBlobError' });
    expect(await s2.lookup(key(1))).toBeUndefined();
    expect(await s2.lookup(key(2))).toBeUndefined();
    expect((await s2.lookup(key(3)))?.digest).toBe(unrelated.digest);
    expect(other.digest).not.toBe(shared.digest);
    await s2.close();
  });

  test('a corrupt blob among many fails the copy with the corruption once the copies in flight end, not with a cleanup race', async () => {
    const root = await tempDir();
    const s1 = await openTestStore(root);
    const record = await put(s1, 1, Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`f${i}`, `content ${i}`.repeat(2000)])));
    await s1.close();
    const manifest = JSON.parse(await readFile(s1.cas.path(record.digest), 'utf8')) as { entries: { path: string; digest?: string }[] };
    const blob = manifest.entries.find((e) => e.path === 'f3')?.digest ?? '';
    await rm(s1.layout.tree(record.digest), { recursive: true });
    await chmod(s1.cas.path(blob), 0o644);
    await writeFile(s1.cas.path(blob), 'tampered');
    const s2 = await openTestStore(root, { warnings: [] });
    await expect(s2.readOnlyTree(record.digest)).rejects.toMatchObject({ name: 'CorruptBlobError', digest: blob });
    const dest = join(await tempDir(), 'export');
    await expect(s2.exportTree(record.digest, dest)).rejects.toMatchObject({ name: 'CorruptBlobError', digest: blob });
    // What a caller's cleanup does next: nothing may still be writing into the directory.
    await rm(dest, { recursive: true });
    await expect(stat(dest)).rejects.toMatchObject({ code: 'ENOENT' });
    await s2.close();
  });

  test('an entry whose manifest blob vanished is a miss with a warning', async () => {
    const root = await tempDir();
    const warnings: string[] = [];
    const s = await openTestStore(root, { warnings });
    const record = await put(s, 1, { f: 'x' });
    await rm(s.cas.path(record.digest));
    expect(await s.lookup(key(1))).toBeUndefined();
    expect(warnings).toHaveLength(1);
    await s.close();
  });

  test('a manifest is parsed once per process while its blob exists: a build reads the same trees\' several times', async () => {
    const root = await tempDir();
    const s = await openTestStore(root);
    const record = await put(s, 1, { f: 'x' });
    const first = await loadManifest(s.cas, record.digest);
    expect(first?.entries.map((e) => e.path)).toEqual(['.', 'f']);
    expect(await loadManifest(s.cas, record.digest)).toBe(first);
    // Another process's store reads the blob itself, and gets an equal manifest.
    const other = await openTestStore(root);
    const read = await loadManifest(other.cas, record.digest);
    expect(read).not.toBe(first);
    expect(read).toEqual(JSON.parse(JSON.stringify(first)));
    await rm(s.cas.path(record.digest));
    expect(await loadManifest(s.cas, record.digest)).toBeUndefined();
    await other.close();
    await s.close();
  });

  test('a damaged index file is moved aside and rebuilt from cas/', async () => {
    const root = await tempDir();
    const s1 = await openTestStore(root);
    const record = await put(s1, 1, { f: 'keep me' });
    await s1.close();
    await writeFile(join(root, 'index', 'data.mdb'), Buffer.alloc(16384, 7));
    const warnings: string[] = [];
    const s2 = await openTestStore(root, { warnings });
    expect(warnings.join('\n')).toMatch(/moved aside/);
    expect(await s2.lookup(key(1))).toEqual(record);
    expect((await readdir(root)).some((n) => n.startsWith('index.broken-'))).toBe(true);
    await s2.close();
  });

  test('an index of another format is moved aside and rebuilt; incomplete entries are dropped', async () => {
    const root = await tempDir();
    const s1 = await openTestStore(root);
    await put(s1, 1, { f: 'one' });
    const two = await put(s1, 2, { g: 'two' });
    await s1.index.meta.put('format', INDEX_FORMAT + 1);
    await s1.close();
    await rm(s1.cas.path(two.digest));
    const s2 = await openTestStore(root, { warnings: [] });
    expect(await s2.lookup(key(1))).toBeDefined();
    expect(await s2.lookup(key(2))).toBeUndefined();
    await s2.close();
  });

  test('verifyStore checks every entry end to end and drops bad ones', async () => {
    const root = await tempDir();
    const s = await openTestStore(root);
    await put(s, 1, { a: 'fine' });
    const bad = await put(s, 2, { b: 'will break' });
    await s.close();
    const manifest = JSON.parse(await readFile(s.cas.path(bad.digest), 'utf8')) as { entries: { path: string; digest?: string }[] };
    const blob = s.cas.path(manifest.entries.find((e) => e.path === 'b')?.digest ?? '');
    await chmod(blob, 0o644);
    await writeFile(blob, 'WILL BREAK');
    const again = await openTestStore(root);
    expect(await verifyStore(again)).toEqual({ checked: 2, dropped: [key(2)] });
    await again.close();
  });

  test('the stat cache answers for an unchanged file without reading it, and notices changes', async () => {
    const root = await tempDir();
    const inputs = await tempDir();
    await writeFile(join(inputs, 'motd'), 'hello');
    const s = await openTestStore(root);
    const reads: string[] = [];
    const hasher = new StatCacheHasher(s.index, { read: (p) => { reads.push(p); return readFile(p); } });
    const first = await hasher.hash(inputs, ['motd']);
    expect(reads).toHaveLength(1);
    const again = await hasher.hash(inputs, ['motd']);
    expect(again).toEqual(first);
    expect(reads).toHaveLength(1);
    await writeFile(join(inputs, 'motd'), 'changed');
    const changed = await s.hasher.hash(inputs, ['motd']);
    expect(changed.ok && first.ok && changed.value['motd'] !== first.value['motd']).toBe(true);
    // Touched but identical: the stat differs, the XXH64 check reuses the SHA-256.
    await utimes(join(inputs, 'motd'), 1, 1);
    expect(await s.hasher.hash(inputs, ['motd'])).toEqual(changed);
    expect(await s.hasher.hash(inputs, ['missing'])).toEqual({ ok: false, error: { path: 'missing' } });
    await s.close();
  });

  test('directories as inputs expand to everything under them, by relative path, with types and modes', async () => {
    const s = await openTestStore(await tempDir());
    const inputs = await tempDir();
    await mkdir(join(inputs, 'extra/etc'), { recursive: true });
    await mkdir(join(inputs, 'extra/empty'), { mode: 0o700 });
    await writeFile(join(inputs, 'extra/etc/motd'), 'm', { mode: 0o640 });
    await symlink('motd', join(inputs, 'extra/etc/issue'));
    const result = await s.hasher.hash(inputs, ['extra']);
    const mode = (path: string) => ((statSync(join(inputs, path)).mode & 0o7777).toString(8).padStart(4, '0'));
    expect(result).toEqual({ ok: true, value: {
      extra: `dir:${mode('extra')}`, 'extra/empty': 'dir:0700', 'extra/etc': `dir:${mode('extra/etc')}`,
      'extra/etc/issue': 'symlink:motd', 'extra/etc/motd': `file:0640:${createHash('sha256').update('m').digest('hex')}`,
    } });
    await s.close();
  });

  test('a mode change alone changes the description; a FIFO is described without being opened', async () => {
    const s = await openTestStore(await tempDir());
    const inputs = await tempDir();
    await writeFile(join(inputs, 'script'), 'echo hi');
    const before = await s.hasher.hash(inputs, ['script']);
    await chmod(join(inputs, 'script'), 0o755);
    const after = await s.hasher.hash(inputs, ['script']);
    expect(before.ok && after.ok && before.value['script'] !== after.value['script']).toBe(true);
    await execa('mkfifo', ['-m', '0600', join(inputs, 'pipe')]);
    expect(await s.hasher.hash(inputs, ['pipe'])).toEqual({ ok: true, value: { pipe: 'fifo:0600' } });
    await s.close();
  });

  test('excluded paths inside an input directory are left out: exact paths and `prefix*`', async () => {
    const s = await openTestStore(await tempDir());
    const inputs = await tempDir();
    for (const d of ['mkosi.output', 'src', 'mkosi.builddir/debian']) await mkdir(join(inputs, d), { recursive: true });
    for (const f of ['mkosi.build', 'src/main.c', 'mkosi.output/image', 'mkosi.builddir/debian/state', 'image_1.0.manifest', '.mkb-staging-1']) {
      await writeFile(join(inputs, f), f);
    }
    const result = await s.hasher.hash(inputs, ['.'], ['mkosi.output', 'mkosi.builddir', 'image_1.0*', '.mkb-*']);
    expect(result.ok && Object.keys(result.value)).toEqual(['.', './mkosi.build', './src', './src/main.c']);
    await s.close();
  });

  test('gc evicts least recently used entries down to the low watermark, never pinned ones', async () => {
    const s = await openTestStore(await tempDir(), { lastUseGranularityMs: 0 });
    for (let n = 1; n <= 4; n++) await put(s, n, { f: String(n).repeat(1000) });
    await s.lookup(key(1)); // 1 is now the most recently used
    const result = await collectGarbage(s, { maxBytes: 3000, lowWatermark: 0.9, pinned: new Set([key(2)]), orphanGraceMs: 0, now: () => Date.now() + 1 });
    expect(result.before).toBeGreaterThan(4000);
    expect(result.after).toBeLessThanOrEqual(2700);
    expect(result.evictedEntries).toBe(2);
    expect(await s.lookup(key(2))).toBeDefined();
    expect(await s.lookup(key(1))).toBeDefined();
    expect(await s.lookup(key(3))).toBeUndefined();
    expect(await s.lookup(key(4))).toBeUndefined();
    expect((await storeStats(s)).entries).toBe(2);
    await s.close();
  });

  test('a cache hit refreshes last use only when it is older than the granularity (no-op builds do not write)', async () => {
    const s = await openTestStore(await tempDir());
    await put(s, 1, { f: 'x' });
    await s.index.flushed();
    const before = s.index.lastUse.get(key(1));
    await s.lookup(key(1));
    await s.index.flushed();
    expect(s.index.lastUse.get(key(1))).toBe(before);
    await s.close();
  });

  test('gc above the watermark also drops hot trees, which are rebuilt from blobs on demand', async () => {
    const s = await openTestStore(await tempDir());
    const record = await put(s, 1, { f: 'x'.repeat(5000) });
    const hot = await s.readOnlyTree(record.digest);
    await collectGarbage(s, { maxBytes: 1000, pinned: new Set([key(1)]), now: () => Date.now() });
    expect(await readdir(s.layout.trees)).toEqual([]);
    expect(await readFile(join(await s.readOnlyTree(record.digest), 'f'), 'utf8')).toHaveLength(5000);
    expect(hot).toBe(s.layout.tree(record.digest));
    await s.close();
  });

  test('memos survive reopening; gc keeps the ones used last, up to MEMO_LIMIT', async () => {
    const root = await tempDir();
    const s = await openTestStore(root, { lastUseGranularityMs: 0 });
    for (let n = 0; n < MEMO_LIMIT + 10; n++) s.rememberMemo(`m${n}`, `value ${n}`);
    await s.index.flushed();
    expect(s.recallMemo('m0')).toBe('value 0'); // now the most recently used
    await collectGarbage(s, { maxBytes: 1e9, now: () => Date.now() });
    await s.close();
    const again = await openTestStore(root);
    expect(again.recallMemo('m0')).toBe('value 0');
    expect(again.recallMemo(`m${MEMO_LIMIT + 9}`)).toBe(`value ${MEMO_LIMIT + 9}`);
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => again.recallMemo(`m${n}`))).toEqual(Array(10).fill(undefined));
    expect(again.recallMemo('never')).toBeUndefined();
    await again.close();
  });

  test('gc does nothing below the high watermark', async () => {
    const s = await openTestStore(await tempDir());
    await put(s, 1, { f: 'small' });
    const result = await collectGarbage(s, { maxBytes: 1e9, now: () => Date.now() });
    expect(result.evictedEntries).toBe(0);
    expect(await s.lookup(key(1))).toBeDefined();
    await s.close();
  });

  test('abandoned staging dirs of dead processes are swept at open; live ones are kept', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'staging', '111-dead'), { recursive: true });
    await mkdir(join(root, 'staging', '222-live'), { recursive: true });
    const s = await openTestStore(root, { isAlive: (pid) => pid === 222 });
    expect(await readdir(join(root, 'staging'))).toEqual(['222-live']);
    await s.close();
  });

  test('packing a tree is deterministic and unpacks to the same digest', async () => {
    const s = await openTestStore(await tempDir());
    const record = await put(s, 1, { a: 'alpha', b: 'beta' });
    const out = await tempDir();
    await packTree(s, record.digest, join(out, 'one.tar.zst'));
    await packTree(s, record.digest, join(out, 'two.tar.zst'));
    const [one, two] = await Promise.all([readFile(join(out, 'one.tar.zst')), readFile(join(out, 'two.tar.zst'))]);
    expect(one.equals(two)).toBe(true);
    expect((await stat(join(out, 'one.tar.zst'))).size).toBeGreaterThan(0);
    const other = await openTestStore(await tempDir());
    expect(await unpackTree(other, join(out, 'one.tar.zst'))).toBe(record.digest);
    await other.close();
    await s.close();
  });
});
