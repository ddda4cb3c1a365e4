// Property test: mutated configuration trees either load or fail with ConfigInvalid, never anything else.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ConfigInvalid } from '../../../src/config/diagnostics.js';
import { SETTINGS } from '../../../src/config/settings/index.js';
import { cli, loadTree } from '../../helpers/config-tree.js';
import { tempDir } from '../../helpers/temp-dir.js';

const NAMES = [...(SETTINGS as readonly { name: string }[]).map((s) => s.name), 'Frobnicate', '@ImageId', 'Profile', 'PathExists'];
const SECTIONS = ['Config', 'Distribution', 'Output', 'Content', 'Validation', 'Build', 'Runtime', 'Include', 'Host',
  'Match', 'TriggerMatch', 'Assert', 'TriggerAssert', 'content', 'UKIProfile'];
const TOKENS = ['yes', 'no', 'auto', 'a', 'b', 'sub', 'sub.conf', 'mkosi-vm', 'mkosi-nope', '%i', '%z', '%', '%%', '&d', '1', '0', '-1',
  '4G', '1.5M', 'x86-64', 'uefi', 'debian', 'fedora', 'disk', 'cpio', '=', ':', ':/abs', '|', '!', '>=1', '*', ',', ' ', '\n ', '#',
  'K=V', '"q w"', "'", 'commit:abc', 'main', 'hashed:', 'file', 'engine:x', 'é'];

const value = fc.array(fc.constantFrom(...TOKENS), { maxLength: 4 }).map((t) => t.join(''));
const line = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...NAMES), value).map(([k, v]) => `${k}=${v}`) },
  { weight: 2, arbitrary: fc.constantFrom(...SECTIONS).map((s) => `[${s}]`) },
  { weight: 1, arbitrary: fc.constantFrom('', '  indented', '[', '=x', 'NoEquals', '# comment', '[ ]') },
);
const file = fc.array(line, { minLength: 1, maxLength: 12 }).map((lines) => `${lines.join('\n')}\n`);
const tree = fc.record({
  conf: file,
  dropIn: fc.option(file, { nil: undefined }),
  subimage: fc.option(file, { nil: undefined }),
  include: file,
  argv: fc.array(fc.tuple(fc.constantFrom('ImageId', 'Packages', 'WithDocs', 'Profiles', 'Include', 'Environment'), value), { maxLength: 3 }),
});

describe('fuzzing the loader', () => {
  test('every mutated config loads or fails with ConfigInvalid', async () => {
    const root = await tempDir('mkb-fuzz-');
    let n = 0;
    await fc.assert(
      fc.asyncProperty(tree, async (t) => {
        const dir = join(root, String(n++));
        mkdirSync(join(dir, 'mkosi.conf.d'), { recursive: true });
        mkdirSync(join(dir, 'sub'));
        writeFileSync(join(dir, 'mkosi.conf'), t.conf);
        writeFileSync(join(dir, 'sub.conf'), t.include);
        if (t.dropIn) writeFileSync(join(dir, 'mkosi.conf.d/10.conf'), t.dropIn);
        if (t.subimage) {
          mkdirSync(join(dir, 'mkosi.images'));
          writeFileSync(join(dir, 'mkosi.images/s.conf'), t.subimage);
        }
        try {
          const loaded = await loadTree(dir, { cli: t.argv.map(([k, v]) => cli(k, v)) });
          expect(loaded.images.at(-1)?.['Image']).toBe('main');
        } catch (error) {
          if (!(error instanceof ConfigInvalid)) throw error;
          expect(error.diagnostics.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000, seed: 20261125 },
    );
  }, 60_000);
});
