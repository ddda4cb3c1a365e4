import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { aptDistribution } from '../../../../../src/nodes/packages/distro/index.js';
import { installImageSources } from '../../../../../src/nodes/packages/package-manager/apt/apt-image-sources.js';
import type { AptRepository } from '../../../../../src/nodes/packages/distro/types.js';

let root: string;
const REPOS: AptRepository[] = [{ types: ['deb', 'deb-src'], uri: 'http://mirror.example/debian', suite: 'bookworm', components: ['main'], signedBy: '/k.gpg' }];

beforeEach(async () => { root = await mkdtemp(join(tmpdir(), 'mkb-image-sources-')); });
afterEach(async () => { await rm(root, { recursive: true, force: true }); });

describe('the image\'s own apt sources', () => {
  test('written only when the image has apt', async () => {
    expect(await installImageSources({ root, release: 'bookworm', repositories: REPOS })).toBeUndefined();
    await mkdir(join(root, 'usr/bin'), { recursive: true });
    await writeFile(join(root, 'usr/bin/apt-get'), '');
    const path = await installImageSources({ root, release: 'bookworm', repositories: REPOS });
    expect(path).toBe(join(root, 'etc/apt/sources.list.d/bookworm.sources'));
    expect(await readFile(path ?? '', 'utf8')).toContain('Types: deb deb-src\nURIs: http://mirror.example/debian\n');
  });

  test('an existing file (from a skeleton tree) wins', async () => {
    await mkdir(join(root, 'usr/bin'), { recursive: true });
    await writeFile(join(root, 'usr/bin/apt-get'), '');
    await mkdir(join(root, 'etc/apt/sources.list.d'), { recursive: true });
    await writeFile(join(root, 'etc/apt/sources.list.d/bookworm.sources'), 'mine\n');
    expect(await installImageSources({ root, release: 'bookworm', repositories: REPOS })).toBeUndefined();
    expect(await readFile(join(root, 'etc/apt/sources.list.d/bookworm.sources'), 'utf8')).toBe('mine\n');
  });
});

describe('distribution lookup', () => {
  test('by Distribution= name; non-apt distributions are not here', () => {
    expect(aptDistribution('debian')?.prettyName).toBe('Debian');
    expect(aptDistribution('kali')?.defaultRelease).toBe('kali-rolling');
    expect(aptDistribution('fedora')).toBeUndefined();
    expect(aptDistribution('toString')).toBeUndefined();
  });
});
