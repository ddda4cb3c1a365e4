import type { BigIntStats } from 'node:fs';
import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { err, ok } from '../errors/result.js';
import type { Result } from '../errors/result.js';
import type { FileHasher } from '../graph/inputs.js';
import { sha256Bytes } from './hash-file.js';
import type { StatRecord, StoreIndex } from './store-index.js';

type Xxh64 = (bytes: Uint8Array) => bigint;
let xxh64: Promise<Xxh64> | undefined;

/** xxhash-wasm is loaded only when a file actually changed, so a no-op build never pays for it. */
function loadXxh64(): Promise<Xxh64> {
  xxh64 ??= import('xxhash-wasm').then(async (m) => {
    const api = await m.default();
    return (bytes: Uint8Array) => api.h64Raw(bytes);
  });
  return xxh64;
}

/** A matcher for `exclude` entries: exact root-relative paths, or prefixes written `prefix*`. */
function excludedPath(exclude: readonly string[]): (rel: string) => boolean {
  const exact = new Set(exclude.filter((e) => !e.endsWith('*')).map((e) => normalize(e)));
  const prefixes = exclude.filter((e) => e.endsWith('*')).map((e) => normalize(e.slice(0, -1)));
  return (rel) => {
    const path = normalize(rel);
    return exact.has(path) || prefixes.some((p) => path.startsWith(p));
  };
}

function sameStat(record: StatRecord, s: BigIntStats): boolean {
  return record.dev === String(s.dev) && record.ino === String(s.ino) && record.size === String(s.size)
    && record.mtimeNs === String(s.mtimeNs) && record.ctimeNs === String(s.ctimeNs);
}

/**
 * Digests input files through the store's stat cache: an unchanged (dev, ino, size, mtime_ns, ctime_ns)
 * reuses the recorded SHA-256 without reading the file; a changed stat reads the file and checks XXH64
 * first, so a touched but identical file costs one fast hash instead of a SHA-256.
 */
export class StatCacheHasher implements FileHasher {
  readonly #index: StoreIndex;
  readonly #read: (path: string) => Promise<Buffer>;
  /** Records written by this process but maybe not yet committed by LMDB's batched writes. */
  readonly #recent = new Map<string, StatRecord>();

  /** `read` is injectable so tests can prove that unchanged files are not read. */
  constructor(index: StoreIndex, options: { read?: (path: string) => Promise<Buffer> } = {}) {
    this.#index = index;
    this.#read = options.read ?? ((path) => readFile(path));
  }

  async hash(root: string, paths: readonly string[], exclude: readonly string[] = []): Promise<Result<Record<string, string>, { readonly path: string }>> {
    const out: Record<string, string> = {};
    const excluded = excludedPath(exclude);
    for (const rel of [...paths].sort()) {
      const done = await this.#visit({ root, rel, out, excluded });
      if (!done) return err({ path: rel });
    }
    return ok(out);
  }

  async #visit(v: { root: string; rel: string; out: Record<string, string>; excluded: (rel: string) => boolean }): Promise<boolean> {
    const { root, rel, out } = v;
    const abs = join(root, rel);
    const s = await lstat(abs, { bigint: true }).catch(() => undefined);
    if (s === undefined) return false;
    out[rel] = await this.#describe(abs, s);
    if (s.isDirectory()) {
      for (const name of (await readdir(abs)).sort()) {
        const child = `${rel}/${name}`;
        if (!v.excluded(child)) await this.#visit({ ...v, rel: child });
      }
    }
    return true;
  }

  /**
   * What of an input path shapes the trees made from it: type and permission bits (copies keep modes), then
   * the content, the link target or the device number. Owners are left out: trees are copied with their
   * owner reset, and a checkout's owner differs between machines that share a remote cache.
   */
  async #describe(abs: string, s: BigIntStats): Promise<string> {
    const mode = (Number(s.mode) & 0o7777).toString(8).padStart(4, '0');
    if (s.isFile()) return `file:${mode}:${await this.digest(abs, s)}`;
    if (s.isDirectory()) return `dir:${mode}`;
    if (s.isSymbolicLink()) return `symlink:${await readlink(abs)}`;
    // Never opened: reading a FIFO would block. Sockets and devices are copied as nodes too.
    if (s.isFIFO()) return `fifo:${mode}`;
    if (s.isSocket()) return `socket:${mode}`;
    return `${s.isCharacterDevice() ? 'char' : 'block'}:${mode}:${s.rdev}`;
  }

  /** SHA-256 of one file, via the stat cache. */
  async digest(abs: string, s: BigIntStats): Promise<string> {
    const cached = this.#recent.get(abs) ?? this.#index.stat.get(abs);
    if (cached !== undefined && sameStat(cached, s)) return cached.sha256;
    const bytes = await this.#read(abs);
    const fast = (await loadXxh64())(bytes).toString(16);
    const sha256 = cached !== undefined && cached.xxh64 === fast && cached.size === String(s.size) ? cached.sha256 : sha256Bytes(bytes);
    const record: StatRecord = {
      dev: String(s.dev), ino: String(s.ino), size: String(s.size), mtimeNs: String(s.mtimeNs), ctimeNs: String(s.ctimeNs),
      xxh64: fast, sha256,
    };
    this.#recent.set(abs, record);
    void this.#index.stat.put(abs, record);
    return sha256;
  }
}
