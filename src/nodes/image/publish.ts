// Publishing: puts an image's output tree into OutputDirectory. The tree is copied from the store into a
// staging directory inside OutputDirectory and each entry renamed into place, so a final name never holds
// a half-written file. A record of what was published lets a no-op build copy nothing at all.
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { clampMtimes } from '../finalize/clamp-mtimes.js';
import { pathExists } from './node-support.js';

export interface PublishRecord {
  readonly digest: string;
  /** Top-level names published (files, directories, the `<Output>` symlink). */
  readonly files: readonly string[];
}

export interface PublishOptions {
  /** The output node's tree digest. */
  readonly digest: string;
  readonly outputDir: string;
  /** `Output=`: names the record, so several images can publish into one directory. */
  readonly output: string;
  /** Writes a store tree to a new directory sharing no inodes with the store (the store's exportTree). */
  readonly copyTree: (digest: string, dest: string) => Promise<void>;
  /** Unique per process, for staging names. */
  readonly tag: string;
  /** SourceDateEpoch: the store keeps no mtimes, so published trees are clamped again. */
  readonly clampMtime?: number;
}

export interface PublishResult {
  /** Nothing copied: the directory already held exactly this output. */
  readonly upToDate: boolean;
  readonly files: readonly string[];
  readonly outputDir: string;
}

export const recordPath = (outputDir: string, output: string): string => join(outputDir, `.mkb-published.${output}.json`);

async function readRecord(path: string): Promise<PublishRecord | undefined> {
  try {
    const value = JSON.parse(await readFile(path, 'utf8')) as Partial<PublishRecord>;
    return typeof value.digest === 'string' && Array.isArray(value.files) ? { digest: value.digest, files: value.files } : undefined;
  } catch {
    return undefined;
  }
}

/** Every name an image published into `outputDir` (its record included), for `clean`; none when it never published. */
export async function publishedNames(outputDir: string, output: string): Promise<string[]> {
  const record = await readRecord(recordPath(outputDir, output));
  return record === undefined ? [] : [...record.files, `.mkb-published.${output}.json`];
}

export async function publishOutput(o: PublishOptions): Promise<PublishResult> {
  const record = recordPath(o.outputDir, o.output);
  const previous = await readRecord(record);
  if (previous?.digest === o.digest) {
    const all = await Promise.all(previous.files.map((f) => pathExists(join(o.outputDir, f))));
    if (all.every(Boolean)) return { upToDate: true, files: previous.files, outputDir: o.outputDir };
  }
  await mkdir(o.outputDir, { recursive: true });
  const staging = join(o.outputDir, `.mkb-staging-${o.tag}`);
  await rm(staging, { recursive: true, force: true });
  try {
    await o.copyTree(o.digest, staging);
    if (o.clampMtime !== undefined) await clampMtimes(staging, o.clampMtime);
    const files = (await readdir(staging)).sort();
    for (const name of files) {
      const target = join(o.outputDir, name);
      const old = join(o.outputDir, `.mkb-old-${o.tag}-${name}`);
      const replaced = await pathExists(target);
      if (replaced) await rename(target, old);
      await rename(join(staging, name), target);
      if (replaced) await rm(old, { recursive: true, force: true });
    }
    // Names this image published before and no longer produces (e.g. after switching Format=).
    for (const stale of previous?.files ?? []) {
      if (!files.includes(stale)) await rm(join(o.outputDir, stale), { recursive: true, force: true });
    }
    const tmp = `${record}.${o.tag}`;
    await writeFile(tmp, JSON.stringify({ digest: o.digest, files } satisfies PublishRecord, null, 1) + '\n');
    await rename(tmp, record);
    return { upToDate: false, files, outputDir: o.outputDir };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
