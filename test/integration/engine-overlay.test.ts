import { chmod, chown, link, mkdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import type { LocalStore } from '../../src/cache/local-store.js';
import { mountOverlay } from '../../src/cache/overlay.js';
import type { TreeLayer } from '../../src/cache/tree-layers.js';
import type { KeyPreimage, NodeKey } from '../../src/graph/keys.js';
import { tempDir } from '../helpers/temp-dir.js';
import { openTestStore } from '../helpers/test-store.js';

/** The integration project's convention: MKB_SKIP_INTEGRATION=1 skips explicitly (the setup says so). */
const describeIntegration = process.env['MKB_SKIP_INTEGRATION'] === '1' ? describe.skip : describe;

const preimage: KeyPreimage = { schema: 1, engine: 1, kind: 'k', kindVersion: 1, settings: {}, params: null, files: {}, deps: [], tools: {}, env: {}, epoch: null };

const key = (n: number): NodeKey => `${String(n).padStart(4, '0')}${'e'.repeat(60)}` as NodeKey;

/** A small image-like tree: nested dirs, a hardlink pair, a symlink, a setuid file, an extended attribute. */
async function baseTree(dir: string): Promise<void> {
  await mkdir(join(dir, 'etc/sub'), { recursive: true });
  await mkdir(join(dir, 'usr/bin'), { recursive: true });
  await mkdir(join(dir, 'var/lib/pkg'), { recursive: true });
  await writeFile(join(dir, 'etc/motd'), 'hello');
  await writeFile(join(dir, 'etc/sub/conf'), 'a=1');
  await writeFile(join(dir, 'usr/bin/tool'), 'tool');
  await link(join(dir, 'usr/bin/tool'), join(dir, 'usr/bin/tool-alias'));
  await writeFile(join(dir, 'usr/bin/su'), 'su');
  await chmod(join(dir, 'usr/bin/su'), 0o4755);
  await symlink('motd', join(dir, 'etc/motd.link'));
  await execa('setfattr', ['-n', 'user.kept', '-v', 'yes', join(dir, 'usr/bin/tool')]);
  for (const n of [1, 2, 3]) await writeFile(join(dir, `var/lib/pkg/f${n}`), `pkg ${n}`);
  await mkdir(join(dir, 'opt/gone/deep'), { recursive: true });
  await writeFile(join(dir, 'opt/gone/deep/file'), 'deep');
  await mkdir(join(dir, 'usr/lib'), { recursive: true });
  await writeFile(join(dir, 'usr/lib/a'), 'linked');
  await link(join(dir, 'usr/lib/a'), join(dir, 'usr/lib/b'));
}

/**
 * What a stage does to its tree: changes, additions, deletions, a directory replaced by a directory, a file and
 * a link replaced by the other kind, metadata only changes, a hard link made and one member of a group removed.
 */
async function mutate(root: string): Promise<void> {
  await writeFile(join(root, 'etc/motd'), 'changed');
  await writeFile(join(root, 'etc/new'), 'new');
  await rm(join(root, 'var/lib/pkg/f2'));
  await rm(join(root, 'etc/sub'), { recursive: true });
  await mkdir(join(root, 'etc/sub'));
  await writeFile(join(root, 'etc/sub/other'), 'b=2');
  await chmod(join(root, 'usr/bin/su'), 0o755);
  await chown(join(root, 'var/lib/pkg/f3'), 1000, 1000);
  await writeFile(join(root, 'usr/bin/tool-alias.new'), 'tool v2');
  await rename(join(root, 'usr/bin/tool-alias.new'), join(root, 'usr/bin/tool-alias'));
  await execa('setfattr', ['-n', 'user.added', '-v', '1', join(root, 'var/lib/pkg')]);
  await link(join(root, 'etc/new'), join(root, 'etc/new.hard'));
  await rm(join(root, 'etc/motd.link'));
  await mkdir(join(root, 'etc/motd.link'));
  await writeFile(join(root, 'etc/motd.link/inside'), 'a directory where a link was');
  await rm(join(root, 'opt/gone'), { recursive: true });
  await writeFile(join(root, 'opt/gone'), 'a file where a directory was');
  await rm(join(root, 'usr/lib/a'));
  await chmod(join(root, 'usr/lib'), 0o700);
  await mkdir(join(root, 'srv/empty'), { recursive: true });
}

async function commitBase(store: LocalStore): Promise<string> {
  const dir = await store.newStagingDir();
  await baseTree(dir);
  return (await store.commitTree({ key: key(1), dir, kind: 'k', preimage, durationMs: 1, cache: true })).digest;
}

describeIntegration('overlay materialization', () => {
  test('a stage on an overlay of a stored tree commits the same tree as a stage on a full copy', async () => {
    if (process.getuid?.() !== 0) throw new Error('this test mounts overlayfs and must run as root');
    const store = await openTestStore(await tempDir());
    const base = await commitBase(store);
    const hot = await store.readOnlyTree(base);

    const onCopy = await store.newStagingDir();
    await store.copyTree(base, join(onCopy, 'root'));
    await mutate(join(onCopy, 'root'));
    const copied = await store.commitTree({ key: key(2), dir: onCopy, kind: 'k', preimage, durationMs: 1, cache: true });

    const onOverlay = await store.newStagingDir();
    const layer = await store.mountTree({ digest: base, from: '.', dir: onOverlay, at: 'root' });
    expect(layer?.overlay).toBeDefined();
    await mutate(join(onOverlay, 'root'));
    const layered = await store.commitTree({ key: key(3), dir: onOverlay, kind: 'k', preimage, durationMs: 1, cache: true, layers: layer ? [layer] : [] });

    expect(layered.digest).toBe(copied.digest);
    expect(await readFile(join(hot, 'etc/motd'), 'utf8')).toBe('hello');
    expect(await readFile(join(hot, 'usr/bin/tool-alias'), 'utf8')).toBe('tool');
    expect(await readFile('/proc/self/mountinfo', 'utf8')).not.toContain(onOverlay);
    // The commit on a copy kept the same tree hot already: drop that, as gc would, to build it from the layers.
    await rm(store.layout.tree(layered.digest), { recursive: true });
    const tree = await store.readOnlyTree(layered.digest);
    expect(await readFile(join(tree, 'root/etc/sub/other'), 'utf8')).toBe('b=2');
    // Its hot tree borrowed the unchanged file from the base's and copied what changed: the same tree.
    const ino = async (p: string) => (await stat(p)).ino;
    expect(await ino(join(tree, 'root/var/lib/pkg/f1'))).toBe(await ino(join(hot, 'var/lib/pkg/f1')));
    expect(await ino(join(tree, 'root/var/lib/pkg/f3'))).not.toBe(await ino(join(hot, 'var/lib/pkg/f3')));
    expect(await ino(join(tree, 'root/usr/bin/tool'))).not.toBe(await ino(join(hot, 'usr/bin/tool')));
    expect((await stat(join(tree, 'root/var/lib/pkg/f3'))).uid).toBe(1000);
    const recommitted = await store.newStagingDir();
    await store.copyTree(layered.digest, join(recommitted, 'tree'));
    await rename(join(recommitted, 'tree/root'), join(recommitted, 'root'));
    await rm(join(recommitted, 'tree'), { recursive: true });
    expect((await store.commitTree({ key: key(4), dir: recommitted, kind: 'k', preimage, durationMs: 1, cache: true })).digest).toBe(layered.digest);
    await store.close();
  });

  test('a layered tree is viewed read-only as its kept upper layer over the tree below: the same tree, no file copied', async () => {
    if (process.getuid?.() !== 0) throw new Error('this test mounts overlayfs and must run as root');
    const store = await openTestStore(await tempDir());
    const base = await commitBase(store);
    const onOverlay = await store.newStagingDir();
    const layer = await store.mountTree({ digest: base, from: '.', dir: onOverlay, at: 'root' });
    await mutate(join(onOverlay, 'root'));
    const layered = await store.commitTree({ key: key(2), dir: onOverlay, kind: 'k', preimage, durationMs: 1, cache: true, layers: layer ? [layer] : [] });
    expect(await stat(store.layout.tree(layered.digest)).catch(() => undefined)).toBeUndefined();

    const scratch = await tempDir();
    const view = await store.viewTree({ digest: layered.digest, from: 'root', target: join(scratch, 'view') });
    expect(view.path).toBe(join(scratch, 'view'));
    expect(await readFile('/proc/self/mountinfo', 'utf8')).toContain(view.path);
    await expect(writeFile(join(view.path, 'etc/motd'), 'no')).rejects.toThrow(/EROFS|read-only/);
    const copied = await store.newStagingDir();
    await execa('cp', ['-a', view.path, join(copied, 'root')]);
    await view.release();
    expect(await readFile('/proc/self/mountinfo', 'utf8')).not.toContain(view.path);
    // No hot tree was made for the view: it stacks the layers as they were committed.
    expect(await stat(store.layout.tree(layered.digest)).catch(() => undefined)).toBeUndefined();
    expect((await store.commitTree({ key: key(3), dir: copied, kind: 'k', preimage, durationMs: 1, cache: true })).digest).toBe(layered.digest);
    await store.close();
  });

  test('a reused subtree commits the same tree as a copy of it, without a byte copied', async () => {
    const store = await openTestStore(await tempDir());
    const base = await commitBase(store);
    const outer = await store.newStagingDir();
    await store.copyTree(base, join(outer, 'root'));
    await writeFile(join(outer, 'side'), 'side');
    const stored = (await store.commitTree({ key: key(2), dir: outer, kind: 'k', preimage, durationMs: 1, cache: true })).digest;

    const byCopy = await store.newStagingDir();
    await store.copyTree(stored, join(byCopy, 'tmp'));
    await rename(join(byCopy, 'tmp/root'), join(byCopy, 'image'));
    await rm(join(byCopy, 'tmp'), { recursive: true });
    await writeFile(join(byCopy, 'image.manifest'), '{}');
    const copied = await store.commitTree({ key: key(3), dir: byCopy, kind: 'k', preimage, durationMs: 1, cache: true });

    const byReuse = await store.newStagingDir();
    await mkdir(join(byReuse, 'image'));
    await writeFile(join(byReuse, 'image.manifest'), '{}');
    const reused: TreeLayer = { at: 'image', lower: { digest: stored, from: 'root' } };
    const spliced = await store.commitTree({ key: key(4), dir: byReuse, kind: 'k', preimage, durationMs: 1, cache: true, layers: [reused] });
    expect(spliced.digest).toBe(copied.digest);
    await store.close();
  });

  test('overlays a killed build left mounted are unmounted and removed when the store opens', async () => {
    if (process.getuid?.() !== 0) throw new Error('this test mounts overlayfs and must run as root');
    const root = await tempDir();
    const dead = await openTestStore(root, { pid: 999_999 });
    const base = await commitBase(dead);
    const dir = await dead.newStagingDir();
    const layer = await dead.mountTree({ digest: base, from: '.', dir, at: 'root' });
    expect(layer?.overlay).toBeDefined();
    await writeFile(join(dir, 'root/etc/motd'), 'half-done');
    await dead.close();
    const store = await openTestStore(root, { isAlive: () => false });
    expect(await readFile('/proc/self/mountinfo', 'utf8')).not.toContain(dir);
    expect(await readFile(join(await store.readOnlyTree(base), 'etc/motd'), 'utf8')).toBe('hello');
    await store.close();
  });

  test('an add-only stage writes into its upper layer and never into the store tree below it', async () => {
    if (process.getuid?.() !== 0) throw new Error('this test mounts overlayfs and must run as root');
    const store = await openTestStore(await tempDir());
    const dir = await store.newStagingDir();
    await writeFile(join(dir, 'base.txt'), 'base');
    const record = await store.commitTree({ key: 'c'.repeat(64) as NodeKey, dir, kind: 'k', preimage, durationMs: 1, cache: true });
    const lower = await store.readOnlyTree(record.digest);
    const work = await store.newStagingDir();
    const unmount = await mountOverlay({ lowers: [lower], upper: join(work, 'upper'), work: join(work, 'work'), target: join(work, 'merged') });
    try {
      expect(await readFile(join(work, 'merged', 'base.txt'), 'utf8')).toBe('base');
      await writeFile(join(work, 'merged', 'base.txt'), 'changed');
      await writeFile(join(work, 'merged', 'added.txt'), 'new');
    } finally {
      await unmount();
    }
    expect(await readFile(join(lower, 'base.txt'), 'utf8')).toBe('base');
    expect(await readFile(join(work, 'upper', 'added.txt'), 'utf8')).toBe('new');
    expect(await readFile(join(work, 'upper', 'base.txt'), 'utf8')).toBe('changed');
    await store.close();
  });
});
