import { describe, expect, test } from 'vitest';
import { integer } from '../../../../src/config/values/integers.js';
import type { ParseEnv } from '../../../../src/config/values/kind.js';
import { TOOLS_TREE_DEFAULT, toolsTree } from '../../../../src/config/values/tools-tree.js';

const env: ParseEnv = { cwd: '/', env: {}, home: '/root', randomUuid: () => '00000000-0000-4000-8000-000000000000' };

describe('ToolsTree=', () => {
  test('yes and default select the default tools tree, no and empty none', () => {
    expect(['yes', 'default', 'no', ''].map((raw) => toolsTree().parse(raw, null, env))).toEqual([TOOLS_TREE_DEFAULT, TOOLS_TREE_DEFAULT, null, null]);
  });

  test('other booleans are paths', () => {
    expect(() => toolsTree().parse('true', null, env)).toThrow(/does not exist/);
    expect(toolsTree().parse('/tmp', null, env)).toBe('/tmp');
  });
});

describe('integer()', () => {
  test('an empty value resets unless refused', () => {
    const invalid = (raw: string) => `'${raw}' is not a valid integer`;
    expect(integer({ empty: 1, invalid }).parse('', 5, env)).toBe(1);
    expect(() => integer({ empty: 'refused', invalid }).parse('', 5, env)).toThrow("'' is not a valid integer");
  });
});
