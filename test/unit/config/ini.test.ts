import { describe, expect, test } from 'vitest';
import { IniSyntaxError, parseIni } from '../../../src/config/ini.js';

const flat = (text: string): Array<[string, string, string, number]> =>
  parseIni(text).flatMap((s) => s.assignments.map((a) => [a.section, a.key, a.value, a.line] as [string, string, string, number]));

describe('parseIni', () => {
  test('comments start anywhere in a line and there is no escaping', () => {
    expect(flat('[Content]\nPackages=systemd  # needed\n# whole line\nHostname=a#b\n')).toEqual([
      ['Content', 'Packages', 'systemd', 2],
      ['Content', 'Hostname', 'a', 4],
    ]);
  });

  test('indented lines continue the previous value, blank and comment lines inside are skipped', () => {
    expect(flat('[Content]\nPackages=a\n  b\n\n  # c\n  d\nHostname=x\n')).toEqual([
      ['Content', 'Packages', 'a\nb\nd', 2],
      ['Content', 'Hostname', 'x', 7],
    ]);
  });

  test('a uniformly indented file is dedented first', () => {
    expect(flat('    [Output]\n    Format=tar\n')).toEqual([['Output', 'Format', 'tar', 2]]);
  });

  test('keys repeat, empty assignments are kept as empty strings, sections and keys keep their case', () => {
    expect(flat('[content]\nPackages=a\nPackages=\npackages=b\n')).toEqual([
      ['content', 'Packages', 'a', 2],
      ['content', 'Packages', '', 3],
      ['content', 'packages', 'b', 4],
    ]);
  });

  test('empty sections are returned with their line', () => {
    expect(parseIni('[Match]\n[Content]\nA=1\n').map((s) => [s.name, s.line, s.assignments.length])).toEqual([
      ['Match', 1, 0],
      ['Content', 2, 1],
    ]);
  });

  test.each([
    ['Packages=a\n', 1, /must be in a section/],
    ['[Content]\nPackages\n', 2, /must be followed by '='/],
    ['[Content]\n=a\n', 2, /name must not be empty/],
    ['[Content\nA=b\n', 1, /must end with '\]'/],
    ['[ ]\n', 1, /must not be empty/],
  ])('rejects %j at line %i', (text, line, message) => {
    let error: unknown;
    try {
      parseIni(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IniSyntaxError);
    expect((error as IniSyntaxError).line).toBe(line);
    expect((error as IniSyntaxError).message).toMatch(message);
  });
});
