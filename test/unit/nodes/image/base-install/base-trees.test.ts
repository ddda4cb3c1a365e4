import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { baseTreeForm, copyBaseTrees, suffixes } from '../../../../../src/nodes/image/base-install/base-trees.js';

describe('baseTreeForm: how mkosi 27.1 installs a base tree', () => {
  test('suffixes are those of Python\'s Path.suffixes', () => {
    expect(suffixes('base.tar.zst')).toEqual(['.tar', '.zst']);
    expect(suffixes('.hidden.tar')).toEqual(['.tar']);
    expect(suffixes('name.')).toEqual([]);
    expect(suffixes('plain')).toEqual([]);
  });

  test('".tar" among the last two suffixes is an archive; .raw a disk image; any other file is copied', () => {
    expect(baseTreeForm('base', true)).toBe('directory');
    expect(baseTreeForm('base.tar', true)).toBe('directory');
    expect(baseTreeForm('base.tar', false)).toBe('tar');
    expect(baseTreeForm('base.v2.tar.xz', false)).toBe('tar');
    expect(baseTreeForm('base.tar.gz.sig', false)).toBe('file');
    expect(baseTreeForm('base.raw', false)).toBe('raw');
    expect(baseTreeForm('notes.txt', false)).toBe('file');
  });
});

describe('copyBaseTrees', () => {
  let dir: string;
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'mkb-base-trees-')); });
  afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

  test('trees go in in order (a later one wins), archives are extracted, other files land in / under their name', async () => {
    await mkdir(join(dir, 'first/etc'), { recursive: true });
    await writeFile(join(dir, 'first/etc/a'), 'first\n');
    await writeFile(join(dir, 'first/etc/b'), 'first\n');
    await mkdir(join(dir, 'second/etc'), { recursive: true });
    await writeFile(join(dir, 'second/etc/b'), 'second\n');
    await execa('tar', ['-c', '-f', join(dir, 'second.tar'), '-C', join(dir, 'second'), '.']);
    await writeFile(join(dir, 'loose.txt'), 'loose\n');
    const root = join(dir, 'root');
    const refused = await copyBaseTrees({ sources: [join(dir, 'first'), join(dir, 'second.tar'), join(dir, 'loose.txt')], root });
    expect(refused).toEqual([]);
    expect(await readFile(join(root, 'etc/a'), 'utf8')).toBe('first\n');
    expect(await readFile(join(root, 'etc/b'), 'utf8')).toBe('second\n');
    expect(await readFile(join(root, 'loose.txt'), 'utf8')).toBe('loose\n');
  });

  test('a disk image is refused before anything is copied', async () => {
    await mkdir(join(dir, 'first'));
    await writeFile(join(dir, 'disk.raw'), '');
    const root = join(dir, 'root');
    expect(await copyBaseTrees({ sources: [join(dir, 'first'), join(dir, 'disk.raw')], root })).toEqual([join(dir, 'disk.raw')]);
    await expect(readFile(join(root, 'x'))).rejects.toThrow();
  });
});
