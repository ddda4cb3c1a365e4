import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ManifestEntry } from '../../cache/tree-manifest.js';
import { walkTree } from '../../util/walk-tree.js';
import { IMAGE_CHUNKS, planTarChunks } from './tar-chunks.js';
import type { ChunkSizes } from './tar-chunks.js';
import { FRAMING, writeTarFrames } from './tar-frames.js';
import type { EarlierArchive, FramedResult } from './tar-frames.js';

/** Output compressions mkosi can actually produce (bz2/lz4/lzma parse but have no compressor). */
export type Compression = 'zstd' | 'xz' | 'gz' | 'none';

export const COMPRESSION_SUFFIX: Readonly<Record<Compression, string>> = { zstd: '.zst', xz: '.xz', gz: '.gz', none: '' };

/** Paths mkosi leaves out of archives: the contents of API file systems and temporary directories. */
const EXCLUDED_CONTENTS = ['dev', 'proc', 'sys', 'tmp', 'run', 'var/tmp'];
const ARCHIVE_EXCLUDES = EXCLUDED_CONTENTS.map((dir) => `./${dir}/*`);

export interface ArchiveOptions {
  readonly root: string;
  readonly dest: string;
  readonly signal: AbortSignal;
  /** Compressed as it is written (the archiver piped into the compressor), never stored whole uncompressed. */
  readonly compress?: { readonly compression: Exclude<Compression, 'none'>; readonly level: number };
  /**
   * SourceDateEpoch: every member's mtime is recorded as this (the tree itself is not touched). Not only
   * newer ones, as mkosi clamps: the store keeps no mtimes, so a tree's own depend on how it was stored.
   */
  readonly mtime?: number;
  /**
   * zstd only: the tree's stored manifest entries, to write the archive in frames of member chunks
   * (tar-frames.ts), taking those `earlier` has from it.
   */
  readonly frames?: { readonly entries: readonly ManifestEntry[]; readonly earlier?: EarlierArchive | undefined; readonly sizes?: ChunkSizes };
}

/**
 * A reproducible tar of `root`: sorted members, numeric root ownership kept as in the tree, pax
 * headers without atime/ctime, xattrs and ACLs, like mkosi's tar output.
 */
export async function writeTar(options: ArchiveOptions): Promise<FramedResult | undefined> {
  const members = [
    '--sort=name', '--numeric-owner', '--acls', '--xattrs', '--xattrs-include=*', '--sparse', '--force-local',
    '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime', '--format=pax',
    ...(options.mtime === undefined ? [] : [`--mtime=@${options.mtime}`]),
  ];
  if (options.frames !== undefined && options.compress?.compression === 'zstd') {
    const { h32 } = await (await import('xxhash-wasm')).default();
    const chunks = planTarChunks({
      root: options.root, entries: options.frames.entries, sizes: options.frames.sizes ?? IMAGE_CHUNKS, salt: [FRAMING, ...members].join('\0'), nameHash: (name) => h32(name),
      excluded: (path) => EXCLUDED_CONTENTS.some((dir) => path.startsWith(`${dir}/`)),
    });
    return whileFlushing(options.dest, writeTarFrames({
      root: options.root, chunks, tarArgs: members, dest: options.dest, level: options.compress.level, signal: options.signal, earlier: options.frames.earlier,
    }));
  }
  // tar runs the compressor itself, over an OS pipe: nothing of the stream passes through this process.
  const compressor = options.compress === undefined ? [] : [`--use-compress-program=${compressorArgv(options.compress.compression, options.compress.level).join(' ')}`];
  const { execa } = await import('execa');
  await whileFlushing(options.dest, execa('tar', [
    '--create', `--file=${options.dest}`, ...compressor, `--directory=${options.root}`, ...members,
    ...ARCHIVE_EXCLUDES.map((pattern) => `--exclude=${pattern}`), '.',
  ], { stdin: 'ignore', cancelSignal: options.signal }));
  return undefined;
}

/** How often an archive being written is flushed to disk. */
const FLUSH_INTERVAL_MS = 250;

/**
 * Runs `writing` (a process writing `dest`) while flushing what it has written so far to disk, so the
 * store's fsync of the finished archive finds little left to write: the disk works while the compressor
 * does, instead of after it.
 */
async function whileFlushing<T>(dest: string, writing: Promise<T>): Promise<T> {
  // Aborting the wait between flushes, not only ending the loop: the archive is done as soon as `writing` is.
  const stop = new AbortController();
  const flushing = (async () => {
    let file: FileHandle | undefined;
    try {
      for (;;) {
        await sleep(FLUSH_INTERVAL_MS, undefined, { signal: stop.signal });
        file ??= await open(dest, 'r').catch(() => undefined);
        await file?.datasync();
      }
    } finally {
      await file?.close();
    }
  })();
  try {
    return await writing;
  } finally {
    stop.abort();
    await flushing.catch(() => undefined);
  }
}

/** A reproducible newc cpio of `root` (sorted names, renumbered inodes), like mkosi's cpio output. */
export async function writeCpio(options: ArchiveOptions): Promise<void> {
  const names = ['.', ...walkTree(options.root).map((path) => `./${path}`)].sort();
  await archive(options, 'cpio', ['--create', '--reproducible', '--renumber-inodes', '--null', '--format=newc', '--quiet'], {
    cwd: options.root, input: names.join('\0') + '\0',
  });
}

/** Runs an archiver that writes to stdout into `dest`, through the compressor when asked (cpio cannot run one itself). */
async function archive(options: ArchiveOptions, file: string, args: readonly string[], io: { readonly cwd?: string; readonly input?: string; readonly stdin?: 'ignore' }): Promise<void> {
  // Files on both ends and stdout never buffered: execa buffers it by default (even into a pipe), and an
  // image is hundreds of MB. stderr stays buffered for the error message.
  const dest = { stdout: { file: options.dest }, buffer: { stdout: false }, cancelSignal: options.signal } as const;
  const { execa } = await import('execa');
  if (options.compress === undefined) {
    await whileFlushing(options.dest, execa(file, args, { ...io, ...dest }));
    return;
  }
  const [compressor, ...compressorArgs] = compressorArgv(options.compress.compression, options.compress.level);
  await whileFlushing(options.dest, execa(file, args, { ...io, buffer: { stdout: false }, cancelSignal: options.signal }).pipe(compressor as string, compressorArgs, dest));
}

function compressorArgv(compression: Exclude<Compression, 'none'>, level: number): readonly string[] {
  const argv: Record<Exclude<Compression, 'none'>, readonly string[]> = {
    zstd: ['zstd', '-q', `-${level}`, '-T0'],
    xz: ['xz', '--check=crc32', `-${level}`, '-T0'],
    gz: ['gzip', '--no-name', `-${Math.max(1, Math.min(9, level))}`],
  };
  return argv[compression];
}
