import { execa } from 'execa';
import { walkTree } from '../../util/walk-tree.js';

/** Output compressions mkosi can actually produce (bz2/lz4/lzma parse but have no compressor). */
export type Compression = 'zstd' | 'xz' | 'gz' | 'none';

export const COMPRESSION_SUFFIX: Readonly<Record<Compression, string>> = { zstd: '.zst', xz: '.xz', gz: '.gz', none: '' };

/** Paths mkosi leaves out of archives: the contents of API file systems and temporary directories. */
const ARCHIVE_EXCLUDES = ['./dev/*', './proc/*', './sys/*', './tmp/*', './run/*', './var/tmp/*'];

export interface ArchiveOptions {
  readonly root: string;
  readonly dest: string;
  readonly signal: AbortSignal;
  /**
   * SourceDateEpoch: every member's mtime is recorded as this (the tree itself is not touched). Not only
   * newer ones, as mkosi clamps: the store keeps no mtimes, so a tree's own depend on how it was stored.
   */
  readonly mtime?: number;
}

/**
 * A reproducible tar of `root`: sorted members, numeric root ownership kept as in the tree, pax
 * headers without atime/ctime, xattrs and ACLs, like mkosi's tar output.
 */
export async function writeTar(options: ArchiveOptions): Promise<void> {
  await execa('tar', [
    '--create', `--file=${options.dest}`, `--directory=${options.root}`, '--sort=name', '--numeric-owner',
    '--acls', '--xattrs', '--xattrs-include=*', '--sparse', '--force-local',
    '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime', '--format=pax',
    ...ARCHIVE_EXCLUDES.map((pattern) => `--exclude=${pattern}`),
    ...(options.mtime === undefined ? [] : [`--mtime=@${options.mtime}`]),
    '.',
  ], { cancelSignal: options.signal, stdin: 'ignore' });
}


/** A reproducible newc cpio of `root` (sorted names, renumbered inodes), like mkosi's cpio output. */
export async function writeCpio(options: ArchiveOptions): Promise<void> {
  const names = ['.', ...walkTree(options.root).map((path) => `./${path}`)].sort();
  await execa('cpio', ['--create', '--reproducible', '--renumber-inodes', '--null', '--format=newc', '--quiet', `--file=${options.dest}`], {
    cwd: options.root, input: names.join('\0') + '\0', cancelSignal: options.signal,
  });
}

export interface CompressOptions {
  readonly source: string;
  readonly dest: string;
  readonly compression: Exclude<Compression, 'none'>;
  readonly level: number;
  readonly signal: AbortSignal;
}

/** Compresses `source` into `dest` with the host compressor, as mkosi does (gzip without names, so it is reproducible). */
export async function compressFile(options: CompressOptions): Promise<void> {
  const argv: Record<Exclude<Compression, 'none'>, readonly string[]> = {
    zstd: ['zstd', '-q', `-${options.level}`, '-T0', '-c'],
    xz: ['xz', '--check=crc32', `-${options.level}`, '-T0', '-c'],
    gz: ['gzip', '--no-name', `-${Math.max(1, Math.min(9, options.level))}`, '-c'],
  };
  const [file, ...args] = argv[options.compression];
  // Files on both ends and no buffering: execa buffers stdout by default, and fails past 100 MB.
  await execa(file as string, args, { stdin: { file: options.source }, stdout: { file: options.dest }, buffer: false, cancelSignal: options.signal });
}
