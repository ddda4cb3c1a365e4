import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { cli, configTree, loadTree, mainImage } from '../../../helpers/config-tree.js';

const files = (loaded: Awaited<ReturnType<typeof loadTree>>, dir: string): string[] =>
  (mainImage(loaded)['Files'] as string[]).map((f) => f.slice(dir.length + 1));

describe('parse order of a config directory', () => {
  test('Files lists local config, mkosi.conf, drop-ins (files and directories, sorted) and profiles in order', async () => {
    const dir = await configTree({
      'mkosi.conf': '[Config]\nProfiles=p\n',
      'mkosi.local.conf': '[Content]\nWithDocs=no\n',
      'mkosi.local/mkosi.conf': '[Content]\nWithTests=no\n',
      'mkosi.conf.d/20.conf': '[Content]\nPackages=b\n',
      'mkosi.conf.d/10/mkosi.conf': '[Content]\nPackages=a\n',
      'mkosi.conf.d/30.txt': 'ignored',
      'mkosi.profiles/p.conf': '[Content]\nPackages=p\n',
      'mkosi.profiles/p/mkosi.conf': '[Content]\nPackages=pdir\n',
    });
    expect(files(await loadTree(dir), dir)).toEqual([
      'mkosi.local/mkosi.conf', 'mkosi.local.conf', 'mkosi.conf', 'mkosi.conf.d/10/mkosi.conf', 'mkosi.conf.d/20.conf',
      'mkosi.profiles/p/mkosi.conf', 'mkosi.profiles/p.conf',
    ]);
  });

  test('a failing [Match] in mkosi.conf gates the whole directory', async () => {
    const dir = await configTree({
      'mkosi.conf.d/sub/mkosi.conf': '[Match]\nDistribution=fedora\n[Content]\nPackages=conf\n',
      'mkosi.conf.d/sub/mkosi.conf.d/10.conf': '[Content]\nPackages=dropin\n',
      'mkosi.conf.d/sub/mkosi.configure': { mode: 0o755, text: '#!/bin/sh\n' },
    });
    const main = mainImage(await loadTree(dir));
    expect(main['Packages']).toEqual([]);
    expect(main['ConfigureScripts']).toEqual([]);
  });

  test('Include= takes effect at its line, and each include is parsed once', async () => {
    const dir = await configTree({
      'mkosi.conf': '[Output]\nImageId=before\n[Include]\nInclude=inc.conf\n[Content]\nPackages=after\n[Include]\nInclude=inc.conf\n',
      'inc.conf': '[Output]\nImageId=included\n[Content]\nPackages=inc\n',
    });
    const loaded = await loadTree(dir);
    expect(mainImage(loaded)['ImageId']).toBe('included');
    expect(mainImage(loaded)['Packages']).toEqual(['after', 'inc']);
    expect(files(loaded, dir)).toEqual(['mkosi.conf', 'inc.conf']);
  });

  test('a command-line include is parsed first, is not listed in Files, and is not parsed again', async () => {
    const dir = await configTree({ 'mkosi.conf': '[Include]\nInclude=inc.conf\n', 'inc.conf': '[Content]\nPackages=inc\n' });
    const loaded = await loadTree(dir, { cli: [cli('Include', join(dir, 'inc.conf'))] });
    expect(files(loaded, dir)).toEqual(['mkosi.conf']);
    expect(mainImage(loaded)['Packages']).toEqual(['inc']);
  });

  test('default paths are applied before mkosi.conf, which appends to them', async () => {
    const dir = await configTree({
      'mkosi.configure': { mode: 0o755, text: '#!/bin/sh\n' },
      'other.sh': { mode: 0o755, text: '#!/bin/sh\n' },
      'mkosi.conf': '[Config]\nConfigureScripts=other.sh\n',
    });
    expect(mainImage(await loadTree(dir))['ConfigureScripts']).toEqual([join(dir, 'mkosi.configure'), join(dir, 'other.sh')]);
  });

  test('mkosi.version: contents minus the final newline, or an executable\'s output', async () => {
    const plain = await configTree({ 'mkosi.version': '  4.2.1  \n' });
    expect(mainImage(await loadTree(plain))['ImageVersion']).toBe('  4.2.1  ');
    const exec = await configTree({ 'mkosi.version': { mode: 0o755, text: '#!/bin/sh\necho 7.0\n' } });
    expect(mainImage(await loadTree(exec))['ImageVersion']).toBe('7.0');
  });

  test('a non-executable mkosi.version with a shebang is an error naming the file', async () => {
    const dir = await configTree({ 'mkosi.version': '#!/bin/sh\necho 1\n' });
    await expect(loadTree(dir)).rejects.toThrow(/mkosi\.version starts with a shebang/);
  });

  test('the mkosi/ subdirectory form is used when the top has no mkosi.conf', async () => {
    const dir = await configTree({ 'mkosi/mkosi.conf': '[Output]\nImageId=sub\n' });
    expect(mainImage(await loadTree(dir))['ImageId']).toBe('sub');
  });

  test('a profile is parsed only when it is in Profiles after mkosi.conf.d/', async () => {
    const dir = await configTree({
      'mkosi.conf.d/10.conf': '[Config]\nProfiles=a\n',
      'mkosi.profiles/a.conf': '[Config]\nProfiles=b\n[Content]\nPackages=a\n',
      'mkosi.profiles/b.conf': '[Content]\nPackages=b\n',
    });
    const main = mainImage(await loadTree(dir));
    expect(main['Packages']).toEqual(['a']);
    expect(main['Profiles']).toEqual(['a', 'b']);
  });
});
