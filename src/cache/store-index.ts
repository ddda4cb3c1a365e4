import { open } from 'lmdb';
import type { Database, RootDatabase } from 'lmdb';
import type { KeyPreimage } from '../graph/keys.js';
import type { HistoryEntry, LatestEntry, OutputRecord } from './types.js';

/** Bump when the index layout changes; an index of another format is moved aside and rebuilt from cas/. */
export const INDEX_FORMAT = 1;

export interface StatRecord {
  readonly dev: string;
  readonly ino: string;
  readonly size: string;
  readonly mtimeNs: string;
  readonly ctimeNs: string;
  readonly xxh64: string;
  readonly sha256: string;
}

/** A step's remembered effect (RunContext.memo) and when it was last used. */
export interface MemoRecord {
  readonly value: string;
  readonly at: number;
}

export interface LeaseRecord {
  readonly pid: number;
  readonly host: string;
  readonly since: number;
}

/**
 * The LMDB index: small values only (the bytes live in cas/). Every database is a plain key-value map;
 * LMDB transactions are the commit markers, and the index is always written after the blobs it names.
 */
export class StoreIndex {
  readonly #env: RootDatabase;
  readonly meta: Database<number, string>;
  readonly ac: Database<OutputRecord, string>;
  readonly preimages: Database<KeyPreimage, string>;
  readonly lastUse: Database<number, string>;
  readonly blobs: Database<number, string>;
  readonly stat: Database<StatRecord, string>;
  readonly history: Database<HistoryEntry, [number, number, number]>;
  /** Keyed by [plan root, node id]: configurations elsewhere have nodes of the same ids. */
  readonly latest: Database<LatestEntry, [string, string]>;
  readonly leases: Database<LeaseRecord, string>;
  readonly memos: Database<MemoRecord, string>;

  constructor(path: string) {
    this.#env = open({ path, maxDbs: 16, mapSize: 2 ** 32 });
    this.meta = this.#env.openDB({ name: 'meta' });
    this.ac = this.#env.openDB({ name: 'ac' });
    this.preimages = this.#env.openDB({ name: 'preimages' });
    this.lastUse = this.#env.openDB({ name: 'last-use' });
    this.blobs = this.#env.openDB({ name: 'blobs' });
    this.stat = this.#env.openDB({ name: 'stat' });
    this.history = this.#env.openDB({ name: 'history' });
    this.latest = this.#env.openDB({ name: 'latest' });
    this.leases = this.#env.openDB({ name: 'leases' });
    this.memos = this.#env.openDB({ name: 'memos' });
  }

  format(): number | undefined {
    return this.meta.get('format');
  }

  /** Runs `fn` in one synchronous write transaction, serialized across processes by LMDB's writer lock. */
  transaction<T>(fn: () => T): T {
    return this.#env.transactionSync(fn);
  }

  /** Waits until every queued write is committed. */
  async flushed(): Promise<void> {
    await this.#env.committed;
    await this.#env.flushed;
  }

  async close(): Promise<void> {
    await this.#env.close();
  }
}
