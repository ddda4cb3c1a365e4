import { expect, test } from 'vitest';
import { MKB_VERSION } from '../../src/version.js';

test('the version is a semantic version', () => {
  expect(MKB_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
});
