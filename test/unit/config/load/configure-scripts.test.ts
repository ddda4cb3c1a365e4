import { describe, expect, test } from 'vitest';
import { applyConfigureOutput, normalizeKey, runConfigureScript } from '../../../../src/config/load/configure-scripts.js';
import { ConfigInvalid } from '../../../../src/config/diagnostics.js';
import { configTree } from '../../../helpers/config-tree.js';

const defaults = { Profiles: [], Dependencies: [], MinimumVersion: null, Image: 'main' };

describe('configure scripts', () => {
  test('printed keys replace an all-defaults config, by setting name or snake_case', () => {
    expect(applyConfigureOutput({ Profiles: ['a'], minimum_version: null, Unknown: null, dependencies: ['x'] }, defaults, 's'))
      .toMatchObject({ Profiles: ['a'], Dependencies: ['x'], MinimumVersion: null });
  });

  test('unknown non-empty keys and values of the wrong shape are all reported', () => {
    const error = (() => {
      try {
        applyConfigureOutput({ Frobnicate: 1, Profiles: 'a', Ignored: [] }, defaults, 's');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigInvalid);
    expect((error as ConfigInvalid).diagnostics.map((d) => d.setting)).toEqual(['Frobnicate', 'Profiles']);
  });

  test('the script reads the config on stdin and prints the new one', async () => {
    const dir = await configTree({ 'conf.sh': { mode: 0o755, text: '#!/bin/sh\nsed \'s/"Profiles": \\[\\]/"Profiles": ["p"]/\'\n' } });
    const out = await runConfigureScript({ script: `${dir}/conf.sh`, config: defaults, defaults, env: { PATH: '/usr/bin:/bin' }, cwd: dir });
    expect(out['Profiles']).toEqual(['p']);
  });

  test('setting names and snake_case field names are the same key', () => {
    expect(normalizeKey('BuildSourcesEphemeral')).toBe(normalizeKey('build_sources_ephemeral'));
    expect(normalizeKey('CPUs')).toBe(normalizeKey('cpus'));
  });
});
