// Getting a lock's files into the package cache. The lock keeps no URIs (a new mirror that resolves the
// same set is the same lock), so whoever installs it asks the metadata snapshot it runs with where the
// files it lacks are served; the sha256 check on download makes any mirror as good as another.
import { mkdir } from 'node:fs/promises';
import { err, ok } from '../../../../errors/result.js';
import type { Result } from '../../../../errors/result.js';
import type { PackageFailure } from '../../package-failure.js';
import { fetchPackages, uncachedEntries } from './apt-fetch.js';
import type { FetchSummary } from './apt-fetch.js';
import { parsePrintUris, pinnedSpecs, recordKey, unknownPackages } from './apt-lock.js';
import type { LocatedEntry, LockEntry } from './apt-lock.js';
import { prepareApt, runApt } from './apt-run.js';
import type { AptContext } from './apt-run.js';

/**
 * URIs by `recordKey` of what apt serves of `entries`. `download` prints exactly these versions with no
 * dependency resolution. It stops at a name or version it does not know (naming it), so those are dropped
 * and the rest asked again; a known version it has no source for it only reports, exiting 0.
 */
async function downloadUris(ctx: AptContext, entries: readonly LockEntry[]): Promise<Result<Map<string, string>, PackageFailure>> {
  await mkdir(ctx.scratch, { recursive: true });
  const apt = await prepareApt(ctx, {});
  let asked = entries;
  for (;;) {
    const r = await runApt(ctx, apt, { argv: [...apt.command('apt-get'), '-qq', '--print-uris', 'download', ...pinnedSpecs(asked)] });
    if (r.ok) return ok(new Map(parsePrintUris(r.value.stdout).map((p) => [recordKey(p.name, p.version, p.architecture), p.uri])));
    const unknown = new Set(r.error.code === 'COMMAND_FAILED' ? unknownPackages(r.error.outputTail) : []);
    const rest = asked.filter((e) => !unknown.has(e.name) && !unknown.has(`${e.name}:${e.architecture}`));
    if (unknown.size === 0 || rest.length === asked.length) return r;
    if (rest.length === 0) return ok(new Map());
    asked = rest;
  }
}

/** Every entry with its URI; PACKAGES_NOT_FOUND names those the snapshot's repositories do not serve. */
export async function locatePackages(ctx: AptContext, entries: readonly LockEntry[]): Promise<Result<LocatedEntry[], PackageFailure>> {
  if (entries.length === 0) return ok([]);
  const uris = await downloadUris(ctx, entries);
  if (!uris.ok) return uris;
  const located: LocatedEntry[] = [];
  const missing: string[] = [];
  for (const e of entries) {
    const uri = uris.value.get(recordKey(e.name, e.version, e.architecture));
    if (uri === undefined) missing.push(`${e.name} ${e.version} ${e.architecture}`);
    else located.push({ ...e, uri });
  }
  if (missing.length > 0) return err({ code: 'PACKAGES_NOT_FOUND', packages: missing, cache: ctx.archives, reason: 'not-in-repositories' });
  return ok(located);
}

export interface FetchLockedOptions extends AptContext {
  /** Entries that carry a URI (just resolved) are fetched from it; the others are located in the metadata. */
  readonly entries: readonly (LockEntry | LocatedEntry)[];
  /** CacheOnly=always: fail with PACKAGES_NOT_FOUND instead of downloading what the cache lacks. */
  readonly cacheOnly: boolean;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Makes every entry present and verified in the package cache, downloading only what it lacks. */
export async function fetchLockedPackages(o: FetchLockedOptions): Promise<Result<FetchSummary, PackageFailure>> {
  const missing = await uncachedEntries(o.archives, o.entries);
  if (missing.length === 0) return ok({ downloaded: 0, reused: o.entries.length, bytes: 0 });
  if (o.cacheOnly) {
    return err({ code: 'PACKAGES_NOT_FOUND', packages: missing.map((e) => `${e.name} ${e.version} ${e.architecture}`), cache: o.archives, reason: 'cache-only' });
  }
  const known = missing.filter((e): e is LocatedEntry => 'uri' in e);
  const located = await locatePackages(o, missing.filter((e) => !('uri' in e)));
  if (!located.ok) return located;
  const fetched = await fetchPackages({
    entries: [...known, ...located.value], archives: o.archives,
    ...(o.signal === undefined ? {} : { signal: o.signal }), ...(o.onProgress === undefined ? {} : { onProgress: o.onProgress }),
  });
  return fetched.ok ? ok({ ...fetched.value, reused: o.entries.length - fetched.value.downloaded }) : fetched;
}
