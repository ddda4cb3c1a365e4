import { describe, expect, test } from 'vitest';
import { configTree, loadTree, mainImage } from '../../../helpers/config-tree.js';

describe('% specifiers', () => {
  test('expand settings, directories and the image name; %% is %, a trailing % stays', async () => {
    const dir = await configTree({
      'mkosi.conf': '[Output]\nImageId=img\n[Build]\nEnvironment=A=%i B=%d C=%P D=%I E=100%% F=x%\n',
    });
    expect(mainImage(await loadTree(dir))['Environment']).toEqual({ A: 'img', B: 'debian', C: dir, D: 'main', E: '100%', F: 'x%' });
  });

  test('%C is the directory of the file being parsed', async () => {
    const dir = await configTree({ 'mkosi.conf.d/10.conf': '[Build]\nEnvironment=C=%C P=%P\n' });
    expect(mainImage(await loadTree(dir))['Environment']).toEqual({ C: `${dir}/mkosi.conf.d`, P: dir });
  });

  test('unknown and unset specifiers warn and expand to nothing', async () => {
    const dir = await configTree({ 'mkosi.conf': '[Content]\nHostname=x%iy%zw\n[Output]\nImageId=later\n' });
    const loaded = await loadTree(dir);
    expect(mainImage(loaded)['Hostname']).toBe('xyw');
    expect(loaded.warnings.map((w) => w.message).join('\n')).toMatch(/%i.*not yet set[\s\S]*Unknown specifier '%z'/);
  });

  test('delayed & specifiers are left as written', async () => {
    const dir = await configTree({ 'mkosi.conf': '[Build]\nCacheKey=&d-&r\n' });
    expect(mainImage(await loadTree(dir))['CacheKey']).toBe('&d-&r');
  });
});
