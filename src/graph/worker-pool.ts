/** Returned by `acquire`; call once to give the slots back. */
export type Release = () => void;

interface Waiter {
  readonly weight: number;
  readonly priority: number;
  readonly tie: number | string;
  readonly grant: (release: Release | undefined) => void;
}

export interface WorkerPoolOptions {
  readonly slots: number;
  /** When set, waiters of equal priority are served in random order (MKB_SHUFFLE) instead of FIFO. */
  readonly random?: () => number;
}

/**
 * A weighted counting semaphore that serves the highest-priority waiter first. A node whose weight exceeds
 * the pool takes the whole pool. Strict order (no backfilling) so heavy nodes are never starved.
 */
export class WorkerPool {
  readonly #slots: number;
  readonly #random: (() => number) | undefined;
  #used = 0;
  #drainScheduled = false;
  #waiting: Waiter[] = [];
  #closed = false;

  constructor(options: WorkerPoolOptions) {
    this.#slots = Math.max(1, Math.floor(options.slots));
    this.#random = options.random;
  }

  get slots(): number {
    return this.#slots;
  }

  get inUse(): number {
    return this.#used;
  }

  /** Resolves with a release function, or with undefined once the pool is closed (nothing new starts). */
  acquire(request: { weight: number; priority: number; name: string }): Promise<Release | undefined> {
    if (this.#closed) return Promise.resolve(undefined);
    const weight = Math.min(Math.max(1, request.weight), this.#slots);
    const tie = this.#random === undefined ? request.name : this.#random();
    return new Promise((grant) => {
      this.#waiting.push({ weight, priority: request.priority, tie, grant });
      this.#waiting.sort((a, b) => b.priority - a.priority || (a.tie < b.tie ? -1 : a.tie > b.tie ? 1 : 0));
      this.#scheduleDrain();
    });
  }

  /**
   * Grants slots on the next macrotask, so that every node that became ready in the same turn (their key
   * lookups resolve in microtasks) competes by priority rather than by which promise chain ran first.
   */
  #scheduleDrain(): void {
    if (this.#drainScheduled) return;
    this.#drainScheduled = true;
    setImmediate(() => {
      this.#drainScheduled = false;
      this.#drain();
    });
  }

  /** Refuses every waiting and future request. */
  close(): void {
    this.#closed = true;
    for (const w of this.#waiting.splice(0)) w.grant(undefined);
  }

  #drain(): void {
    while (!this.#closed) {
      const next = this.#waiting[0];
      if (next === undefined || this.#used + next.weight > this.#slots) return;
      this.#waiting.shift();
      this.#used += next.weight;
      let released = false;
      next.grant(() => {
        if (released) return;
        released = true;
        this.#used -= next.weight;
        this.#scheduleDrain();
      });
    }
  }
}
