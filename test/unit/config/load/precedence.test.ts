import { describe, expect, test } from 'vitest';
import { cli, configTree, loadTree, mainImage } from '../../../helpers/config-tree.js';
import { ConfigInvalid, renderDiagnostic } from '../../../../src/config/diagnostics.js';

describe('precedence of the command line, local config and files', () => {
  test('a scalar on the command line beats every file', async () => {
    const dir = await configTree({ 'mkosi.conf': '[Output]\nImageId=conf\n' });
    expect(mainImage(await loadTree(dir, { cli: [cli('ImageId', 'cli')] }))['ImageId']).toBe('cli');
  });

  test('collections merge: file values first, then command-line values, without re-sorting', async () => {
    const dir = await configTree({ 'mkosi.conf': '[Content]\nPackages=zz aa\n' });
    expect(mainImage(await loadTree(dir, { cli: [cli('Packages', 'bb')] }))['Packages']).toEqual(['aa', 'zz', 'bb']);
  });

  test('an empty command-line assignment makes the command line replace the files (test_cli_collection_reset)', async () => {
    const dir = await configTree({ 'mkosi.conf': '[Content]\nPackages=file\n' });
    const loaded = await loadTree(dir, { cli: [cli('Packages', 'foo'), cli('Packages', ''), cli('Packages', 'bar')] });
    expect(mainImage(loaded)['Packages']).toEqual(['bar']);
  });

  test('an empty command-line scalar takes the default computed from the command line alone', async () => {
    const dir = await configTree({ 'mkosi.conf': '[Output]\nImageId=conf\nOutput=fromconf\n' });
    expect(mainImage(await loadTree(dir, { cli: [cli('Output', '')] }))['Output']).toBe('image');
    expect(mainImage(await loadTree(dir, { cli: [cli('Output', ''), cli('ImageId', 'x')] }))['Output']).toBe('x');
  });

  test('an empty file assignment resets a scalar to its default and empties a collection', async () => {
    const dir = await configTree({
      'mkosi.conf': '[Output]\nImageId=conf\nOutput=named\n[Content]\nPackages=a\n',
      'mkosi.conf.d/10.conf': '[Output]\nOutput=\n[Content]\nPackages=\nPackages=b\n',
    });
    const main = mainImage(await loadTree(dir));
    expect(main['Output']).toBe('conf');
    expect(main['Packages']).toEqual(['b']);
  });

  test('an empty file assignment of a collection cancels its default path', async () => {
    const dir = await configTree({ 'mkosi.configure': { mode: 0o755, text: '#!/bin/sh\n' }, 'mkosi.conf': '[Config]\nConfigureScripts=\n' });
    expect(mainImage(await loadTree(dir))['ConfigureScripts']).toEqual([]);
  });

  test('later files override scalars and append to collections', async () => {
    const dir = await configTree({
      'mkosi.conf': '[Output]\nImageId=a\n[Content]\nPackages=one\n',
      'mkosi.conf.d/10.conf': '[Output]\nImageId=b\n[Content]\nPackages=two\n',
    });
    const main = mainImage(await loadTree(dir));
    expect(main['ImageId']).toBe('b');
    expect(main['Packages']).toEqual(['one', 'two']);
  });

  test('defaults are computed once and stick (mkosi 27.1 memoizes them)', async () => {
    const dir = await configTree({
      'mkosi.conf': '[Output]\nImageId=conf\n',
      'mkosi.conf.d/10.conf': '[Content]\nHostname=%o\n',
      'mkosi.conf.d/20.conf': '[Output]\nImageId=foo\n',
    });
    const main = mainImage(await loadTree(dir));
    expect(main['Hostname']).toBe('conf');
    expect(main['Output']).toBe('conf');
    expect(main['ImageId']).toBe('foo');
  });

  test('local config beats all later files but not the command line', async () => {
    const dir = await configTree({
      'mkosi.conf': '[Output]\nImageId=conf\n[Content]\nHostname=conf\n',
      'mkosi.local.conf': '[Output]\nImageId=local\n[Content]\nHostname=local\n',
    });
    const main = mainImage(await loadTree(dir, { cli: [cli('Hostname', 'cli')] }));
    expect(main['ImageId']).toBe('local');
    expect(main['Hostname']).toBe('cli');
  });

  test('mkosi.local/ beats mkosi.local.conf (test_local_config)', async () => {
    const dir = await configTree({
      'mkosi.local/mkosi.conf.d/10.conf': '[Build]\nEnvironment=BAZ=\n',
      'mkosi.local.conf': '[Build]\nEnvironment=BAZ=local-conf\n',
    });
    expect(mainImage(await loadTree(dir))['Environment']).toEqual({ BAZ: '' });
  });

  test('local collections are appended after file values, as if from the command line', async () => {
    const dir = await configTree({ 'mkosi.conf': '[Content]\nPackages=zz aa\n', 'mkosi.local.conf': '[Content]\nPackages=mm\n' });
    expect(mainImage(await loadTree(dir, { cli: [cli('Packages', 'bb')] }))['Packages']).toEqual(['aa', 'zz', 'mm', 'bb']);
  });

  test('--include values are promoted only when local config exists', async () => {
    const files = { 'mkosi.conf': '[Output]\nImageId=conf\n', 'extra.conf': '[Output]\nImageId=included\n' };
    const without = await configTree(files);
    expect(mainImage(await loadTree(without, { cli: [cli('Include', 'extra.conf')] }))['ImageId']).toBe('conf');
    const withLocal = await configTree({ ...files, 'mkosi.local.conf': '[Content]\nWithDocs=no\n' });
    expect(mainImage(await loadTree(withLocal, { cli: [cli('Include', 'extra.conf')] }))['ImageId']).toBe('included');
  });
});

describe('an empty assignment in local config', () => {
  test('resets a scalar, and the reset is promoted: later files cannot set it again (test_override_default)', async () => {
    const dir = await configTree({ 'mkosi.conf': '[Output]\nImageId=conf\n', 'mkosi.local.conf': '[Output]\nImageId=\n' });
    expect(mainImage(await loadTree(dir))['ImageId']).toBe(null);
  });
});

describe('a default that cannot be computed', () => {
  test('a bad $SOURCE_DATE_EPOCH stops loading with a located error, not an internal one', async () => {
    const dir = await configTree({ 'mkosi.conf': '[Output]\nImageId=x\n' });
    const error = await loadTree(dir, { host: { env: { SOURCE_DATE_EPOCH: 'yesterday' } } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigInvalid);
    expect((error as ConfigInvalid).diagnostics).toEqual([{
      severity: 'error', setting: 'SourceDateEpoch', message: "Timestamp 'yesterday' is not a valid integer",
      at: { kind: 'environment', variable: 'SOURCE_DATE_EPOCH' }, hint: 'set SOURCE_DATE_EPOCH to seconds since the Unix epoch, or unset it',
    }]);
    expect((error as ConfigInvalid).diagnostics.map(renderDiagnostic).join('\n')).toContain('environment variable $SOURCE_DATE_EPOCH');
  });
});
