import { chmod, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildAction } from '../../../../src/cli/commands/build/action.js';
import { cacheGcAction, cacheStatsAction, cacheVerifyAction } from '../../../../src/cli/commands/cache/action.js';
import { cleanAction } from '../../../../src/cli/commands/clean/action.js';
import { explainAction } from '../../../../src/cli/commands/explain/action.js';
import { graphAction } from '../../../../src/cli/commands/graph/action.js';
import type { BuildEvent } from '../../../../src/report/events.js';
import { fakeRuntime } from '../../../helpers/fake-runtime.js';
import { tempDir } from '../../../helpers/temp-dir.js';

async function fixture(packages: string[] = ['vim']) {
  const dir = await tempDir();
  const planFile = join(dir, 'plan.json');
  await writeFile(join(dir, 'motd'), 'hello\n');
  const write = (pk: string[], extraSeed = 'e') => writeFile(planFile, JSON.stringify({ nodes: [
    { id: 'main:base', kind: 'fixture-tree', settings: { Packages: pk }, params: { seed: 'b', files: 3, bytes: 3000, input: 'motd' } },
    { id: 'main:extra', kind: 'fixture-tree', params: { seed: extraSeed, files: 2, bytes: 100 } },
    { id: 'main:image', kind: 'fixture-merge', params: { inputs: ['main:base', 'main:extra'] } },
  ] }));
  await write(packages);
  return { dir, planFile, cacheDir: join(dir, 'store'), write };
}

const events = (stdout: string): BuildEvent[] => stdout.trim().split('\n').map((l) => JSON.parse(l) as BuildEvent);

describe('engine command actions', () => {
  test('build, then a no-op build that runs zero nodes and says so', async () => {
    const f = await fixture();
    const first = fakeRuntime();
    expect(await buildAction({ planFile: f.planFile, cacheDir: f.cacheDir, failureMode: 'no-new', dryRun: false, reporter: 'json' }, first)).toBe(0);
    expect(events(first.stdout()).filter((e) => e.type === 'node-done' && e.outcome === 'built')).toHaveLength(3);
    const again = fakeRuntime();
    expect(await buildAction({ planFile: f.planFile, cacheDir: f.cacheDir, failureMode: 'no-new', dryRun: false, reporter: 'plain' }, again)).toBe(0);
    expect(again.stderr()).toContain('up to date: 3 nodes from cache, nothing to build');
    expect(again.stderr()).not.toContain('building (');
  });

  test('the warnings it is given come first, in a dry run too', async () => {
    const f = await fixture();
    const rt = fakeRuntime();
    const warnings = [{ message: 'ToolsTree=/t is not used', hint: 'install the host packages' }];
    expect(await buildAction({ planFile: f.planFile, cacheDir: f.cacheDir, failureMode: 'no-new', dryRun: true, reporter: 'json', warnings }, rt)).toBe(0);
    const [first, ...listing] = rt.stdout().split('\n');
    expect(JSON.parse(first ?? '')).toEqual({ type: 'warning', t: 0, message: 'ToolsTree=/t is not used', hint: 'install the host packages' });
    expect(listing.join('\n')).toContain('3 nodes:');
  });

  test('--dry-run prints each node with its state and why, and builds nothing', async () => {
    const f = await fixture();
    await buildAction({ planFile: f.planFile, cacheDir: f.cacheDir, failureMode: 'no-new', dryRun: false, reporter: 'json' }, fakeRuntime());
    await f.write(['vim', 'less']);
    const rt = fakeRuntime();
    expect(await buildAction({ planFile: f.planFile, cacheDir: f.cacheDir, failureMode: 'no-new', dryRun: true }, rt)).toBe(0);
    const lines = rt.stdout().split('\n');
    expect(lines.find((l) => l.startsWith('main:base'))).toMatch(/build +key [0-9a-f]{12}: Packages= gained less$/);
    expect(lines.find((l) => l.startsWith('main:extra'))).toMatch(/cached/);
    expect(lines.find((l) => l.startsWith('main:image'))).toMatch(/pending +after main:base/);
    expect(rt.stdout()).toContain('3 nodes: 1 cached, 1 to build, 1 pending');
  });

  test('explain prints what changed; graph labels nodes with state and key', async () => {
    const f = await fixture();
    await buildAction({ planFile: f.planFile, cacheDir: f.cacheDir, failureMode: 'no-new', dryRun: false, reporter: 'json' }, fakeRuntime());
    await writeFile(join(f.dir, 'motd'), 'changed\n');
    const rt = fakeRuntime();
    expect(await explainAction({ planFile: f.planFile, cacheDir: f.cacheDir, node: 'main:base' }, rt)).toBe(0);
    expect(rt.stdout()).toBe('main:base: changed since the last build:\n  motd changed\n');
    const unknown = fakeRuntime();
    expect(await explainAction({ planFile: f.planFile, cacheDir: f.cacheDir, node: 'main:nope' }, unknown)).toBe(2);
    expect(unknown.stderr()).toContain('no node named main:nope');
    const g = fakeRuntime();
    expect(await graphAction({ planFile: f.planFile, cacheDir: f.cacheDir, format: 'json' }, g)).toBe(0);
    const nodes = (JSON.parse(g.stdout()) as { nodes: { id: string; state: string }[] }).nodes;
    expect(Object.fromEntries(nodes.map((n) => [n.id, n.state]))).toEqual({ 'main:base': 'to-build', 'main:extra': 'cached', 'main:image': 'blocked' });
  });

  test('after the rebuild, explain says why the last build rebuilt each node; switching back says what differs from it', async () => {
    const f = await fixture();
    const build = () => buildAction({ planFile: f.planFile, cacheDir: f.cacheDir, failureMode: 'no-new', dryRun: false, reporter: 'json' }, fakeRuntime());
    await build();
    await writeFile(join(f.dir, 'motd'), 'changed\n');
    await build();
    const rt = fakeRuntime();
    expect(await explainAction({ planFile: f.planFile, cacheDir: f.cacheDir }, rt)).toBe(0);
    const text = rt.stdout();
    expect(text).toMatch(/^main:base: up to date \(key [0-9a-f]{12}, from cache\)\n {2}last changed because:\n {4}motd changed\n/m);
    expect(text).toMatch(/^main:extra: up to date \(key [0-9a-f]{12}, from cache\)\n {2}built once; nothing changed since\n/m);
    expect(text).toMatch(/^main:image: up to date[^\n]*\n {2}last changed because:\n {4}dep fixture-tree output digest [0-9a-f]{12} → [0-9a-f]{12}\n/m);
    expect(text).toContain('everything is up to date');
    // Back to the first content: the first output fits again, and explain names what differs from the last build.
    await writeFile(join(f.dir, 'motd'), 'hello\n');
    const back = fakeRuntime();
    expect(await explainAction({ planFile: f.planFile, cacheDir: f.cacheDir, node: 'main:base' }, back)).toBe(0);
    expect(back.stdout()).toMatch(/^main:base: up to date \(key [0-9a-f]{12}, from cache\)\n {2}an earlier output fits; changed since the last build:\n {4}motd changed\n$/);
  }, 30_000); // two builds

  test("another configuration's nodes of the same ids, in the same store, are not this one's history", async () => {
    const a = await fixture(['vim']);
    const b = await fixture(['emacs']);
    const build = (f: typeof a) => buildAction({ planFile: f.planFile, cacheDir: a.cacheDir, failureMode: 'no-new', dryRun: false, reporter: 'json' }, fakeRuntime());
    await build(a);
    await build(b);
    const rt = fakeRuntime();
    expect(await explainAction({ planFile: a.planFile, cacheDir: a.cacheDir, node: 'main:base' }, rt)).toBe(0);
    expect(rt.stdout()).toMatch(/^main:base: up to date \(key [0-9a-f]{12}, from cache\)\n {2}built once; nothing changed since\n$/);
  }, 30_000); // two builds

  test('a corrupt blob in a cached dependency: a warning, the dependency rebuilds, the build succeeds and cache verify passes', async () => {
    const f = await fixture();
    const first = fakeRuntime();
    await buildAction({ planFile: f.planFile, cacheDir: f.cacheDir, failureMode: 'no-new', dryRun: false, reporter: 'json' }, first);
    const base = events(first.stdout()).find((e) => e.type === 'node-done' && e.node === 'main:base');
    const baseTree = base?.type === 'node-done' ? base.digest : '';
    // Corrupt one file blob of main:base's output and drop the unpacked copies, so the next reader must use the blob.
    const blob = (digest: string) => join(f.cacheDir, 'cas/blobs', digest.slice(0, 2), digest);
    const manifest = JSON.parse(await readFile(blob(baseTree), 'utf8')) as { entries: { type: string; digest?: string }[] };
    const victim = manifest.entries.find((e) => e.type === 'file')?.digest ?? '';
    await chmod(blob(victim), 0o644);
    await writeFile(blob(victim), 'bit rot');
    await rm(join(f.cacheDir, 'trees'), { recursive: true, force: true });
    // A change that rebuilds main:image, which reads main:base's tree.
    await f.write(['vim'], 'e2');
    const rt = fakeRuntime();
    expect(await buildAction({ planFile: f.planFile, cacheDir: f.cacheDir, failureMode: 'no-new', dryRun: false, reporter: 'json' }, rt)).toBe(0);
    const evs = events(rt.stdout());
    const warnings = evs.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
    expect(warnings).toEqual([
      expect.stringMatching(/^blob [0-9a-f]{12} is corrupt; dropped the cache entries that use tree [0-9a-f]{12}$/),
      expect.stringMatching(/^the cached output of main:base is corrupt \(.*\); rebuilding it for main:image$/),
    ]);
    expect(evs.filter((e) => e.type === 'node-done' && e.outcome === 'built').map((e) => e.type === 'node-done' && e.node).sort()).toEqual(['main:base', 'main:extra', 'main:image']);
    expect(evs.some((e) => e.type === 'node-failed')).toBe(false);
    const verify = fakeRuntime();
    expect(await cacheVerifyAction({ cacheDir: f.cacheDir }, verify)).toBe(0);
    expect(verify.stdout()).toMatch(/entries checked, 0 dropped/);
  }, 30_000); // two builds and a verify: slow on a loaded machine

  test('a failing node fails the build with status 1 and a rendered message', async () => {
    const dir = await tempDir();
    const planFile = join(dir, 'plan.json');
    await writeFile(planFile, JSON.stringify({ nodes: [{ id: 'bad', kind: 'fixture-tree', params: { seed: 'x', files: 1, bytes: 1, fail: true } }] }));
    const rt = fakeRuntime();
    expect(await buildAction({ planFile, cacheDir: join(dir, 'store'), failureMode: 'no-new', dryRun: false, reporter: 'plain' }, rt)).toBe(1);
    expect(rt.stderr()).toContain('✗ bad: fixture asked to fail');
  });

  test('a plan with a cycle is a usage error naming the chain', async () => {
    const dir = await tempDir();
    const planFile = join(dir, 'plan.json');
    await writeFile(planFile, JSON.stringify({ nodes: [
      { id: 'a', kind: 'fixture-merge', params: { inputs: ['b'] } }, { id: 'b', kind: 'fixture-merge', params: { inputs: ['a'] } },
    ] }));
    const rt = fakeRuntime();
    expect(await buildAction({ planFile, cacheDir: join(dir, 'store'), failureMode: 'no-new', dryRun: false }, rt)).toBe(2);
    expect(rt.stderr()).toContain('the build graph has a cycle: a → b → a');
  });

  test('cache stats, verify and gc', async () => {
    const f = await fixture();
    await buildAction({ planFile: f.planFile, cacheDir: f.cacheDir, failureMode: 'no-new', dryRun: false, reporter: 'json' }, fakeRuntime());
    const stats = fakeRuntime();
    await cacheStatsAction({ cacheDir: f.cacheDir, json: true }, stats);
    expect(JSON.parse(stats.stdout())).toMatchObject({ entries: 3, historyEntries: 3 });
    const verify = fakeRuntime();
    expect(await cacheVerifyAction({ cacheDir: f.cacheDir }, verify)).toBe(0);
    expect(verify.stdout()).toBe('3 entries checked, 0 dropped\n');
    const gc = fakeRuntime();
    expect(await cacheGcAction({ cacheDir: f.cacheDir, maxSize: 1 }, gc)).toBe(0);
    const after = fakeRuntime();
    await cacheStatsAction({ cacheDir: f.cacheDir, json: true }, after);
    expect(JSON.parse(after.stdout())).toMatchObject({ entries: 0, blobs: 0 });
  });

  test("cache commands given a build's --cache-directory= use the store inside it, and make no store of their own", async () => {
    const f = await fixture();
    const cacheDirectory = join(f.dir, 'cache');
    await buildAction({ planFile: f.planFile, cacheDir: join(cacheDirectory, 'mkb'), failureMode: 'no-new', dryRun: false, reporter: 'json' }, fakeRuntime());
    const verify = fakeRuntime();
    expect(await cacheVerifyAction({ cacheDir: cacheDirectory }, verify)).toBe(0);
    expect(verify.stdout()).toBe('3 entries checked, 0 dropped\n');
    expect(await readdir(cacheDirectory)).toEqual(['mkb']);
  });

  test('clean removes outputs and symlink targets; -f also the image cache entries', async () => {
    const f = await fixture();
    await buildAction({ planFile: f.planFile, cacheDir: f.cacheDir, failureMode: 'no-new', dryRun: false, reporter: 'json' }, fakeRuntime());
    const out = join(f.dir, 'out');
    await mkdir(out);
    await writeFile(join(out, 'image.raw.v1'), 'x');
    await symlink('image.raw.v1', join(out, 'image.raw'));
    await writeFile(join(out, 'unrelated'), 'keep');
    const nodes = { root: f.dir, ids: ['main:base', 'main:extra', 'main:image'] };
    expect(await cleanAction({ force: 0, outputDirectory: out, outputs: ['image.raw'], nodes, cacheDir: f.cacheDir }, fakeRuntime())).toBe(0);
    expect(await readdir(out)).toEqual(['unrelated']);
    const noop = fakeRuntime();
    await buildAction({ planFile: f.planFile, cacheDir: f.cacheDir, failureMode: 'no-new', dryRun: false, reporter: 'plain' }, noop);
    expect(noop.stderr()).toContain('up to date');
    expect(await cleanAction({ force: 1, outputs: [], nodes, cacheDir: f.cacheDir }, fakeRuntime())).toBe(0);
    const rebuilt = fakeRuntime();
    await buildAction({ planFile: f.planFile, cacheDir: f.cacheDir, failureMode: 'no-new', dryRun: false, reporter: 'json' }, rebuilt);
    expect(events(rebuilt.stdout()).filter((e) => e.type === 'node-done' && e.outcome === 'built')).toHaveLength(3);
  });
});
