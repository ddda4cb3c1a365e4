import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { hostToolResolver } from '../../../../src/cli/engine/host-tools.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { openTestStore } from '../../../helpers/test-store.js';

describe('host tool identities', () => {
  test('a tool is its real path plus the digest of its binary; a changed binary changes the identity', async () => {
    const store = await openTestStore(await tempDir());
    const bin = await tempDir();
    await writeFile(join(bin, 'mkfs.fake'), '#!/bin/sh\necho 1\n');
    await chmod(join(bin, 'mkfs.fake'), 0o755);
    const first = await hostToolResolver({ path: `/nonexistent:${bin}`, hasher: store.hasher })('mkfs.fake');
    expect(first).toMatch(new RegExp(`^${join(bin, 'mkfs.fake')}@sha256:[0-9a-f]{64}$`));
    await writeFile(join(bin, 'mkfs.fake'), '#!/bin/sh\necho 2\n');
    const second = await hostToolResolver({ path: bin, hasher: store.hasher })('mkfs.fake');
    expect(second).not.toBe(first);
    expect(await hostToolResolver({ path: bin, hasher: store.hasher })('missing-tool')).toBeUndefined();
    await store.close();
  });
});
