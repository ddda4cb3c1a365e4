import { describe, expect, test } from 'vitest';
import { drives } from '../../../../src/config/values/drives.js';
import type { ParseEnv } from '../../../../src/config/values/kind.js';

const env: ParseEnv = { cwd: '/tmp', env: {}, home: '/root', randomUuid: () => '00000000-0000-4000-8000-000000000000' };
const parse = (raw: string) => drives().parse(raw, [], env);

describe('Drives=', () => {
  test('ID:SIZE with defaults for the skipped fields', () => {
    expect(parse('data:1G')).toEqual([{ Id: 'data', Size: 1073741824, Directory: null, Options: null, FileId: 'data', Flags: [] }]);
  });

  test('every field, and empty fields skipped', () => {
    expect(parse('a:1M:/tmp:o1,o2:fid:persist myfs:1G::::persist')).toEqual([
      { Id: 'a', Size: 1048576, Directory: '/tmp', Options: 'o1,o2', FileId: 'fid', Flags: ['persist'] },
      { Id: 'myfs', Size: 1073741824, Directory: null, Options: null, FileId: 'myfs', Flags: ['persist'] },
    ]);
  });

  test('an empty id is kept; sizes are rounded up to 4 KiB', () => {
    expect(parse(':1.5K')).toEqual([{ Id: '', Size: 4096, Directory: null, Options: null, FileId: '', Flags: [] }]);
  });

  test('errors in 27.1 wording', () => {
    expect(() => parse('data')).toThrow("Missing size in drive 'data");
    expect(() => parse('data:1G:::::')).toThrow("Too many components in drive 'data:1G:::::");
    expect(() => parse('d:1G::::bogus')).toThrow("'bogus' is not a valid DriveFlag");
    expect(() => parse('d:1G::::persist,')).toThrow("'' is not a valid DriveFlag");
    expect(() => parse('d:1G:missing-dir')).toThrow(/does not exist/);
    expect(() => parse('d:0')).toThrow();
  });

  test('commas do not separate drives', () => {
    expect(() => parse('d:1G,e:2G')).toThrow();
  });
});
