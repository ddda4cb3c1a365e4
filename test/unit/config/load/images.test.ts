import { describe, expect, test } from 'vitest';
import { cli, configTree, image, loadTree, mainImage } from '../../../helpers/config-tree.js';

const names = (loaded: Awaited<ReturnType<typeof loadTree>>): unknown[] => loaded.images.map((i) => i['Image']);

describe('subimages', () => {
  test('main depends on all subimages by default; order is dependencies first, main last', async () => {
    const dir = await configTree({
      'mkosi.images/a.conf': '[Config]\nDependencies=c\n',
      'mkosi.images/b.conf': '[Content]\nPackages=b\n',
      'mkosi.images/c.conf': '[Content]\nPackages=c\n',
    });
    const loaded = await loadTree(dir);
    expect(mainImage(loaded)['Dependencies']).toEqual(['a', 'b', 'c']);
    expect(names(loaded)).toEqual(['c', 'b', 'a', 'main']);
  });

  test('only images reachable from main are kept, ordered like a topological sort over list order', async () => {
    const dir = await configTree({
      'mkosi.conf': '[Config]\nDependencies=b a\n',
      'mkosi.images/a.conf': '[Config]\nDependencies=c\n',
      'mkosi.images/b.conf': '[Config]\nDependencies=d\n',
      'mkosi.images/c.conf': '[Content]\nPackages=c\n',
      'mkosi.images/d.conf': '[Content]\nPackages=d\n',
      'mkosi.images/e.conf': '[Content]\nPackages=e\n',
    });
    expect(names(await loadTree(dir))).toEqual(['c', 'd', 'a', 'b', 'main']);
  });

  test('a cycle and an unknown dependency are errors with a readable message', async () => {
    const cycle = await configTree({ 'mkosi.images/a.conf': '[Config]\nDependencies=b\n', 'mkosi.images/b.conf': '[Config]\nDependencies=a\n' });
    await expect(loadTree(cycle)).rejects.toThrow(/Image dependency cycle detected: a => b => a/);
    const unknown = await configTree({ 'mkosi.conf': '[Config]\nDependencies=ghost\n' });
    await expect(loadTree(unknown)).rejects.toThrow(/No image found with name ghost/);
  });

  test('universal and main settings cannot be set in a subimage', async () => {
    for (const text of ['[Distribution]\nDistribution=fedora\n', '[Config]\nMinimumVersion=1\n']) {
      await expect(loadTree(await configTree({ 'mkosi.images/s.conf': text }))).rejects.toThrow(/cannot be configured in sub image/);
    }
  });

  test('inherit settings are overridable file values; the command line does not reach subimages otherwise', async () => {
    const dir = await configTree({
      'mkosi.conf': '[Output]\nImageVersion=1\n',
      'mkosi.images/s.conf': '[Output]\nImageVersion=4.5.6\n[Content]\nPackages=s\n',
    });
    const loaded = await loadTree(dir, { cli: [cli('ImageVersion', '7.8.9'), cli('Packages', 'cli')] });
    expect(image(loaded, 's')['ImageVersion']).toBe('4.5.6');
    expect(image(loaded, 's')['Packages']).toEqual(['s']);
    expect(mainImage(loaded)['ImageVersion']).toBe('7.8.9');
  });

  test('PassEnvironment passes only the named variables', async () => {
    const dir = await configTree({
      'mkosi.conf': '[Config]\nPassEnvironment=X Y\n[Build]\nEnvironment=X=1 Y=1 Z=1\n',
      'mkosi.images/s.conf': '[Build]\nEnvironment=Y=2\n',
    });
    expect(image(await loadTree(dir), 's')['Environment']).toEqual({ X: '1', Y: '2' });
  });

  test('a subimage whose match fails is dropped', async () => {
    const dir = await configTree({ 'mkosi.images/s.conf': '[Match]\nImage=other\n', 'mkosi.images/t.conf': '[Match]\nImage=t\n' });
    expect(names(await loadTree(dir))).toEqual(['t', 'main']);
  });
});

describe('default tools tree and initrd', () => {
  test('ToolsTree=yes adds a Tools config and points main ToolsTree at its output', async () => {
    const dir = await configTree({ 'mkosi.conf': '[Build]\nToolsTree=yes\n', 'mkosi.tools.conf': '[Content]\nPackages=extra-tool\n' });
    const loaded = await loadTree(dir);
    expect(mainImage(loaded)['ToolsTree']).toBe(`${dir}/mkosi.tools`);
    expect(loaded.tools?.['Image']).toBe('tools');
    expect(loaded.tools?.['Format']).toBe('directory');
    expect(loaded.tools?.['Packages']).toContain('extra-tool');
    expect(loaded.tools?.['Profiles']).toEqual(['misc', 'package-manager', 'runtime']);
  });

  test('Bootable=yes adds default-initrd before main', async () => {
    const dir = await configTree({ 'mkosi.conf': '[Content]\nBootable=yes\nInitrdPackages=extra\n' });
    const loaded = await loadTree(dir);
    expect(names(loaded)).toEqual(['default-initrd', 'main']);
    expect(mainImage(loaded)['Dependencies']).toEqual(['default-initrd']);
    expect(mainImage(loaded)['Initrds']).toEqual([`${dir}/initrd`]);
    expect(image(loaded, 'default-initrd')['Packages']).toContain('extra');
  });
});

describe('what the default initrd takes from main', () => {
  test('inherit and initrd-inherit values are forced, even unset ones; mkosi.initrd.conf cannot override them', async () => {
    const dir = await configTree({
      'mkosi.conf': '[Content]\nBootable=yes\nKeymap=de\n[Output]\nImageVersion=3\n',
      'mkosi.initrd.conf': '[Content]\nKeymap=fr\nHostname=initrd\n[Output]\nImageVersion=4\n',
    });
    const initrd = image(await loadTree(dir), 'default-initrd');
    expect(initrd['Keymap']).toBe('de');
    expect(initrd['ImageVersion']).toBe('3');
    expect(initrd['Hostname']).toBe(null);
  });

  test('InitrdProfiles replaces the inherited Profiles only when set', async () => {
    const set = await configTree({ 'mkosi.conf': '[Content]\nBootable=yes\nInitrdProfiles=lvm\n[Config]\nProfiles=p\n' });
    expect(image(await loadTree(set), 'default-initrd')['Profiles']).toEqual(['lvm']);
    const unset = await configTree({ 'mkosi.conf': '[Content]\nBootable=yes\n[Config]\nProfiles=p\n' });
    expect(image(await loadTree(unset), 'default-initrd')['Profiles']).toEqual(['p']);
  });
});
