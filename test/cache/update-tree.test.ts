import { chmod, link, mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import type { LocalStore } from '../../src/cache/local-store.js';
import { signTree, signUpdated, surveyTree } from '../../src/cache/update-tree.js';
import type { TreeSignature } from '../../src/cache/update-tree.js';
import type { KeyPreimage, NodeKey } from '../../src/graph/keys.js';
import { tempDir } from '../helpers/temp-dir.js';
import { openTestStore } from '../helpers/test-store.js';

const preimage: KeyPreimage = { schema: 1, engine: 1, kind: 'k', kindVersion: 1, settings: {}, params: null, files: {}, deps: [], tools: {}, env: {}, epoch: null };
let keys = 0;
const nextKey = (): NodeKey => `${String(++keys).padStart(4, '0')}${'d'.repeat(60)}` as NodeKey;

/** Commits the tree `fill` writes under image/ and returns its digest. */
async function commit(store: LocalStore, fill: (image: string) => Promise<void>): Promise<string> {
  const dir = await store.newStagingDir();
  await mkdir(join(dir, 'image'));
  await fill(join(dir, 'image'));
  return (await store.commitTree({ key: nextKey(), dir, kind: 'k', preimage, durationMs: 1, cache: true })).digest;
}

/** The digest a copy of `dir` gets as a stored tree (no mtimes): equal digests, equal content and metadata. */
function digestOf(store: LocalStore, dir: string): Promise<string> {
  return commit(store, async (image) => {
    await rm(image, { recursive: true });
    await execa('cp', ['-a', dir, image]);
  });
}

async function before(image: string): Promise<void> {
  await mkdir(join(image, 'etc/old'), { recursive: true });
  await mkdir(join(image, 'usr/bin'), { recursive: true });
  await writeFile(join(image, 'etc/kept'), 'kept');
  await writeFile(join(image, 'etc/changed'), 'v1');
  await writeFile(join(image, 'etc/gone'), 'gone');
  await writeFile(join(image, 'etc/old/file'), 'in a dir that becomes a file');
  await writeFile(join(image, 'usr/bin/tool'), 'tool');
  await link(join(image, 'usr/bin/tool'), join(image, 'usr/bin/tool-alias'));
  await symlink('kept', join(image, 'etc/link'));
  await writeFile(join(image, 'etc/mode'), 'mode');
}

async function after(image: string): Promise<void> {
  await before(image);
  await writeFile(join(image, 'etc/changed'), 'v2');
  await rm(join(image, 'etc/gone'));
  await rm(join(image, 'etc/old'), { recursive: true });
  await writeFile(join(image, 'etc/old'), 'now a file');
  await writeFile(join(image, 'etc/new'), 'new');
  await rm(join(image, 'usr/bin/tool'));
  await writeFile(join(image, 'usr/bin/tool'), 'tool v2');
  await link(join(image, 'usr/bin/tool'), join(image, 'usr/bin/tool-alias2'));
  await chmod(join(image, 'etc/mode'), 0o600);
}

/** Trees `a` (before) and `b` (after) stored, and `a`'s image/ written to `dir` and signed, as publishing leaves it. */
async function publishedBefore(): Promise<{ store: LocalStore; a: string; b: string; dir: string; signature: TreeSignature }> {
  const store = await openTestStore(await tempDir());
  const a = await commit(store, before);
  const b = await commit(store, after);
  const dir = join(await tempDir(), 'image');
  await store.exportTree(a, dir, 'image');
  return { store, a, b, dir, signature: signTree(dir) };
}

/** Whether `dir` now holds exactly `digest`'s image/, as a fresh copy would. */
async function expectEqualToFresh(store: LocalStore, dir: string, digest: string): Promise<void> {
  const fresh = join(await tempDir(), 'image');
  await store.exportTree(digest, fresh, 'image');
  expect(await digestOf(store, dir)).toBe(await digestOf(store, fresh));
}

describe('updating a published tree in place', () => {
  test('the directory ends equal to a fresh copy of the new tree, and unchanged files keep their inode', async () => {
    const { store, a, b, dir, signature } = await publishedBefore();
    const kept = (await stat(join(dir, 'etc/kept'))).ino;

    const signed = await store.updateTree({ digest: b, from: 'image', dir, previous: { digest: a, signature } });
    // The signature the update returns is the one a full walk of the directory gives.
    expect(signed).toEqual(signTree(dir));

    await expectEqualToFresh(store, dir, b);
    expect((await stat(join(dir, 'etc/kept'))).ino).toBe(kept);
    expect(await readFile(join(dir, 'etc/old'), 'utf8')).toBe('now a file');
    expect((await stat(join(dir, 'usr/bin/tool'))).ino).toBe((await stat(join(dir, 'usr/bin/tool-alias2'))).ino);
    expect(await readFile(join(dir, 'usr/bin/tool-alias'), 'utf8')).toBe('tool');
    await store.close();
  });

  test('changes made by hand since it was written are undone, even where the stored tree did not change', async () => {
    const { store, a, b, dir, signature } = await publishedBefore();
    await writeFile(join(dir, 'etc/kept'), 'edited by hand');
    await writeFile(join(dir, 'etc/stray'), 'left by a boot');
    await chmod(join(dir, 'usr'), 0o700);

    const signed = await store.updateTree({ digest: b, from: 'image', dir, previous: { digest: a, signature } });
    // The signature the update returns is the one a full walk of the directory gives.
    expect(signed).toEqual(signTree(dir));

    await expectEqualToFresh(store, dir, b);
    await store.close();
  });

  test('a directory whose name became a symlink is not updated in place', async () => {
    const store = await openTestStore(await tempDir());
    const a = await commit(store, before);
    const b = await commit(store, async (image) => {
      await rm(image, { recursive: true });
      await symlink('image.tar', image);
    });
    const dir = join(await tempDir(), 'image');
    await store.exportTree(a, dir, 'image');
    expect(await store.updateTree({ digest: b, from: 'image', dir, previous: { digest: a, signature: signTree(dir) } })).toBeUndefined();
    await store.close();
  });

  test('a directory replaced by a symlink since is removed as a link: nothing it points to is touched', async () => {
    const { store, a, b, dir, signature } = await publishedBefore();
    const outside = await tempDir();
    await writeFile(join(outside, 'kept'), 'not the image');
    await rm(join(dir, 'usr/bin'), { recursive: true });
    await symlink(outside, join(dir, 'usr/bin'));

    const signed = await store.updateTree({ digest: b, from: 'image', dir, previous: { digest: a, signature } });
    // The signature the update returns is the one a full walk of the directory gives.
    expect(signed).toEqual(signTree(dir));

    expect(await readFile(join(outside, 'kept'), 'utf8')).toBe('not the image');
    await expectEqualToFresh(store, dir, b);
    await store.close();
  });
});

describe('updating from a survey read ahead', () => {
  test('hand changes the survey saw are undone, and the result is what reading at update time gives', async () => {
    const { store, a, b, dir, signature } = await publishedBefore();
    await writeFile(join(dir, 'etc/kept'), 'edited by hand');
    await rm(join(dir, 'etc/link'));
    const survey = await surveyTree(dir, signature);
    expect(survey.get('etc/link')).toBeNull();
    expect(survey.get('usr')).toMatchObject({ dir: true, stamp: signature['usr'] });

    const signed = await store.updateTree({ digest: b, from: 'image', dir, previous: { digest: a, signature, survey } });
    expect(signed).toEqual(signTree(dir));
    await expectEqualToFresh(store, dir, b);
    await store.close();
  });

  test('a change made after the survey keeps its old stamp in the new signature, so the next update undoes it', async () => {
    const { store, a, b, dir, signature } = await publishedBefore();
    const survey = await surveyTree(dir, signature);
    await writeFile(join(dir, 'etc/kept'), 'edited during the build');

    const signed = await store.updateTree({ digest: b, from: 'image', dir, previous: { digest: a, signature, survey } });
    expect(await readFile(join(dir, 'etc/kept'), 'utf8')).toBe('edited during the build');
    expect(signed?.['etc/kept']).toBe(signature['etc/kept']);

    const again = await store.updateTree({ digest: b, from: 'image', dir, previous: { digest: b, signature: signed ?? {} } });
    expect(again).toEqual(signTree(dir));
    await expectEqualToFresh(store, dir, b);
    await store.close();
  });
});

describe('signUpdated', () => {
  test('re-stamps what was written and the directories whose entries changed, after the clock moved on', async () => {
    const dir = await tempDir();
    for (const d of ['etc/removing', 'etc/writing', 'srv']) await mkdir(join(dir, d), { recursive: true });
    await writeFile(join(dir, 'etc/kept'), 'kept');
    await writeFile(join(dir, 'etc/removing/gone'), 'gone');
    await writeFile(join(dir, 'etc/writing/rewritten'), 'old');
    const before = signTree(dir);
    // Past the file system's timestamp granularity, so that touched directories get new ctimes.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await rm(join(dir, 'etc/removing/gone'));
    await writeFile(join(dir, 'etc/writing/rewritten.new'), 'new');
    await execa('mv', [join(dir, 'etc/writing/rewritten.new'), join(dir, 'etc/writing/rewritten')]);
    await mkdir(join(dir, 'srv/new'));
    const entry = (path: string, type: 'file' | 'dir') => ({ path, type, mode: 0o644, uid: 0, gid: 0 });
    const signed = signUpdated(dir, {
      remove: ['etc/removing/gone'], write: [entry('etc/writing/rewritten', 'file'), entry('srv/new', 'dir')],
      kept: new Map(Object.entries(before).filter(([path]) => path !== 'etc/removing/gone' && path !== 'etc/writing/rewritten')),
    });
    expect(signed).toEqual(signTree(dir));
    for (const changed of ['etc/removing', 'etc/writing', 'srv']) expect(signed[changed]).not.toBe(before[changed]);
  });
});
