import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ManifestEntry } from '../../src/cache/tree-manifest.js';
import { scanTree } from '../../src/cache/tree-manifest.js';

/** A directory's entries as the store's manifest of it would record them (DepOutput.entries for fake stores). */
export async function treeEntries(dir: string): Promise<ManifestEntry[]> {
  return Promise.all((await scanTree(dir)).map(async ({ entry, absolute }) => (entry.type === 'file' && entry.hardlink === undefined
    ? { ...entry, digest: createHash('sha256').update(await readFile(absolute)).digest('hex') }
    : entry)));
}
