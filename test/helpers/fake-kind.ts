import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { NodeId } from '../../src/errors/failures.js';
import { ok } from '../../src/errors/result.js';
import type { NodeInput } from '../../src/graph/types.js';
import type { NodeKind, RunContext, RunResult, Settings } from '../../src/nodes/types.js';
import { Deferred } from '../../src/util/deferred.js';

export interface FakeParams {
  readonly deps: readonly NodeId[];
  /** Those of `deps` left out of the key. */
  readonly unkeyed?: readonly NodeId[];
  readonly value: string;
}

/** One call of a fake kind's `run`, held open until the test decides how it ends. */
export interface Invocation {
  readonly ctx: RunContext;
  succeed(files?: Readonly<Record<string, string>>): void;
  fail(message?: string): void;
  /** Ends the run by throwing `error`, as a kind's bug or an I/O error would. */
  crash(error: unknown): void;
}

export interface FakeKindOptions {
  readonly name?: string;
  readonly weight?: number;
  readonly cacheable?: boolean;
  readonly irrelevantSettings?: readonly string[];
  /** Finish every run at once with default output, instead of waiting for the test. */
  readonly auto?: boolean;
}

/** A node kind the test drives: `next(id)` waits for the node to start, then the test succeeds or fails it. */
export class FakeKind {
  readonly kind: NodeKind<FakeParams>;
  readonly #waiters = new Map<NodeId, Deferred<Invocation>[]>();
  readonly #pending = new Map<NodeId, Invocation[]>();
  readonly #runs = new Map<NodeId, number>();
  readonly startOrder: NodeId[] = [];
  readonly #started: Invocation[] = [];
  readonly #startedWaiters: Deferred<Invocation>[] = [];
  running = 0;
  maxRunning = 0;

  constructor(options: FakeKindOptions = {}) {
    this.kind = {
      kind: options.name ?? 'fake',
      version: 1,
      irrelevantSettings: options.irrelevantSettings ?? [],
      env: ['FAKE_ENV'],
      reproducible: true,
      cacheable: options.cacheable ?? true,
      weight: options.weight ?? 1,
      parseParams: (raw) => ok(raw as FakeParams),
      deps: (spec) => spec.params.deps,
      unkeyedDeps: (spec) => spec.params.unkeyed ?? [],
      inputFiles: () => [],
      tools: () => [],
      run: (spec, ctx) => this.#run(spec.params, ctx, options.auto === true),
    };
  }

  node(id: NodeId, options: { deps?: readonly NodeId[]; unkeyed?: readonly NodeId[]; value?: string; settings?: Settings; image?: string } = {}): NodeInput {
    const params: FakeParams = { deps: options.deps ?? [], value: options.value ?? id, ...(options.unkeyed === undefined ? {} : { unkeyed: options.unkeyed }) };
    return { id, spec: { kind: this.kind.kind, image: options.image ?? 'main', settings: options.settings ?? {}, params } };
  }

  runs(id: NodeId): number {
    return this.#runs.get(id) ?? 0;
  }

  started(id: NodeId): boolean {
    return this.runs(id) > 0;
  }

  /** Resolves with the next invocation of node `id` (one already waiting, or the next one to start). */
  next(id: NodeId): Promise<Invocation> {
    const queued = this.#pending.get(id)?.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    const d = new Deferred<Invocation>();
    this.#waiters.set(id, [...(this.#waiters.get(id) ?? []), d]);
    return d.promise;
  }

  /** Resolves with the next invocation of any node, in start order. */
  nextStarted(): Promise<Invocation> {
    const queued = this.#started.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    const d = new Deferred<Invocation>();
    this.#startedWaiters.push(d);
    return d.promise;
  }

  #run(params: FakeParams, ctx: RunContext, auto: boolean): Promise<RunResult> {
    this.#runs.set(ctx.node, this.runs(ctx.node) + 1);
    this.startOrder.push(ctx.node);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    const done = new Deferred<RunResult | { readonly thrown: unknown }>();
    const finish = (result: RunResult | { readonly thrown: unknown }): void => {
      if (done.settled) return;
      this.running--;
      done.resolve(result);
    };
    ctx.signal.addEventListener('abort', () => finish({ ok: false, error: { code: 'CANCELLED', node: ctx.node, reason: 'signal' } }), { once: true });
    const invocation: Invocation = {
      ctx,
      succeed: (files = { out: `${params.value}\n` }) => {
        void writeFiles(ctx.outDir, files).then(() => finish({ ok: true, value: null }));
      },
      fail: (message = 'fake failure') => finish({ ok: false, error: { code: 'NODE_FAILED', node: ctx.node, message } }),
      crash: (error) => finish({ thrown: error }),
    };
    if (auto) invocation.succeed();
    else {
      const anyWaiter = this.#startedWaiters.shift();
      if (anyWaiter !== undefined) anyWaiter.resolve(invocation);
      else this.#started.push(invocation);
      const waiter = this.#waiters.get(ctx.node)?.shift();
      if (waiter !== undefined) waiter.resolve(invocation);
      else this.#pending.set(ctx.node, [...(this.#pending.get(ctx.node) ?? []), invocation]);
    }
    return done.promise.then((result) => {
      if ('thrown' in result) throw result.thrown;
      return result;
    });
  }
}

async function writeFiles(root: string, files: Readonly<Record<string, string>>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}
