import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeId } from '../errors/failures.js';
import type { NodeKey } from '../graph/keys.js';
import { Cas } from './cas.js';
import { CorruptBlobError } from './corrupt-blob-error.js';
import { indexFileHealth } from './index-health.js';
import { Leases } from './leases.js';
import type { MaterializeOptions } from './materialize.js';
import { StatCacheHasher } from './stat-cache-hasher.js';
import { INDEX_FORMAT, StoreIndex } from './store-index.js';
import { StoreLayout, tempName } from './store-layout.js';
import { sweepAbandoned } from './sweep.js';
import type { TreeLayer } from './tree-layers.js';
import type { ManifestEntry } from './tree-manifest.js';
import type { TreeSignature } from './update-tree.js';
import type { CommitRequest, ExecutorStore, HistoryEntry, LatestEntry, OutputRecord, TreeUpdateRequest } from './types.js';

export interface LocalStoreOptions {
  readonly root: string;
  readonly pid: number;
  readonly host: string;
  readonly now: () => number;
  readonly random: () => number;
  readonly isAlive: (pid: number) => boolean;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Store problems the build survives (corrupt blob, rebuilt index) go here as warnings. */
  readonly warn: (message: string, hint?: string) => void;
  /** How stale an entry's last-use time may get before a hit refreshes it (default 1 h): LRU needs no more. */
  readonly lastUseGranularityMs?: number;
  /** Flushes the store's filesystem (default: syncfs via `sync -f`); tests observe commit ordering with it. */
  readonly syncFilesystem?: (dir: string) => Promise<void>;
}

/** The local content-addressed store: LMDB index + cas/ blobs + hot trees (DESIGN §4). */
export class LocalStore implements ExecutorStore {
  readonly layout: StoreLayout;
  readonly cas: Cas;
  readonly index: StoreIndex;
  readonly hasher: StatCacheHasher;
  readonly #o: LocalStoreOptions;
  readonly #leases: Leases;
  #historySeq = 0;

  private constructor(options: LocalStoreOptions, index: StoreIndex) {
    this.#o = options;
    this.layout = new StoreLayout(options.root);
    this.cas = new Cas({
      layout: this.layout, pid: options.pid, random: options.random, ...(options.syncFilesystem === undefined ? {} : { syncFilesystem: options.syncFilesystem }),
    });
    this.index = index;
    this.hasher = new StatCacheHasher(index);
    this.#leases = new Leases({
      index, owner: { pid: options.pid, host: options.host, since: 0 }, isAlive: options.isAlive, sleep: options.sleep, now: options.now,
    });
  }

  /** Opens (or creates) a store; a broken or other-format index is moved aside and rebuilt from cas/. */
  static async open(options: LocalStoreOptions): Promise<LocalStore> {
    const layout = new StoreLayout(options.root);
    await mkdir(layout.root, { recursive: true });
    const health = await indexFileHealth(layout.index);
    if (health === 'broken') await moveAside(layout, options, 'its LMDB file is damaged');
    let index = openIndex(layout.index);
    if (index === undefined) {
      await moveAside(layout, options, 'LMDB could not open it');
      index = new StoreIndex(layout.index);
    }
    const format = index.format();
    if (format !== undefined && format !== INDEX_FORMAT) {
      await index.close();
      await moveAside(layout, options, `it has format ${format}, this mkb uses ${INDEX_FORMAT}`);
      index = new StoreIndex(layout.index);
    }
    const store = new LocalStore(options, index);
    if (index.format() === undefined) {
      const { rebuildIndex } = await import('./rebuild-index.js');
      await rebuildIndex({ index, cas: store.cas, layout, warn: options.warn, now: options.now });
      await index.meta.put('format', INDEX_FORMAT);
    }
    await sweepAbandoned(layout, options.isAlive);
    return store;
  }

  get materializeOptions(): MaterializeOptions {
    return { layout: this.layout, cas: this.cas, pid: this.#o.pid, random: this.#o.random };
  }

  async lookup(key: NodeKey): Promise<OutputRecord | undefined> {
    const record = this.index.ac.get(key);
    if (record === undefined) return undefined;
    // Synchronous on purpose: one cheap stat per node on the no-op path, without promise overhead.
    if (!existsSync(this.cas.path(record.digest))) {
      this.#o.warn(`cache entry ${key.slice(0, 12)} names a missing tree ${record.digest.slice(0, 12)}; rebuilding it`);
      await this.dropKey(key);
      return undefined;
    }
    // LRU needs coarse recency only: refreshing rarely means a no-op build does not write.
    const now = this.#o.now();
    if (now - (this.index.lastUse.get(key) ?? 0) > (this.#o.lastUseGranularityMs ?? 60 * 60_000)) void this.index.lastUse.put(key, now);
    return record;
  }

  withLease<T>(key: NodeKey, signal: AbortSignal, fn: () => Promise<T>): Promise<T | undefined> {
    return this.#leases.with(key, signal, fn);
  }

  async newStagingDir(): Promise<string> {
    const dir = join(this.layout.staging, tempName(this.#o.pid, this.#o.random));
    await mkdir(dir, { recursive: true });
    return dir;
  }

  async discardStaging(dir: string, layers: readonly TreeLayer[] = []): Promise<void> {
    for (const layer of layers) await layer.overlay?.unmount();
    await removeOverlayScratch(layers);
    await rm(dir, { recursive: true, force: true });
  }

  async mountTree(request: { readonly digest: string; readonly from: string; readonly dir: string; readonly at: string }): Promise<TreeLayer | undefined> {
    const { mountLayer } = await import('./mount-layer.js');
    return this.#guard(request.digest, () => mountLayer({ ...request, materialize: this.materializeOptions, staging: () => this.newStagingDir() }));
  }

  async commitTree(request: CommitRequest): Promise<OutputRecord> {
    // Loaded on first write: a no-op build never needs the writing half of the store.
    const [{ commitTree }, { writeActionFile }, { keepUpperLayers, recordSeeds }] = await Promise.all([import('./commit-tree.js'), import('./action-file.js'), import('./materialize.js')]);
    const layers = request.layers ?? [];
    const tree = await commitTree(this.cas, request.dir, layers, (digest) => this.layout.tree(digest));
    const uppers = await keepUpperLayers(this.materializeOptions, tree.digest, layers);
    await recordSeeds(this.materializeOptions, tree.digest, layers, uppers);
    await removeOverlayScratch(layers);
    const record: OutputRecord = {
      digest: tree.digest, kind: request.kind, bytes: tree.bytes, files: tree.files, durationMs: request.durationMs, created: this.#o.now(),
    };
    for (const [digest, size] of tree.stored) void this.index.blobs.put(digest, size);
    if (request.cache) {
      await writeActionFile(this.cas, this.layout, { key: request.key, record, preimage: request.preimage });
      // Awaited: the entry must be visible to other processes before the lease is released.
      await Promise.all([
        this.index.preimages.put(request.key, request.preimage),
        this.index.lastUse.put(request.key, record.created),
        this.index.ac.put(request.key, record),
      ]);
    }
    return record;
  }

  /** A read-only view of a stored tree's `from` subtree at `target` (see RunContext.readOnlyView); returns its path and how to release it. */
  async viewTree(request: { readonly digest: string; readonly from: string; readonly target: string }): Promise<{ path: string; release: () => Promise<void> }> {
    const [{ viewLayers, hotTree }, { mountReadOnlyOverlay }] = await Promise.all([import('./materialize.js'), import('./overlay.js')]);
    const lowers = await viewLayers(this.materializeOptions, request.digest, request.from);
    if (lowers === undefined || lowers.length === 1) {
      const path = lowers?.[0] ?? join(await this.#guard(request.digest, () => hotTree(this.materializeOptions, request.digest)), request.from);
      return { path, release: () => Promise.resolve() };
    }
    const unmount = await mountReadOnlyOverlay(lowers, request.target);
    return { path: request.target, release: unmount };
  }

  async readOnlyTree(digest: string): Promise<string> {
    const { hotTree } = await import('./materialize.js');
    return this.#guard(digest, () => hotTree(this.materializeOptions, digest));
  }

  /** Writes a stored tree (or its `from` subtree) to `dest` from its blobs, sharing no inodes with the store. */
  async exportTree(digest: string, dest: string, from = '.', skip: readonly string[] = []): Promise<void> {
    const { exportTree } = await import('./materialize.js');
    await this.#guard(digest, () => exportTree(this.materializeOptions, digest, dest, from, skip));
  }

  async updateTree(request: TreeUpdateRequest): Promise<TreeSignature | undefined> {
    const [{ storedEntries, writeEntries }, { planTreeUpdate, removePaths, signUpdated }] = await Promise.all([import('./materialize.js'), import('./update-tree.js')]);
    const entries = (digest: string) => storedEntries(this.materializeOptions, digest, request.from).catch(() => []);
    const [previous, next] = await Promise.all([entries(request.previous.digest), this.#guard(request.digest, () => entries(request.digest))]);
    // Only a directory that stays a directory (a switch to Format=tar makes the name a symlink).
    const isDir = (entries: readonly ManifestEntry[]) => entries.find((e) => e.path === '.')?.type === 'dir';
    if (!isDir(previous) || !isDir(next)) return undefined;
    const { signature, survey } = request.previous;
    const plan = planTreeUpdate({ dir: request.dir, previous, signature, next, ...(survey === undefined ? {} : { survey }) });
    if (plan === undefined) return undefined;
    removePaths(request.dir, plan.remove);
    await this.#guard(request.digest, () => writeEntries(this.materializeOptions, request.digest, plan.write, request.dir));
    return signUpdated(request.dir, plan);
  }

  async copyTree(digest: string, dest: string): Promise<void> {
    const { copyTreeTo } = await import('./materialize.js');
    await this.#guard(digest, () => copyTreeTo(this.materializeOptions, digest, dest));
  }

  /** A corrupt blob drops every entry whose tree needs it, so the next build rebuilds instead of failing again. */
  async #guard<T>(tree: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof CorruptBlobError) {
        this.#o.warn(`blob ${error.digest.slice(0, 12)} is corrupt; dropped the cache entries that use tree ${tree.slice(0, 12)}`);
        await this.#dropUsersOf(tree, error.digest);
      }
      throw error;
    }
  }

  /**
   * Drops the entries of `tree` and of every other tree that names the blob: trees committed over an overlay
   * or spliced from a reused layer share their lower tree's blobs, and the blob only comes back when a node
   * that writes it (not one that reuses it) runs again. An entry whose manifest cannot be read goes too.
   */
  async #dropUsersOf(tree: string, blob: string): Promise<void> {
    const { loadManifest } = await import('./materialize.js');
    const uses = new Map<string, boolean>();
    const usesBlob = async (digest: string): Promise<boolean> => {
      if (digest === tree || digest === blob) return true;
      let found = uses.get(digest);
      if (found === undefined) {
        const manifest = await loadManifest(this.cas, digest);
        found = manifest === undefined || manifest.entries.some((e) => e.digest === blob);
        uses.set(digest, found);
      }
      return found;
    };
    for (const { key, value } of [...this.index.ac.getRange()]) if (await usesBlob(value.digest)) await this.dropKey(key as NodeKey);
  }

  async dropKey(key: NodeKey): Promise<void> {
    await this.index.ac.remove(key);
    await this.index.preimages.remove(key);
    await this.index.lastUse.remove(key);
    await rm(this.layout.action(key), { force: true });
  }

  /** Whether another live process holds a lease (is building) right now. */
  othersBuilding(): boolean {
    for (const { value } of this.index.leases.getRange()) {
      if (value.pid !== this.#o.pid && (value.host !== this.#o.host || this.#o.isAlive(value.pid))) return true;
    }
    return false;
  }

  recordHistory(entry: HistoryEntry): void {
    void this.index.history.put([entry.at, this.#o.pid, this.#historySeq++], entry);
  }

  /** Keeps the key it replaces as `previous`, so `explain` can still say why the node last rebuilt. */
  recordLatest(root: string, node: NodeId, entry: LatestEntry): void {
    const current = this.index.latest.get([root, node]);
    const previous = current === undefined ? undefined
      : current.key === entry.key ? current.previous : { key: current.key, preimage: current.preimage };
    void this.index.latest.put([root, node], previous === undefined ? entry : { ...entry, previous });
  }

  latest(root: string, node: NodeId): LatestEntry | undefined {
    return this.index.latest.get([root, node]);
  }

  recallMemo(key: string): string | undefined {
    const record = this.index.memos.get(key);
    if (record === undefined) return undefined;
    // Last use orders pruning (collectGarbage), as it orders eviction: coarse, to spare a write per recall.
    const now = this.#o.now();
    if (now - record.at > (this.#o.lastUseGranularityMs ?? 60 * 60_000)) void this.index.memos.put(key, { value: record.value, at: now });
    return record.value;
  }

  rememberMemo(key: string, value: string): void {
    void this.index.memos.put(key, { value, at: this.#o.now() });
  }

  async storedFile(digest: string): Promise<string | undefined> {
    return /^[0-9a-f]{64}$/.test(digest) && (await this.cas.has(digest)) !== undefined ? this.cas.path(digest) : undefined;
  }

  async treeEntries(digest: string, from: string): Promise<readonly ManifestEntry[]> {
    const { storedEntries } = await import('./materialize.js');
    return storedEntries(this.materializeOptions, digest, from);
  }

  history(): HistoryEntry[] {
    return [...this.index.history.getRange()].map(({ value }) => value);
  }

  async close(): Promise<void> {
    await this.index.flushed();
    await this.index.close();
  }
}

/** The private directories of mounted layers (their work dirs, and uppers not kept), once unmounted. */
async function removeOverlayScratch(layers: readonly TreeLayer[]): Promise<void> {
  await Promise.all(layers.map((l) => (l.overlay === undefined ? undefined : rm(l.overlay.scratch, { recursive: true, force: true }))));
}

function openIndex(path: string): StoreIndex | undefined {
  try {
    return new StoreIndex(path);
  } catch {
    return undefined;
  }
}

async function moveAside(layout: StoreLayout, options: LocalStoreOptions, why: string): Promise<void> {
  const aside = `${layout.index}.broken-${options.now()}`;
  await rename(layout.index, aside).catch(() => rm(layout.index, { recursive: true, force: true }));
  options.warn(`the store index was moved aside to ${aside} because ${why}; rebuilding it from cas/`);
}
