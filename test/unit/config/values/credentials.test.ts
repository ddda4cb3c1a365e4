import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { credentials } from '../../../../src/config/values/credentials.js';
import type { ParseEnv } from '../../../../src/config/values/kind.js';

const dir = mkdtempSync(join(tmpdir(), 'mkb-creds-'));
mkdirSync(join(dir, 'creds', 'sub'), { recursive: true });
writeFileSync(join(dir, 'creds', 'c2'), '#!/bin/sh\necho gen\n');
chmodSync(join(dir, 'creds', 'c2'), 0o755);
writeFileSync(join(dir, 'creds', 'c1'), 'v1');
writeFileSync(join(dir, 'single'), 'v');
const env: ParseEnv = { cwd: dir, env: {}, home: '/home/u', randomUuid: () => '00000000-0000-4000-8000-000000000000' };
const parse = (...raws: string[]) => raws.reduce<ReturnType<ReturnType<typeof credentials>['parse']>>((old, raw) => credentials().parse(raw, old, env), []);

describe('Credentials=', () => {
  test('NAME=VALUE shell words; a word without = has an empty value', () => {
    expect(parse('inline=value "q=a b" other=x=y single')).toEqual([
      { Name: 'inline', Path: null, Value: 'value' }, { Name: 'q', Path: null, Value: 'a b' },
      { Name: 'other', Path: null, Value: 'x=y' }, { Name: 'single', Path: null, Value: '' },
    ]);
  });

  test('repeated names are kept', () => {
    expect(parse('a=1', 'a=2')).toEqual([{ Name: 'a', Path: null, Value: '1' }, { Name: 'a', Path: null, Value: '2' }]);
  });

  test('a value without = is one path: a file, or the files of a directory by name', () => {
    expect(parse('single', 'creds')).toEqual([
      { Name: 'single', Path: join(dir, 'single'), Value: null },
      { Name: 'c1', Path: join(dir, 'creds', 'c1'), Value: null },
      { Name: 'c2', Path: join(dir, 'creds', 'c2'), Value: null },
    ]);
  });

  test('the whole value is the path, and a missing one is named absolutely', () => {
    expect(() => parse('single creds')).toThrow(`${join(dir, 'single creds')} does not exist`);
    expect(() => parse('~/x')).toThrow(`${join(dir, '~/x')} does not exist`);
  });

  test('an empty assignment resets', () => {
    expect(parse('a=1', '')).toEqual([]);
  });
});
