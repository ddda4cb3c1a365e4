import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadPlanFile } from '../../../../src/cli/engine/plan-file.js';
import { parseSize } from '../../../../src/cli/engine/parse-size.js';
import { loadKinds } from '../../../../src/nodes/kind-loaders.js';
import { tempDir } from '../../../helpers/temp-dir.js';

describe('internal plan files', () => {
  test('load into a plan input rooted next to the file, params checked by their kind', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'p.json'), JSON.stringify({ nodes: [{ id: 'a', kind: 'fixture-tree', params: { seed: 's', files: 1, bytes: 1 } }] }));
    const result = await loadPlanFile(join(dir, 'p.json'), loadKinds);
    expect(result.ok && result.value.input).toEqual({ root: dir, nodes: [{ id: 'a', spec: { kind: 'fixture-tree', image: 'main', settings: {}, params: { seed: 's', files: 1, bytes: 1 } }, at: { file: join(dir, 'p.json'), line: 1 } }] });
    expect(result.ok && result.value.kinds.known).toEqual(['fixture-merge', 'fixture-tree']);
  });

  test('name the bad field', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'p.json'), JSON.stringify({ nodes: [{ id: 'a', kind: 'fixture-tree', params: { seed: 1 } }] }));
    const result = await loadPlanFile(join(dir, 'p.json'), loadKinds);
    expect(!result.ok && result.error).toMatchObject({ code: 'PLAN_INVALID', message: 'nodes[0].params.seed must be a string' });
  });
});

describe('parseSize', () => {
  test.each([['4096', 4096], ['512M', 512 * 2 ** 20], ['10G', 10 * 2 ** 30], ['1.5K', 1536], ['2GiB', 2 * 2 ** 30]])('%s', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });
  test('rejects nonsense', () => {
    expect(parseSize('lots')).toBeUndefined();
  });
});
