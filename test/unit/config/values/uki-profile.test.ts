import { z } from 'zod';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ParseEnv } from '../../../../src/config/values/kind.js';
import { readUkiProfile, ukiProfiles } from '../../../../src/config/values/uki-profile.js';

const dir = mkdtempSync(join(tmpdir(), 'mkb-uki-'));
mkdirSync(join(dir, 'adir'));

function profileFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function envWithWarnings(): { env: ParseEnv; warnings: string[] } {
  const warnings: string[] = [];
  return { env: { cwd: dir, env: {}, home: '/home/u', randomUuid: () => '', warn: (m) => warnings.push(m) }, warnings };
}

const read = (text: string): unknown => readUkiProfile(profileFile('p.conf', text), envWithWarnings().env);

describe('[UKIProfile] files', () => {
  test('Profile= items are one per line, split at the first = and stripped, without shell quoting', () => {
    expect(read('[UKIProfile]\nProfile=TITLE=first\n  ID=a\n  X=y=z\n  NOEQ\n  B = 1\nCmdline=console=ttyS0 quiet\n')).toEqual({
      Cmdline: ['console=ttyS0', 'quiet'], Profile: { TITLE: 'first', ID: 'a', X: 'y=z', NOEQ: '', B: '1' }, SignExpectedPcr: true,
    });
    expect(read('[UKIProfile]\nProfile=A=1 B=2,C=3\nProfile=D=4\n')).toMatchObject({ Profile: { A: '1 B=2,C=3', D: '4' } });
    expect(read('[UKIProfile]\nProfile=TITLE="second one"\n')).toMatchObject({ Profile: { TITLE: '"second one"' } });
  });

  test('Cmdline= accumulates space-separated words; commas are kept', () => {
    expect(read('[UKIProfile]\nCmdline=a,b c\nCmdline=d\n')).toMatchObject({ Cmdline: ['a,b', 'c', 'd'] });
  });

  test('an empty file gives the defaults', () => {
    expect(read('')).toEqual({ Cmdline: [], Profile: {}, SignExpectedPcr: true });
  });

  test('empty assignments: Profile= empties the dict, Cmdline= and SignExpectedPcr= become null', () => {
    expect(read('[UKIProfile]\nProfile=A=1\nProfile=\nProfile=B=2\nCmdline=x\nCmdline=\n')).toEqual({ Cmdline: null, Profile: { B: '2' }, SignExpectedPcr: true });
    expect(read('[UKIProfile]\nSignExpectedPcr=no\nSignExpectedPcr=\nCmdline=\nCmdline=x\n')).toEqual({ Cmdline: ['x'], Profile: {}, SignExpectedPcr: null });
  });

  test('SignExpectedPcr= is a boolean', () => {
    expect(read('[UKIProfile]\nSignExpectedPcr=no\n')).toMatchObject({ SignExpectedPcr: false });
    expect(() => read('[UKIProfile]\nSignExpectedPcr=maybe\n')).toThrow("Invalid boolean literal: 'maybe'");
  });

  test('other sections are ignored; unknown keys are warned about; specifiers are not expanded', () => {
    const { env, warnings } = envWithWarnings();
    const path = profileFile('w.conf', '[Other]\nProfile=A=1\n[UKIProfile]\nProfile=B=%d\nFoo=bar\n@Profile=C=1\n[Content]\nPackages=x\n');
    expect(readUkiProfile(path, env)).toEqual({ Cmdline: [], Profile: { B: '%d' }, SignExpectedPcr: true });
    expect(warnings).toEqual([`${path}: Unknown setting Foo`, `${path}: Unknown setting @Profile`]);
  });

  test('INI syntax errors name the file and line', () => {
    expect(() => read('Profile=A=1\n')).toThrow(/p\.conf:1: /);
  });
});

describe('UnifiedKernelImageProfiles=', () => {
  const kind = ukiProfiles();
  const { env } = envWithWarnings();

  test('reads each existing file relative to the parse directory, in order', () => {
    profileFile('a.conf', '[UKIProfile]\nProfile=ID=a\n');
    profileFile('b.conf', '[UKIProfile]\nProfile=ID=b\nSignExpectedPcr=no\n');
    const value = kind.parse('b.conf a.conf', undefined, env);
    expect(value).toEqual([
      { Cmdline: [], Profile: { ID: 'b' }, SignExpectedPcr: false },
      { Cmdline: [], Profile: { ID: 'a' }, SignExpectedPcr: true },
    ]);
    expect(kind.parse('', value, env)).toEqual([]);
    expect(kind.schema(z).safeParse(value).success).toBe(true);
  });

  test('missing files, globs and directories are errors', () => {
    expect(() => kind.parse('nonexist.conf', undefined, env)).toThrow('does not exist');
    expect(() => kind.parse('*.conf', undefined, env)).toThrow('does not exist');
    expect(() => kind.parse('adir', undefined, env)).toThrow('is a directory');
  });
});
