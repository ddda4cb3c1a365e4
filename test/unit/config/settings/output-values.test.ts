// Value kinds added for [Output]: compression, access mode, sector size, compress level, split artifacts,
// and Python-compatible UUIDs. Accepted/rejected inputs and messages were checked against mkosi 27.1.
import { describe, expect, test } from 'vitest';
import { compression } from '../../../../src/config/values/compression.js';
import type { ParseEnv } from '../../../../src/config/values/kind.js';
import { accessMode, compressLevel, parsePythonInt, parsePythonOctal, sectorSize } from '../../../../src/config/values/numbers.js';
import { parseUuid, uuid } from '../../../../src/config/values/scalars.js';
import { splitArtifacts } from '../../../../src/config/values/split-artifacts.js';

const env: ParseEnv = { cwd: '/cfg', env: {}, home: '/root', randomUuid: () => '12345678-1234-4234-8234-123456789abc' };

describe('Python integers', () => {
  test('accept whitespace, a sign and underscores between digits', () => {
    expect(parsePythonInt(' 5')).toBe(5);
    expect(parsePythonInt('+3')).toBe(3);
    expect(parsePythonInt('1_0')).toBe(10);
    expect(parsePythonInt('007')).toBe(7);
    expect(parsePythonInt('-1')).toBe(-1);
  });

  test('reject fractions, hex and misplaced underscores', () => {
    for (const raw of ['3.0', '0x10', '_1', '1_', '1__0', '', 'high']) expect(parsePythonInt(raw)).toBeUndefined();
  });

  test('octal takes an optional 0o prefix', () => {
    expect(parsePythonOctal('0640')).toBe(0o640);
    expect(parsePythonOctal('0o640')).toBe(0o640);
    expect(parsePythonOctal('0O_644')).toBe(0o644);
    expect(parsePythonOctal('-0o17')).toBe(-0o17);
    for (const raw of ['8', '0x1ff', '0o', '_644', '644_']) expect(parsePythonOctal(raw)).toBeUndefined();
  });
});

describe('CompressOutput', () => {
  const kind = compression();
  test('algorithm names and spellings', () => {
    expect(['zstd', 'zst', 'xz', 'bz2', 'gz', 'gzip', 'lz4', 'lzma', 'none'].map((raw) => kind.parse(raw, null, env)))
      .toEqual(['zstd', 'zstd', 'xz', 'bz2', 'gz', 'gz', 'lz4', 'lzma', 'none']);
  });

  test('booleans: yes is zstd (whatever the format), no is none; case-insensitive like booleans', () => {
    expect(kind.parse('yes', null, env)).toBe('zstd');
    expect(kind.parse('Yes', null, env)).toBe('zstd');
    expect(kind.parse('off', null, env)).toBe('none');
  });

  test('an empty value leaves it to the default rule', () => {
    expect(kind.parse('', 'xz', env)).toBeNull();
  });

  test('unknown names, and names in the wrong case, fail like a bad boolean', () => {
    expect(() => kind.parse('brotli', null, env)).toThrow("Invalid boolean literal: 'brotli'");
    expect(() => kind.parse('ZSTD', null, env)).toThrow("Invalid boolean literal: 'ZSTD'");
  });
});

describe('CompressLevel', () => {
  const kind = compressLevel();
  test('non-negative integers; empty is the default 3', () => {
    expect(kind.parse('19', 3, env)).toBe(19);
    expect(kind.parse('0', 3, env)).toBe(0);
    expect(kind.parse('', 9, env)).toBe(3);
  });

  test('errors name the compression level', () => {
    expect(() => kind.parse('high', 3, env)).toThrow("Compression level 'high' is not a valid integer");
    expect(() => kind.parse('-1', 3, env)).toThrow('Compression level cannot be negative (got -1)');
  });
});

describe('OutputMode', () => {
  const kind = accessMode();
  test('octal with or without a leading 0 or 0o; JSON is the number', () => {
    expect(kind.parse('0640', null, env)).toBe(416);
    expect(kind.parse('640', null, env)).toBe(416);
    expect(kind.parse('1777', null, env)).toBe(0o1777);
    expect(kind.parse('0', null, env)).toBe(0);
    expect(kind.parse('', 0o600, env)).toBeNull();
  });

  test('rejects non-octal, negative and modes above 1777, quoting the value as written', () => {
    expect(() => kind.parse('8', null, env)).toThrow("Access mode '8' is not a valid integer in base 8");
    expect(() => kind.parse('-0o17', null, env)).toThrow('Access mode cannot be negative (got -0o17)');
    expect(() => kind.parse('2000', null, env)).toThrow('Access mode cannot be greater than 1777 (got 2000)');
  });
});

describe('SectorSize', () => {
  const kind = sectorSize();
  test('powers of two from 512 to 4096', () => {
    expect(['512', '1024', '2048', '4096', '1_024'].map((raw) => kind.parse(raw, null, env))).toEqual([512, 1024, 2048, 4096, 1024]);
  });

  test('range is checked before the power of two, with the parsed number in the message', () => {
    expect(() => kind.parse('8192', null, env)).toThrow('Sector size not between 512 and 4096: 8192');
    expect(() => kind.parse('0', null, env)).toThrow('Sector size not between 512 and 4096: 0');
    expect(() => kind.parse('01000', null, env)).toThrow('Sector size not power of 2: 1000');
    expect(() => kind.parse('4K', null, env)).toThrow("'4K' is not a valid number");
  });
});

describe('SplitArtifacts', () => {
  const kind = splitArtifacts();
  test('a list appends to what was assigned before, keeping duplicates', () => {
    expect(kind.parse('roothash pcrs', [], env)).toEqual(['roothash', 'pcrs']);
    expect(kind.parse('kernel,tar', ['roothash'], env)).toEqual(['roothash', 'kernel', 'tar']);
    expect(kind.parse('tar uki tar', [], env)).toEqual(['tar', 'uki', 'tar']);
  });

  test('a whole-value boolean replaces everything: yes adds partitions to the default, no is the default', () => {
    expect(kind.parse('yes', ['tar'], env)).toEqual(['uki', 'kernel', 'initrd', 'partitions']);
    expect(kind.parse('0', ['tar'], env)).toEqual(['uki', 'kernel', 'initrd']);
  });

  test('empty resets; a boolean inside a list, or an unknown artifact, is an error', () => {
    expect(kind.parse('', ['tar'], env)).toEqual([]);
    expect(() => kind.parse('partitions,yes', [], env)).toThrow("'yes' is not a valid ArtifactOutput");
    expect(() => kind.parse('UKI', [], env)).toThrow("'UKI' is not a valid ArtifactOutput");
  });
});

describe('UUIDs (Seed, MachineId)', () => {
  test('accepts the forms Python accepts and prints the canonical form', () => {
    const canonical = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
    for (const raw of [
      '0f1e2d3c4b5a69788796a5b4c3d2e1f0', '0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0', `{${canonical}}`,
      `urn:uuid:${canonical}`, 'urn:uuid:{0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0}', '0f1e2d3c-4b5a69788796-a5b4c3d2e1f0',
    ]) expect(parseUuid(raw)).toBe(canonical);
  });

  test('an underscore counts as a character but not as a digit, as in Python', () => {
    expect(parseUuid('0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1_0')).toBe('00f1e2d3-c4b5-a697-8879-6a5b4c3d2e10');
  });

  test('rejects other lengths and surrounding spaces, without quotes in the message', () => {
    const kind = uuid({ allowRandom: true });
    expect(() => kind.parse('not-a-uuid', null, env)).toThrow(/^not-a-uuid is not a valid UUID$/);
    expect(() => kind.parse('0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f', null, env)).toThrow('is not a valid UUID');
    expect(() => kind.parse(' 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0', null, env)).toThrow('is not a valid UUID');
  });

  test('random is lower case only and draws a fresh UUID', () => {
    const kind = uuid({ allowRandom: true });
    expect(kind.parse('random', null, env)).toBe('12345678-1234-4234-8234-123456789abc');
    expect(() => kind.parse('RANDOM', null, env)).toThrow('RANDOM is not a valid UUID');
    expect(() => uuid({ allowRandom: false }).parse('random', null, env)).toThrow('is not a valid UUID');
  });
});
