import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../../../src/config/load/load-config.js';
import { cli, configTree, fakeHost, loadTree, mainImage, RESOURCES } from '../../../helpers/config-tree.js';

const HISTORY = '.mkosi-private/history/latest.json';

describe('the last build\'s command line (History=yes)', () => {
  test('is laid over the command line for verbs that do not rebuild; [Runtime] settings are skipped', async () => {
    const dir = await configTree({
      'mkosi.conf': '[Output]\nImageId=conf\n[Content]\nPackages=a\n',
      [HISTORY]: '{"ImageId": "hist", "Packages": ["h"], "RAM": 4096}',
    });
    const loaded = await loadTree(dir, { cli: [cli('ImageId', 'cli')] });
    expect(mainImage(loaded)['ImageId']).toBe('hist');
    expect(mainImage(loaded)['Packages']).toEqual(['a', 'h']);
    expect(mainImage(loaded)['RAM']).toBe(2147483648);
    expect(loaded.warnings.map((w) => w.message)).toContain('Ignoring --imageid from the CLI. Run with -f to rebuild the image with this setting');
  });

  test('is not read with -f or by build', async () => {
    const dir = await configTree({ 'mkosi.conf': '[Output]\nImageId=conf\n', [HISTORY]: '{"ImageId": "hist"}' });
    for (const [verb, force] of [['summary', 1], ['build', 0]] as const) {
      const loaded = await loadConfig({ directory: dir, cli: [], verb, force, cwd: dir, host: fakeHost({ directory: dir }), resourcesDir: RESOURCES });
      expect(mainImage(loaded)['ImageId']).toBe('conf');
    }
  });
});
