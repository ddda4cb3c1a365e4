// A zstd-compressed tar written as one frame per chunk of members (tar-chunks.ts): tar and zstd run for
// the chunks the image's last archive does not have, the others are copied from it. Concatenated frames
// are one valid zstd stream (RFC 8878 §3.1), and the chunks' tars, each without its end-of-archive
// blocks but the last, one valid tar.
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { open, readFile, rm } from 'node:fs/promises';
import { setImmediate } from 'node:timers/promises';
import type { FileHandle } from 'node:fs/promises';
import pLimit from 'p-limit';
import { z } from 'zod';
import type { TarChunk } from './tar-chunks.js';

const SHA256 = z.string().regex(/^[0-9a-f]{64}$/);

/** Where an archive's frames are: each frame's chunk key, offset, length and sha256. */
export const FrameTable = z.object({
  /** sha256 of the archive the frames are in. */
  archive: SHA256,
  frames: z.array(z.tuple([SHA256, z.number().int().nonnegative(), z.number().int().positive(), SHA256])),
});
export type FrameTable = z.infer<typeof FrameTable>;

export interface EarlierArchive {
  readonly table: FrameTable;
  /** The archive's bytes (a store blob): a frame taken from it is checked against its sha256 first. */
  readonly path: string;
}

export interface FramedResult {
  readonly table: FrameTable;
  /** Frames copied from the earlier archive, and all frames. */
  readonly reused: number;
  readonly total: number;
}

/**
 * One chunk: its tar (names on stdin) into a file, cut where its end-of-archive blocks start unless it is
 * the last chunk, compressed into the frame file. One process from mkb (forking mkb is the costly part);
 * a file rather than a pipe, as tar writes a pipe one record at a time and a record of one block would
 * make that hundreds of thousands of writes. tar's block listing says where the end-of-archive blocks are.
 */
const CHUNK_SCRIPT = `set -e -o pipefail
tar --create --file="$MKB_TAR" --directory="$MKB_ROOT" --no-recursion --null --files-from=- "$@"
if [ -z "$MKB_LAST" ]; then
  end=$(tar --list --block-number --file="$MKB_TAR" | tail -n 1)
  case "$end" in
    "block "*": ** Block of NULs **"|"block "*": ** End of File **") ;;
    *) echo "no end-of-archive block in $MKB_TAR: $end" >&2; exit 1 ;;
  esac
  blocks=\${end#block }
  truncate --size=$(( \${blocks%%:*} * 512 )) "$MKB_TAR"
fi
zstd -q -"$MKB_LEVEL" --single-thread -f -o "$MKB_FRAME" "$MKB_TAR"`;

/** How frames are made, part of every chunk key: frames made another way are never taken. */
export const FRAMING = 'tar file, cut at its end-of-archive blocks; zstd of the file (1)';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Writes `chunks` of the tree at `root` as a zstd tar at `dest`, tar running with `tarArgs` on each
 * chunk's names. zstd runs single-threaded on a file, so a frame depends only on its chunk, the level and
 * the tools (the caller scopes the earlier table by them). One chunk per core at a time.
 */
export async function writeTarFrames(o: {
  readonly root: string;
  /** Iterated as the chunks are written: a chunk's tar starts before the next is planned. */
  readonly chunks: Iterable<TarChunk>;
  readonly tarArgs: readonly string[];
  readonly dest: string;
  readonly level: number;
  readonly signal: AbortSignal;
  readonly earlier?: EarlierArchive | undefined;
}): Promise<FramedResult> {
  const known = new Map<string, readonly [number, number, string]>();
  for (const [key, offset, length, digest] of o.earlier?.table.frames ?? []) known.set(key, [offset, length, digest]);
  const limit = pLimit(availableParallelism());
  // Ends the pipelines still queued or running when writing fails.
  const stop = new AbortController();
  const signal = AbortSignal.any([o.signal, stop.signal]);
  const { execa } = await import('execa');
  const compress = (chunk: TarChunk, index: number) => limit(async () => {
    signal.throwIfAborted();
    const tar = `${o.dest}.chunk-${index}.tar`;
    const frame = `${o.dest}.frame-${index}`;
    try {
      // --norc: a top-level `bash -c` whose stdin is a socket (Node gives children socketpairs) takes itself for
      // one started by rshd and reads ~/.bashrc, which costs whatever the user's bashrc costs on every chunk.
      await execa('bash', ['--norc', '-c', CHUNK_SCRIPT, 'chunk', ...o.tarArgs], {
        input: chunk.names.join('\0') + '\0', encoding: 'buffer', cancelSignal: signal,
        env: { MKB_ROOT: o.root, MKB_TAR: tar, MKB_FRAME: frame, MKB_LEVEL: `${o.level}`, MKB_LAST: chunk.last ? '1' : '' },
      });
      return await readFile(frame);
    } finally {
      await rm(tar, { force: true });
      await rm(frame, { force: true });
    }
  });
  const earlier = o.earlier === undefined ? undefined : await open(o.earlier.path, 'r').catch(() => undefined);
  const file = await open(o.dest, 'w');
  const whole = createHash('sha256');
  const frames: FrameTable['frames'] = [];
  let offset = 0;
  let reused = 0;
  const pending: { key: string; frame: Promise<{ bytes: Buffer; reused: boolean }> }[] = [];
  let index = 0;
  try {
    for (const chunk of o.chunks) {
      const place = known.get(chunk.key);
      const at = index++;
      const frame = (async () => {
        const copy = place === undefined || earlier === undefined ? undefined : await readFrame(earlier, place);
        return copy === undefined ? { bytes: await compress(chunk, at), reused: false } : { bytes: copy, reused: true };
      })();
      // Awaited in order below; a failure must not also surface as unhandled meanwhile.
      frame.catch(() => undefined);
      pending.push({ key: chunk.key, frame });
      // Lets the chunk's pipeline start before the next chunk is planned (planning reads the whole tree).
      await setImmediate();
    }
    for (const { key, frame } of pending) {
      const { bytes, reused: fromEarlier } = await frame;
      await file.write(bytes);
      whole.update(bytes);
      frames.push([key, offset, bytes.length, sha256(bytes)]);
      offset += bytes.length;
      if (fromEarlier) reused += 1;
    }
  } finally {
    stop.abort();
    await Promise.allSettled(pending.map((p) => p.frame));
    await earlier?.close();
    await file.close();
  }
  return { table: { archive: whole.digest('hex'), frames }, reused, total: frames.length };
}

/** A frame of the earlier archive, or undefined when it is gone or not what the table says. */
async function readFrame(archive: FileHandle, [offset, length, digest]: readonly [number, number, string]): Promise<Buffer | undefined> {
  const bytes = Buffer.alloc(length);
  const { bytesRead } = await archive.read(bytes, 0, length, offset).catch(() => ({ bytesRead: -1 }));
  return bytesRead === length && sha256(bytes) === digest ? bytes : undefined;
}
