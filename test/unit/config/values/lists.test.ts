import { describe, expect, test } from 'vitest';
import { comparePackages, dict, environmentEntry, list } from '../../../../src/config/values/lists.js';
import { shlexSplit } from '../../../../src/config/values/shlex.js';
import type { ParseEnv } from '../../../../src/config/values/kind.js';

const env: ParseEnv = { cwd: '/cfg', env: { FOO: 'from-env' }, home: '/root', randomUuid: () => '00000000-0000-4000-8000-000000000000' };

describe('list', () => {
  test('splits on commas and any whitespace, appending to the old value', () => {
    expect(list().parse('a,b c\n d,,', ['x'], env)).toEqual(['x', 'a', 'b', 'c', 'd']);
  });

  test('an empty assignment resets, unless the list never resets', () => {
    expect(list().parse('', ['x'], env)).toEqual([]);
    expect(list({ reset: false }).parse('', ['x'], env)).toEqual(['x']);
  });

  test('space-separated lists keep commas', () => {
    expect(list({ split: 'space' }).parse('console=ttyS0,115200 quiet', [], env)).toEqual(['console=ttyS0,115200', 'quiet']);
  });

  test('package lists sort names, then paths, then conditionals, keeping duplicates', () => {
    const packages = list({ sort: comparePackages });
    expect(packages.parse('zsh /tmp/a.deb (foo|bar) bash zsh', [], env)).toEqual(['bash', 'zsh', 'zsh', '/tmp/a.deb', '(foo|bar)']);
  });
});

describe('dict', () => {
  test('shell-quoted K=V words, later keys override', () => {
    expect(dict().parse('A=1 B="two words" A=3', { C: 'c' }, env)).toEqual({ C: 'c', A: '3', B: 'two words' });
  });

  test('Environment= takes a bare name from the invoking environment, empty when unset', () => {
    const environment = dict({ entry: environmentEntry });
    expect(environment.parse('FOO BAR', {}, env)).toEqual({ FOO: 'from-env', BAR: '' });
  });

  test('a word without = is refused by plain dicts', () => {
    expect(() => dict().parse('NOEQUALS', {}, env)).toThrow(/KEY=VALUE/);
  });
});

describe('shlexSplit', () => {
  test('quotes and escapes like a POSIX shell, with no comments', () => {
    expect(shlexSplit(`a 'b c' "d \\"e\\"" f\\ g #h`)).toEqual(['a', 'b c', 'd "e"', 'f g', '#h']);
  });

  test('an unterminated quote is an error', () => {
    expect(() => shlexSplit('"open')).toThrow(/unterminated/);
  });
});
