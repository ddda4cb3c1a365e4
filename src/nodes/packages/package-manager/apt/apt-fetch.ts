// fetchPackages: downloads located lock entries into the shared package cache (apt's archives directory),
// verifying each file's sha256 against the lock. Files are written to a temporary name and renamed
// into place, so concurrent builds sharing the cache never see a partial file.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import pLimit from 'p-limit';
import { err, ok } from '../../../../errors/result.js';
import type { Result } from '../../../../errors/result.js';
import type { PackageFailure } from '../../package-failure.js';
import type { LocatedEntry, LockEntry } from './apt-lock.js';
import { sha256File } from './apt-resolve.js';

export interface FetchPackagesOptions {
  readonly entries: readonly LocatedEntry[];
  /** The shared package cache. */
  readonly archives: string;
  /** Parallel downloads. Default 4. */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  /** Called after each package, for progress reporting. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface FetchSummary {
  readonly downloaded: number;
  readonly reused: number;
  readonly bytes: number;
}

async function cachedAndValid(path: string, entry: LockEntry): Promise<boolean> {
  const st = await stat(path).catch(() => undefined);
  if (st === undefined || st.size !== entry.size) return false;
  return (await sha256File(path)) === entry.sha256;
}

async function download(entry: LocatedEntry, tmp: string, signal: AbortSignal | undefined): Promise<string | undefined> {
  if (entry.uri.startsWith('file:')) {
    await copyFile(decodeURIComponent(entry.uri.replace(/^file:(\/\/)?/, '')), tmp);
    return undefined;
  }
  const response = await fetch(entry.uri, signal === undefined ? {} : { signal });
  if (!response.ok || response.body === null) return `HTTP ${response.status} ${response.statusText}`;
  await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), createWriteStream(tmp));
  return undefined;
}

async function fetchOne(entry: LocatedEntry, options: FetchPackagesOptions): Promise<Result<'reused' | 'downloaded', PackageFailure>> {
  const target = join(options.archives, entry.cacheFile);
  if (await cachedAndValid(target, entry)) return ok('reused');
  const tmp = join(options.archives, 'partial', `${entry.cacheFile}.${randomBytes(6).toString('hex')}`);
  try {
    const problem = await download(entry, tmp, options.signal).catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
    if (problem !== undefined) return err({ code: 'DOWNLOAD_FAILED', url: entry.uri, message: problem });
    const actual = await sha256File(tmp);
    if (actual !== entry.sha256) {
      return err({ code: 'CHECKSUM_MISMATCH', file: entry.cacheFile, url: entry.uri, expected: entry.sha256, actual });
    }
    await rename(tmp, target);
    return ok('downloaded');
  } finally {
    await rm(tmp, { force: true });
  }
}

/** The entries whose file is not in `archives` with the locked size and sha256. */
export async function uncachedEntries<E extends LockEntry>(archives: string, entries: readonly E[]): Promise<E[]> {
  const limit = pLimit(4);
  const cached = await Promise.all(entries.map((e) => limit(() => cachedAndValid(join(archives, e.cacheFile), e))));
  return entries.filter((_, i) => cached[i] !== true);
}

/** Makes every entry present and verified in `archives`. */
export async function fetchPackages(options: FetchPackagesOptions): Promise<Result<FetchSummary, PackageFailure>> {
  await mkdir(join(options.archives, 'partial'), { recursive: true });
  const { entries } = options;
  const limit = pLimit(options.concurrency ?? 4);
  let done = 0;
  const results = await Promise.all(entries.map((e) => limit(async () => {
    const r = await fetchOne(e, options);
    options.onProgress?.(++done, entries.length);
    return r;
  })));
  let downloaded = 0;
  let bytes = 0;
  for (const [i, r] of results.entries()) {
    if (!r.ok) return r;
    if (r.value === 'downloaded') {
      downloaded++;
      bytes += entries[i]?.size ?? 0;
    }
  }
  return ok({ downloaded, reused: entries.length - downloaded, bytes });
}
