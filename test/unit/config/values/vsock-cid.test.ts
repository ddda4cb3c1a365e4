import { describe, expect, test } from 'vitest';
import { vsockCid } from '../../../../src/config/values/vsock-cid.js';
import type { ParseEnv } from '../../../../src/config/values/kind.js';

const env: ParseEnv = { cwd: '/', env: {}, home: '/root', randomUuid: () => '00000000-0000-4000-8000-000000000000' };
const parse = (raw: string) => vsockCid().parse(raw, undefined, env);

describe('VSockCID=', () => {
  test('auto is -1, hash is -2, empty is auto', () => {
    expect([parse('auto'), parse('hash'), parse('')]).toEqual([-1, -2, -1]);
  });

  test('numbers in [3, 0xFFFFFFFF)', () => {
    expect([parse('3'), parse('4294967294')]).toEqual([3, 4294967294]);
    for (const raw of ['2', '-1', '4294967295']) expect(() => parse(raw)).toThrow(/is not in the valid VSock connection ID range \[3, 0xFFFFFFFF\)/);
  });

  test('anything else', () => {
    expect(() => parse('0x10')).toThrow("VSock connection ID '0x10' is not a valid number or one of 'auto' or 'hash'");
  });
});
