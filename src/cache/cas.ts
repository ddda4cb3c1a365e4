import { chmod, link, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import pLimit from 'p-limit';
import { sha256Bytes, sha256File } from './hash-file.js';
import type { StoreLayout } from './store-layout.js';
import { tempName } from './store-layout.js';

export interface CasOptions {
  readonly layout: StoreLayout;
  readonly pid: number;
  readonly random: () => number;
  /** Flushes the filesystem holding `dir` to disk (syncfs); tests substitute it to observe the order of writes. */
  readonly syncFilesystem?: (dir: string) => Promise<void>;
}

/** From this many blobs in one barrier on, one syncfs beats an fsync per blob. */
const SYNCFS_FROM = 64;

/** How many parsed blobs a process keeps: a build reads the manifests of a few trees several times each. */
const PARSED_KEPT = 8;

/** syncfs(2) through coreutils: one barrier for every blob of a commit instead of one fsync per blob. */
async function syncfs(dir: string): Promise<void> {
  const { execa } = await import('execa');
  await execa('sync', ['-f', dir]);
}

/**
 * Blobs by SHA-256 under cas/blobs/ab/<digest>: written to cas/tmp, renamed into place (atomic; a racing
 * writer of the same digest renames identical bytes). Adopted files are made durable together by one
 * `barrier()` before anything names them; a blob torn by a crash before that is caught on read, because
 * blobs this process did not write are verified before they are trusted.
 */
export class Cas {
  readonly #o: CasOptions;
  readonly #trusted = new Set<string>();
  /** Blobs adopted since the last barrier. */
  readonly #unsynced = new Set<string>();
  /** Parsed forms of blobs (tree manifests), least recently used first. Blobs never change, so neither do these. */
  readonly #parsed = new Map<string, unknown>();

  constructor(options: CasOptions) {
    this.#o = options;
  }

  path(digest: string): string {
    return this.#o.layout.blob(digest);
  }

  async has(digest: string): Promise<number | undefined> {
    const s = await stat(this.path(digest)).catch(() => undefined);
    return s?.size;
  }

  /**
   * Puts a finished file into the store (same filesystem) after hashing it; durable after the next
   * `barrier()`. The file is moved, or with `keep` hard-linked, so it stays where it is as part of a hot
   * tree (the two share an inode, and neither may ever be written to).
   */
  async adoptFile(file: string, options: { readonly keep?: boolean } = {}): Promise<{ digest: string; size: number }> {
    const { digest, size } = await sha256File(file);
    const target = this.path(digest);
    await mkdir(dirname(target), { recursive: true });
    // Renaming over an existing identical blob (rather than skipping ours) also restores it if a
    // concurrent gc just deleted it.
    if (options.keep === true) {
      await mkdir(this.#o.layout.tmp, { recursive: true });
      const tmp = join(this.#o.layout.tmp, tempName(this.#o.pid, this.#o.random));
      await link(file, tmp);
      await rename(tmp, target);
    } else {
      await chmod(file, 0o444);
      await rename(file, target);
    }
    this.#trusted.add(digest);
    this.#unsynced.add(target);
    return { digest, size };
  }

  /**
   * Makes every blob adopted so far durable: call it before writing anything that names them. A few blobs
   * are fsynced one by one; many at once take one syncfs, which also flushes other writers of the
   * filesystem and so only pays off for big trees.
   */
  async barrier(): Promise<void> {
    const pending = [...this.#unsynced];
    this.#unsynced.clear();
    if (pending.length >= SYNCFS_FROM) {
      await (this.#o.syncFilesystem ?? syncfs)(this.#o.layout.blobs);
      return;
    }
    const limit = pLimit(16);
    await Promise.all(pending.map((path) => limit(async () => {
      const handle = await open(path, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    })));
  }

  /** Writes bytes as a blob: temp → fsync → rename. */
  async putBytes(bytes: Uint8Array): Promise<string> {
    const digest = sha256Bytes(bytes);
    if (this.#trusted.has(digest)) return digest;
    const tmp = await this.writeTemp(bytes);
    const target = this.path(digest);
    await mkdir(dirname(target), { recursive: true });
    await rename(tmp, target);
    this.#trusted.add(digest);
    return digest;
  }

  /** Writes a file in cas/tmp durably and returns its path (for callers that rename it elsewhere). */
  async writeTemp(bytes: Uint8Array | string): Promise<string> {
    await mkdir(this.#o.layout.tmp, { recursive: true });
    const tmp = join(this.#o.layout.tmp, tempName(this.#o.pid, this.#o.random));
    const handle = await open(tmp, 'w', 0o444);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return tmp;
  }

  /**
   * Checks a blob's content against its digest unless this process wrote or already verified it.
   * A corrupt blob is deleted (so the next writer can restore it) and reported as false.
   */
  async verify(digest: string): Promise<boolean> {
    if (this.#trusted.has(digest)) return true;
    const actual = await sha256File(this.path(digest)).catch(() => undefined);
    if (actual?.digest === digest) {
      this.#trusted.add(digest);
      return true;
    }
    if (actual !== undefined) await rm(this.path(digest), { force: true });
    return false;
  }

  /** Reads a blob, verified; undefined when missing or corrupt. */
  async read(digest: string): Promise<Buffer | undefined> {
    const bytes = await readFile(this.path(digest)).catch(() => undefined);
    if (bytes === undefined) return undefined;
    if (!this.#trusted.has(digest)) {
      if (sha256Bytes(bytes) !== digest) {
        await rm(this.path(digest), { force: true });
        return undefined;
      }
      this.#trusted.add(digest);
    }
    return bytes;
  }

  /**
   * A blob parsed by `parse` (undefined when missing, corrupt or unparsable), from memory when this process
   * parsed or wrote it before and the blob is still there. Callers must not change what they get.
   */
  async readParsed<T>(digest: string, parse: (bytes: Buffer) => T | undefined): Promise<T | undefined> {
    if (this.#parsed.has(digest) && (await this.has(digest)) !== undefined) {
      const value = this.#parsed.get(digest) as T;
      this.rememberParsed(digest, value);
      return value;
    }
    const bytes = await this.read(digest);
    const value = bytes === undefined ? undefined : parse(bytes);
    if (value !== undefined) this.rememberParsed(digest, value);
    return value;
  }

  /** Keeps the parsed form of a blob this process holds (for example a manifest it just wrote). */
  rememberParsed(digest: string, value: unknown): void {
    this.#parsed.delete(digest);
    this.#parsed.set(digest, value);
    for (const oldest of this.#parsed.keys()) {
      if (this.#parsed.size <= PARSED_KEPT) break;
      this.#parsed.delete(oldest);
    }
  }

  forget(digest: string): void {
    this.#trusted.delete(digest);
    this.#parsed.delete(digest);
  }
}
