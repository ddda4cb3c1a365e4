import type { LeaseRecord, StoreIndex } from './store-index.js';

export interface LeaseOptions {
  readonly index: StoreIndex;
  readonly owner: LeaseRecord;
  /** Whether a process on this host still runs (the CLI passes a `kill(pid, 0)` probe). */
  readonly isAlive: (pid: number) => boolean;
  /** Resolves after `ms`, or early when `signal` aborts. */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly now: () => number;
}

/** A lease held by another host is trusted for this long, since its liveness cannot be probed. */
const FOREIGN_LEASE_MS = 60 * 60_000;

/**
 * Cross-process single-flight: a lease per key in the LMDB index, taken and released in write transactions
 * (LMDB's writer lock serializes them across processes). A lease whose process died is taken over. Within
 * one process, equal keys are serialized by a promise chain. Correctness never depends on leases: they only
 * prevent duplicate work; the store's writes are atomic either way.
 */
export class Leases {
  readonly #o: LeaseOptions;
  readonly #local = new Map<string, Promise<unknown>>();

  constructor(options: LeaseOptions) {
    this.#o = options;
  }

  async with<T>(key: string, signal: AbortSignal, fn: () => Promise<T>): Promise<T | undefined> {
    const before = this.#local.get(key) ?? Promise.resolve();
    const mine = before.then(async () => {
      if (!(await this.#acquire(key, signal))) return undefined;
      try {
        return await fn();
      } finally {
        this.#release(key);
      }
    });
    const settled = mine.catch(() => undefined);
    this.#local.set(key, settled);
    void settled.then(() => {
      if (this.#local.get(key) === settled) this.#local.delete(key);
    });
    return mine;
  }

  #tryTake(key: string): boolean {
    const { index, owner, isAlive, now } = this.#o;
    return index.transaction(() => {
      const current = index.leases.get(key);
      const held = current !== undefined && current.pid !== owner.pid && (current.host === owner.host
        ? isAlive(current.pid)
        : now() - current.since < FOREIGN_LEASE_MS);
      if (held) return false;
      index.leases.putSync(key, { ...owner, since: now() });
      return true;
    });
  }

  async #acquire(key: string, signal: AbortSignal): Promise<boolean> {
    for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
      if (signal.aborted) return false;
      if (this.#tryTake(key)) return true;
      await this.#o.sleep(delay, signal);
    }
  }

  #release(key: string): void {
    const { index, owner } = this.#o;
    index.transaction(() => {
      if (index.leases.get(key)?.pid === owner.pid) index.leases.removeSync(key);
    });
  }
}
