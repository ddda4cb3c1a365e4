import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { buildLoadOptions, resourcesDir } from '../../src/cli/load-options.js';
import { parseArgv } from '../../src/cli/parse-argv.js';

const io: CliIo = { out: () => undefined, err: () => undefined, env: { HOME: '/home/u', A: 'b' }, cwd: '/work/tree', isTTY: false };

function loadOptions(...argv: string[]) {
  const parsed = parseArgv(argv, { cwd: io.cwd });
  if (!parsed.ok) throw new Error(parsed.error.message);
  return buildLoadOptions(parsed.value, io);
}

describe('argv → LoadOptions', () => {
  test('defaults: the working directory, verb build, no assignments', () => {
    const o = loadOptions();
    expect(o).toMatchObject({ directory: '/work/tree', cwd: '/work/tree', verb: 'build', force: 0, cli: [] });
    expect(o.host.directory).toBe('/work/tree');
    expect(o.host.env).toEqual(io.env);
    expect(o.host.home).toBe('/home/u');
  });

  test('-C, -f and the settings given on both sides of the verb', () => {
    const o = loadOptions('-C', 'sub', '--profile=a', 'summary', '-ff', '--profile', 'b');
    expect(o.directory).toBe('/work/tree/sub');
    expect(o.verb).toBe('summary');
    expect(o.force).toBe(2);
    expect(o.cli).toEqual([
      { setting: 'Profiles', raw: 'a', option: '--profile' },
      { setting: 'Profiles', raw: 'b', option: '--profile' },
    ]);
  });

  test("-C '' gives a null directory", () => {
    const o = loadOptions('-C', '', 'summary');
    expect(o.directory).toBeNull();
    expect(o.host.directory).toBeNull();
    expect(o.cwd).toBe('/work/tree');
  });

  test("resources are mkb's builtin configs", () => {
    expect(loadOptions().resourcesDir).toBe(resourcesDir());
    expect(existsSync(join(resourcesDir(), 'mkosi-tools'))).toBe(true);
  });
});
