// The output node's published layout, with a finalize tree made by hand: names, what SHA256SUMS covers,
// the manifests and the `<Output>` symlink, as mkosi 27.1 lays them out.
import { createHash } from 'node:crypto';
import { cp, lstat, mkdir, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { outputKind } from '../../../../src/nodes/image/output/output.js';
import type { Settings } from '../../../../src/nodes/types.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { treeEntries } from '../../../helpers/tree-entries.js';

async function finalizedTree(options: { packages: boolean }): Promise<string> {
  const tree = await tempDir();
  await mkdir(join(tree, 'root/etc'), { recursive: true });
  await writeFile(join(tree, 'root/etc/hostname'), 'box\n');
  await mkdir(join(tree, 'out'));
  await mkdir(join(tree, 'meta'));
  await writeFile(join(tree, 'meta/os-release'), 'ID=debian\nIMAGE_ID="small"\n');
  const packages = options.packages ? [{ type: 'deb', name: 'less', version: '590-2', architecture: 'amd64', size: 10 }] : [];
  await writeFile(join(tree, 'meta/packages.json'), JSON.stringify(packages));
  if (options.packages) await writeFile(join(tree, 'meta/changelog'), 'Packages: 1\nSize:     10');
  return tree;
}

/** What one output run may share with the next: the store's memos and blobs, and the finalized tree. */
interface Store {
  readonly memos: Map<string, string>;
  readonly blobs: Map<string, string>;
  readonly tree?: string;
  readonly said: string[];
}

async function runOutput(settings: Settings, options: { packages: boolean; store?: Store } = { packages: true }): Promise<string> {
  const tree = options.store?.tree ?? await finalizedTree(options);
  const outDir = await tempDir();
  const store = options.store;
  // The store's views of the finalized tree, as plain copies (what the node may see is the same).
  const copy = (from: string, dest: string) => cp(join(tree, from), dest, { recursive: true, verbatimSymlinks: true });
  const subtree = async (_dep: unknown, { from, at }: { from: string; at: string }) => {
    await copy(from, join(outDir, at));
    return join(outDir, at);
  };
  const result = await outputKind.run({ kind: 'output', image: 'main', settings, params: { tree: 'main/finalize' } }, {
    node: 'main/output', outDir, root: '/nonexistent', signal: new AbortController().signal, output: (_stream, chunk) => store?.said.push(chunk), progress: () => undefined,
    memo: { recall: (key) => store?.memos.get(key), remember: (key, value) => store?.memos.set(key, value) },
    storedFile: (digest) => Promise.resolve(store?.blobs.get(digest)),
    deps: [{
      id: 'main/finalize', kind: 'finalize', digest: 'd', readOnlyPath: async () => tree, copyTo: (dest) => copy('.', dest), exportSubtree: copy,
      entries: (from) => treeEntries(join(tree, from)),
    }],
    writableTree: subtree,
    reuseTree: async (dep, at) => {
      await subtree(dep, at);
    },
    readOnlyView: (_dep, from) => Promise.resolve(join(tree, from)),
  });
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return outDir;
}

const SMALL: Settings = {
  Format: 'tar', Output: 'small_1.0', ImageId: 'small', ImageVersion: '1.0', Distribution: 'debian', Release: 'bookworm',
  Architecture: 'x86-64', CompressOutput: 'zstd', Checksum: true, ManifestFormat: ['json', 'changelog'], SplitArtifacts: ['os-release'],
};

describe('output layout', () => {
  test('tar: image, split os-release, checksums of both, manifests and the <Output> symlink', async () => {
    const out = await runOutput(SMALL);
    expect((await readdir(out)).sort()).toEqual([
      'small_1.0', 'small_1.0.SHA256SUMS', 'small_1.0.changelog', 'small_1.0.manifest', 'small_1.0.osrelease', 'small_1.0.tar.zst',
    ]);
    expect(await readlink(join(out, 'small_1.0'))).toBe('small_1.0.tar.zst');
    expect(await readFile(join(out, 'small_1.0.osrelease'), 'utf8')).toBe('ID=debian\nIMAGE_ID="small"\n');
    const sums = (await readFile(join(out, 'small_1.0.SHA256SUMS'), 'utf8')).split('\n').filter((l) => l !== '').map((l) => l.split(' *')[1]);
    expect(sums).toEqual(['small_1.0.osrelease', 'small_1.0.tar.zst']);
    expect(await readFile(join(out, 'small_1.0.changelog'), 'utf8')).toBe('Packages: 1\nSize:     10');
    const manifest = await readFile(join(out, 'small_1.0.manifest'), 'utf8');
    expect(manifest.endsWith('}')).toBe(true);
    expect(JSON.parse(manifest)).toEqual({
      manifest_version: 1,
      config: { name: 'small', distribution: 'debian', architecture: 'x86-64', output_format: 'tar', version: '1.0', release: 'bookworm' },
      packages: [{ type: 'deb', name: 'less', version: '590-2', architecture: 'amd64', size: 10 }], extension: {},
    });
    expect(Object.keys(JSON.parse(manifest).config as object)).toEqual(['name', 'distribution', 'architecture', 'output_format', 'version', 'release']);
  });

  test('directory: no symlink (the directory holds the name), and the checksums skip the directory', async () => {
    const out = await runOutput({ ...SMALL, Format: 'directory', ManifestFormat: ['json'], SplitArtifacts: [] });
    expect((await readdir(out)).sort()).toEqual(['small_1.0', 'small_1.0.SHA256SUMS', 'small_1.0.manifest']);
    expect((await lstat(join(out, 'small_1.0'))).isDirectory()).toBe(true);
    expect(await readFile(join(out, 'small_1.0.SHA256SUMS'), 'utf8')).toBe('');
  });

  test('tar: the next archive of the image takes the frames of the last one the store still has', async () => {
    const store = { memos: new Map<string, string>(), blobs: new Map<string, string>(), tree: await finalizedTree({ packages: true }), said: [] as string[] };
    const first = join(await runOutput(SMALL, { packages: true, store }), 'small_1.0.tar.zst');
    expect(store.said).toEqual([]);
    const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');
    // Without the archive (collected from the store) nothing is taken.
    await runOutput(SMALL, { packages: true, store });
    expect(store.said).toEqual([]);
    store.blobs.set(await sha256(first), first);
    const second = join(await runOutput(SMALL, { packages: true, store }), 'small_1.0.tar.zst');
    expect(store.said).toEqual(["tar: 1 of 1 zstd frames taken from the image's last archive\n"]);
    expect(await sha256(second)).toBe(await sha256(first));
  });

  test('an image without packages gets no manifests, as with mkosi', async () => {
    const out = await runOutput({ ...SMALL, Checksum: false }, { packages: false });
    expect((await readdir(out)).sort()).toEqual(['small_1.0', 'small_1.0.osrelease', 'small_1.0.tar.zst']);
  });
});
