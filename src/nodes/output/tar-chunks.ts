// Splits an image tree's tar members into chunks, each archived and compressed on its own (tar-frames.ts),
// and keys each chunk by everything tar records of its members, so that a chunk whose members did not
// change since the last archive is taken from it without reading a file. Cuts are content-defined: they
// fall where a member's name says, so a change moves no cut outside its own chunk.
import { createHash } from 'node:crypto';
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { ManifestEntry } from '../../cache/tree-manifest.js';

export interface ChunkSizes {
  /** No cut before a chunk holds this many bytes (estimated: headers and data, no extended headers). */
  readonly min: number;
  /** A cut at the first allowed member past this many bytes, whatever the names. */
  readonly max: number;
  /** Past `min`, a member whose name hashes to a multiple of this starts a new chunk. */
  readonly spacing: number;
}

/**
 * The bench image (188 MiB) makes 17 frames, within 0.7% of one whole-stream frame. Each frame costs a tar
 * and a zstd process: on two cores, that image's first tar took 10% longer with a 4 MiB minimum (31 frames).
 */
export const IMAGE_CHUNKS: ChunkSizes = { min: 8 << 20, max: 32 << 20, spacing: 16 };

export interface TarChunk {
  /** Member names as tar is given them (`.`, `./usr`, …), in archive order. */
  readonly names: readonly string[];
  /** sha256 of what tar records of these members, `salt` (tar's arguments) and whether the chunk ends the archive. */
  readonly key: string;
  readonly last: boolean;
}

const BLOCK = 512;

/**
 * The members of the tree at `root` (described by its stored manifest `entries`, in their order) cut into
 * chunks, each yielded as soon as it is cut: its tar can start while the rest is planned. A hardlink group
 * is never cut, as tar stores a path as a link only to one archived before it in the same run.
 */
export function* planTarChunks(o: {
  readonly root: string;
  readonly entries: readonly ManifestEntry[];
  readonly excluded: (path: string) => boolean;
  readonly sizes: ChunkSizes;
  readonly salt: string;
  readonly nameHash: (name: string) => number;
}): Generator<TarChunk> {
  const entries = o.entries.filter((e) => !o.excluded(e.path));
  const digests = new Map<string, string>();
  // The last path of each hardlink group, by its first path.
  const groupEnd = new Map<string, number>();
  entries.forEach((e, i) => {
    if (e.digest !== undefined) digests.set(e.path, e.digest);
    if (e.hardlink !== undefined) groupEnd.set(e.hardlink, i);
  });
  let start = 0;
  let bytes = 0;
  // The last member of a hardlink group that started in this chunk: no cut up to it.
  let openUntil = -1;
  let hash = chunkHash(o.salt);
  let names: string[] = [];
  // Whether tar stores a member as a link to one earlier in the chunk, and which: tar decides by inode.
  let firstOfInode = new Map<bigint, number>();
  const cut = (last: boolean): TarChunk => {
    const chunk = { names, key: hash.update(last ? '\0last' : '\0').digest('hex'), last };
    hash = chunkHash(o.salt);
    names = [];
    firstOfInode = new Map();
    bytes = 0;
    return chunk;
  };
  for (const [i, e] of entries.entries()) {
    const name = e.path === '.' ? '.' : `./${e.path}`;
    if (i > start && i > openUntil && bytes >= o.sizes.min && (bytes >= o.sizes.max || o.nameHash(name) % o.sizes.spacing === 0)) {
      yield cut(false);
      start = i;
    }
    // What tar reads from the tree as it is mounted (times, allocated blocks for --sparse, inodes), beside
    // what the store recorded (content, owners, modes, targets, attributes).
    const s = lstatSync(join(o.root, e.path), { bigint: true });
    let linkTo: number | undefined;
    if (e.type === 'file' && s.nlink > 1n) {
      linkTo = firstOfInode.get(s.ino);
      if (linkTo === undefined) firstOfInode.set(s.ino, i - start);
    }
    const content = e.digest ?? (e.hardlink === undefined ? undefined : digests.get(e.hardlink));
    const xattrs = e.xattrs === undefined ? null : Object.entries(e.xattrs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    hash.update(`\n${JSON.stringify([name, e.type, e.mode, e.uid, e.gid, e.size ?? null, content ?? null, e.target ?? null, e.rdev ?? null, xattrs,
      `${s.mtimeNs}`, `${s.blocks}`, linkTo ?? null])}`);
    names.push(name);
    bytes += BLOCK + Math.ceil((e.size ?? 0) / BLOCK) * BLOCK;
    openUntil = Math.max(openUntil, groupEnd.get(e.path) ?? -1);
  }
  yield cut(true);
}

const chunkHash = (salt: string) => createHash('sha256').update(salt);
