import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ParseEnv } from '../../../../src/config/values/kind.js';
import { keyPath, keySource, parsePathValue, parseTree, resolvePath } from '../../../../src/config/values/paths.js';

const root = mkdtempSync(join(tmpdir(), 'mkb-paths-'));
mkdirSync(join(root, 'real', 'sub'), { recursive: true });
symlinkSync(join(root, 'real', 'sub'), join(root, 'link'));
writeFileSync(join(root, 'open.key'), 'k');
chmodSync(join(root, 'open.key'), 0o644);
const env: ParseEnv = { cwd: root, env: {}, home: '/home/u', randomUuid: () => '00000000-0000-4000-8000-000000000000' };

describe('resolvePath resolves symlinks like Python Path.resolve()', () => {
  test('a symlinked prefix is replaced by its target', () => {
    expect(resolvePath(root, 'link/file')).toBe(join(root, 'real', 'sub', 'file'));
  });

  test('.. after a symlink applies to the link target', () => {
    expect(resolvePath(root, 'link/../x')).toBe(join(root, 'real', 'x'));
  });

  test('a path below a missing component is resolved lexically', () => {
    expect(resolvePath(root, 'missing/../a/./b')).toBe(join(root, 'a', 'b'));
  });

  test('required paths report the value as resolved', () => {
    expect(parsePathValue('link', env)).toBe(join(root, 'real', 'sub'));
  });
});

describe('secret paths', () => {
  test('a world-readable secret is refused with mkosi wording', () => {
    expect(() => parsePathValue('open.key', env, { secret: true, required: false })).toThrow(/Permissions of '.*open\.key' of '0644' are too open\./);
  });

  test('keyPath keeps a non-path verbatim', () => {
    expect(keyPath().parse('pkcs11:token=x', null, env)).toBe('pkcs11:token=x');
  });
});

describe('keySource', () => {
  test('certificates refuse engines with a certificate-source message', () => {
    expect(() => keySource({ engine: false }).parse('engine:x', undefined, env)).toThrow("'engine:x' is not a valid certificate source");
  });
});

describe('parseTree', () => {
  test('targets are normalized like PurePosixPath; an empty target is "."', () => {
    expect(parseTree('link:./x//y/', env, { target: 'any' })).toEqual({ Source: join(root, 'real', 'sub'), Target: 'x/y' });
    expect(parseTree('link:', env, { target: 'any' }).Target).toBe('.');
    expect(parseTree('link:/abs', env, { target: 'any' }).Target).toBe('/abs');
  });

  test('absolute targets are enforced, with the target in the message', () => {
    expect(() => parseTree('link:rel', env, { target: 'absolute' })).toThrow('rel must be an absolute path');
    expect(() => parseTree('link:', env, { target: 'absolute' })).toThrow(/must be an absolute path/);
  });

  test('the source is split at the first colon', () => {
    expect(parseTree('link:a:b', env, { target: 'any' }).Target).toBe('a:b');
  });
});

describe('keyPath', () => {
  test('a secret key that exists must not be world-readable; certificates may be', () => {
    expect(() => keyPath({ secret: true }).parse('open.key', null, env)).toThrow(/too open/);
    expect(keyPath().parse('open.key', null, env)).toBe(join(root, 'open.key'));
    expect(keyPath({ secret: true }).parse('missing.key', null, env)).toBe('missing.key');
  });
});
