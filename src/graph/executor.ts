import { createHash } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CorruptBlobError } from '../cache/corrupt-blob-error.js';
import { MissingProgramError, missingProgramHint } from '../host/host-packages.js';
import type { TreeLayer } from '../cache/tree-layers.js';
import type { ExecutorStore, OutputRecord } from '../cache/types.js';
import type { Failure, NodeId } from '../errors/failures.js';
import { InternalError } from '../errors/internal-error.js';
import type { AnyNodeKind, DepOutput, KindLookup, RunResult, StepMemo } from '../nodes/types.js';
import type { EventInput, EventSink } from '../report/events.js';
import type { FailureMode } from './failure-mode.js';
import type { ComputedKey, KeyEnvironment } from './inputs.js';
import { computeKey, keyedDeps } from './inputs.js';
import type { NodeKey, Sha256 } from './keys.js';
import { shuffled } from './shuffle.js';
import type { BuildPlan, PlannedNode } from './types.js';
import { WorkerPool } from './worker-pool.js';
import { canonicalJson } from '../util/canonical-json.js';

export interface ExecuteOptions {
  readonly plan: BuildPlan;
  readonly kinds: KindLookup;
  readonly store: ExecutorStore;
  readonly environment: Omit<KeyEnvironment, 'root'>;
  /** Worker-pool slots (`-j`). */
  readonly jobs: number;
  readonly failureMode: FailureMode;
  /** Aborted on SIGINT/SIGTERM by the CLI: running nodes are cancelled, nothing new starts. */
  readonly signal: AbortSignal;
  readonly emit: EventSink;
  readonly now: () => number;
  /** Set under MKB_SHUFFLE=1: ready nodes of equal priority start in random order. */
  readonly random?: () => number;
  readonly buildId: string;
  readonly pid: number;
  /** Nodes that run even when the store has their key (`--rerun-build-scripts`); their output replaces the entry. */
  readonly force?: ReadonlySet<NodeId>;
}

/** The per-run record of one node (`NodeRun`): lives only inside the executor and its result. */
export type NodeResult =
  | { readonly status: 'built' | 'cached'; readonly key: NodeKey; readonly digest: Sha256; readonly tainted: boolean; readonly ms: number }
  | { readonly status: 'failed' | 'cancelled' | 'skipped'; readonly failure: Failure };

export interface BuildResult {
  readonly ok: boolean;
  readonly nodes: ReadonlyMap<NodeId, NodeResult>;
  /** Failures of nodes that failed themselves (not of the nodes skipped because of them). */
  readonly failures: readonly Failure[];
}

type CorruptFailure = Extract<Failure, { code: 'CACHE_CORRUPT' }>;

/** A build attempt that found a dependency's cached output corrupt (internal to the executor: it recovers). */
interface CorruptDependency {
  readonly status: 'corrupt-dep';
  readonly dep: NodeId;
  /** The dependency's output digest that could not be read. */
  readonly tree: Sha256;
  readonly failure: CorruptFailure;
}

/** How often one node may find a dependency corrupt and have it rebuilt before the build gives up. */
const MAX_CORRUPT_RETRIES = 2;

/** An exception out of a kind or the store, as a failure of that node (a corrupt dependency blob is typed). */
function thrownFailure(node: NodeId, error: unknown): Failure {
  if (error instanceof CorruptBlobError) return { code: 'CACHE_CORRUPT', node, digest: error.digest, path: error.path };
  if (error instanceof MissingProgramError) return { code: 'TOOL_MISSING', node, tool: error.program, hint: missingProgramHint(error.program) };
  return { code: 'NODE_FAILED', node, message: error instanceof Error ? error.message : String(error), hint: 'an I/O error, or a bug in mkb' };
}

export function execute(options: ExecuteOptions): Promise<BuildResult> {
  return new Executor(options).run();
}

class Executor {
  readonly #o: ExecuteOptions;
  readonly #pool: WorkerPool;
  readonly #abort = new AbortController();
  readonly #results = new Map<NodeId, Promise<NodeResult>>();
  readonly #start: number;
  #stopped: 'signal' | 'failure-mode' | undefined;
  /** Build time the cache hits of this run saved (their original durations). */
  #saved = 0;

  constructor(options: ExecuteOptions) {
    this.#o = options;
    this.#pool = new WorkerPool({ slots: options.jobs, ...(options.random ? { random: options.random } : {}) });
    this.#start = options.now();
  }

  async run(): Promise<BuildResult> {
    const { plan, signal } = this.#o;
    const onAbort = (): void => this.#stop('signal');
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    this.#emit({ type: 'build-start', nodes: plan.nodes.size, jobs: this.#pool.slots, pid: this.#o.pid });
    try {
      const ids = this.#o.random ? shuffled(plan.order, this.#o.random) : plan.order;
      await Promise.all(ids.map((id) => this.#result(id)));
      const nodes = new Map<NodeId, NodeResult>();
      for (const id of plan.order) nodes.set(id, await this.#result(id));
      const all = [...nodes.values()];
      const count = (s: NodeResult['status']): number => all.filter((r) => r.status === s).length;
      const failures = all.flatMap((r) => (r.status === 'failed' || r.status === 'cancelled' ? [r.failure] : []));
      const okBuild = failures.length === 0 && count('skipped') === 0;
      this.#emit({
        type: 'build-done', ok: okBuild, built: count('built'), cached: count('cached'), failed: count('failed') + count('cancelled'),
        skipped: count('skipped'), savedMs: this.#saved,
      });
      return { ok: okBuild, nodes, failures };
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  #emit(event: EventInput): void {
    this.#o.emit({ ...event, t: this.#o.now() - this.#start } as Parameters<EventSink>[0]);
  }

  #stop(reason: 'signal' | 'failure-mode'): void {
    this.#stopped ??= reason;
    this.#pool.close();
    if (reason === 'signal' || this.#o.failureMode === 'kill') this.#abort.abort();
  }

  /** Memoized per node: a node shared by many dependents runs once. */
  #result(id: NodeId): Promise<NodeResult> {
    let result = this.#results.get(id);
    if (result === undefined) {
      const node = this.#o.plan.nodes.get(id);
      if (node === undefined) throw new InternalError(`node ${id} is not in the plan`);
      result = this.#node(node);
      this.#results.set(id, result);
    }
    return result;
  }

  #kind(node: PlannedNode): AnyNodeKind {
    const kind = this.#o.kinds(node.spec.kind);
    if (kind === undefined) throw new InternalError(`kind ${node.spec.kind} vanished after planning`);
    return kind;
  }

  async #node(node: PlannedNode, retries = 0): Promise<NodeResult> {
    const kind = this.#kind(node);
    const order = this.#o.random ? shuffled(node.deps, this.#o.random) : node.deps;
    await Promise.all(order.map((d) => this.#result(d)));
    const deps: { id: NodeId; result: NodeResult }[] = [];
    for (const d of node.deps) deps.push({ id: d, result: await this.#result(d) });
    const depDigests: { kind: string; digest: Sha256 }[] = [];
    const keyed = new Set(keyedDeps(node, kind));
    let tainted = !kind.cacheable;
    const forced = this.#o.force?.has(node.id) === true;
    for (const dep of deps) {
      if (dep.result.status !== 'built' && dep.result.status !== 'cached') {
        return this.#skip(node, { code: 'DEP_FAILED', node: node.id, dep: dep.id });
      }
      if (keyed.has(dep.id)) depDigests.push({ kind: this.#o.plan.nodes.get(dep.id)?.spec.kind ?? '', digest: dep.result.digest });
      tainted ||= dep.result.tainted;
    }
    if (this.#stopped) return this.#skip(node, { code: 'CANCELLED', node: node.id, reason: this.#stopped });
    const computed = await computeKey({ node, kind, depDigests, environment: { ...this.#o.environment, root: this.#o.plan.root } });
    if (!computed.ok) return this.#fail(node, computed.error);
    if (!tainted && !forced) {
      const hit = await this.#o.store.lookup(computed.value.key);
      if (hit) return this.#cached(node, computed.value, hit);
    }
    const release = await this.#pool.acquire({ weight: node.weight, priority: node.priority, name: node.id });
    if (release === undefined) return this.#skip(node, { code: 'CANCELLED', node: node.id, reason: this.#stopped ?? 'signal' });
    let attempt: NodeResult | CorruptDependency | undefined;
    try {
      attempt = await this.#o.store.withLease(computed.value.key, this.#abort.signal, async () => {
        const hit = tainted || forced ? undefined : await this.#o.store.lookup(computed.value.key);
        if (hit) return this.#cached(node, computed.value, hit);
        return this.#build({ node, kind, computed: computed.value, tainted, deps: node.deps });
      });
    } finally {
      release();
    }
    if (attempt === undefined) return this.#skip(node, { code: 'CANCELLED', node: node.id, reason: this.#stopped ?? 'signal' });
    return attempt.status === 'corrupt-dep' ? this.#recover(node, attempt, retries) : attempt;
  }

  /**
   * A dependency's cached output turned out corrupt while this node read it. The store has already dropped
   * the entries of that tree, so the dependency runs again (its lookup misses); then this node is retried.
   */
  async #recover(node: PlannedNode, corrupt: CorruptDependency, retries: number): Promise<NodeResult> {
    const dep = this.#o.plan.nodes.get(corrupt.dep);
    if (dep === undefined || retries >= MAX_CORRUPT_RETRIES) return this.#fail(node, corrupt.failure);
    const current = await this.#result(corrupt.dep);
    // Only the first dependent to notice restarts the dependency; the others wait for that rebuild.
    if ('digest' in current && current.digest === corrupt.tree) {
      this.#emit({
        type: 'warning', message: `the cached output of ${corrupt.dep} is corrupt (${corrupt.failure.path}); rebuilding it for ${node.id}`,
        hint: 'run `mkb cache verify` to check the rest of the store',
      });
      this.#results.set(corrupt.dep, this.#node(dep));
    }
    return this.#node(node, retries + 1);
  }

  #cached(node: PlannedNode, computed: ComputedKey, hit: OutputRecord): NodeResult {
    const { key } = computed;
    this.#saved += hit.durationMs;
    // A no-op build writes nothing: the latest entry only changes when the key does, and history records runs.
    if (this.#o.store.latest(this.#o.plan.root, node.id)?.key !== key) {
      this.#o.store.recordLatest(this.#o.plan.root, node.id, { key, preimage: computed.preimage, digest: hit.digest, ms: hit.durationMs, at: this.#o.now() });
    }
    this.#emit({
      type: 'node-done', node: node.id, kind: node.spec.kind, key, outcome: 'cached', ms: 0, bytes: hit.bytes,
      digest: hit.digest, savedMs: hit.durationMs,
    });
    return { status: 'cached', key, digest: hit.digest, tainted: false, ms: 0 };
  }

  async #build(args: {
    node: PlannedNode; kind: AnyNodeKind; computed: ComputedKey; tainted: boolean; deps: readonly NodeId[];
  }): Promise<NodeResult | CorruptDependency> {
    const { node, kind, computed } = args;
    const { store } = this.#o;
    const dir = await store.newStagingDir();
    const started = this.#o.now();
    this.#emit({ type: 'node-start', node: node.id, kind: kind.kind, key: computed.key });
    const deps = await Promise.all(args.deps.map((id) => this.#depOutput(id)));
    const layers: TreeLayer[] = [];
    const views: (() => Promise<void>)[] = [];
    let result: RunResult;
    try {
      result = await kind.run(node.spec, {
        node: node.id, outDir: dir, root: this.#o.plan.root, signal: this.#abort.signal, deps,
        output: (stream, chunk) => this.#emit({ type: 'node-output', node: node.id, stream, chunk }),
        progress: (done, total) => this.#emit({ type: 'node-progress', node: node.id, done, total }),
        writableTree: async (dep, { from, at }) => {
          const layer = await store.mountTree({ digest: dep.digest, from, dir, at });
          if (layer !== undefined) layers.push(layer);
          return join(dir, at);
        },
        reuseTree: async (dep, { from, at }) => {
          await mkdir(join(dir, at), { recursive: true });
          layers.push({ at, lower: { digest: dep.digest, from } });
        },
        memo: stepMemo(store, { kind: kind.kind, version: kind.version, tools: computed.preimage.tools }),
        storedFile: (digest) => store.storedFile(digest),
        readOnlyView: async (dep, from) => {
          // Outside the output directory: a view is read, never committed.
          const scratch = await store.newStagingDir();
          const view = await store.viewTree({ digest: dep.digest, from, target: join(scratch, 'view') });
          views.push(async () => {
            await view.release();
            await rm(scratch, { recursive: true, force: true });
          });
          return view.path;
        },
      });
    } catch (error) {
      const dep = error instanceof CorruptBlobError ? deps.find((d) => d.digest === error.tree) : undefined;
      if (dep !== undefined) {
        await Promise.all(views.map((release) => release()));
        await store.discardStaging(dir, layers);
        return { status: 'corrupt-dep', dep: dep.id, tree: dep.digest, failure: thrownFailure(node.id, error) as CorruptFailure };
      }
      result = { ok: false, error: thrownFailure(node.id, error) };
    }
    // Views are outside the output directory: they come down while it is committed.
    const released = Promise.all(views.map((release) => release()));
    released.catch(() => undefined);
    const ms = this.#o.now() - started;
    if (!result.ok) {
      await released;
      await store.discardStaging(dir, layers);
      this.#o.store.recordHistory(this.#history(node, computed.key, 'failed', ms));
      return this.#fail(node, result.error);
    }
    let record: OutputRecord;
    try {
      record = await store.commitTree({ key: computed.key, dir, kind: kind.kind, preimage: computed.preimage, durationMs: ms, cache: !args.tainted, layers });
      await released;
    } catch (error) {
      await released.catch(() => undefined);
      await store.discardStaging(dir, layers);
      return this.#fail(node, thrownFailure(node.id, error));
    }
    store.recordLatest(this.#o.plan.root, node.id, { key: computed.key, preimage: computed.preimage, digest: record.digest, ms, at: this.#o.now() });
    store.recordHistory(this.#history(node, computed.key, 'built', ms, record.digest));
    this.#emit({
      type: 'node-done', node: node.id, kind: kind.kind, key: computed.key, outcome: 'built', ms, bytes: record.bytes,
      digest: record.digest, savedMs: 0,
    });
    return { status: 'built', key: computed.key, digest: record.digest, tainted: args.tainted, ms };
  }

  async #depOutput(id: NodeId): Promise<DepOutput> {
    const result = await this.#result(id);
    if (result.status !== 'built' && result.status !== 'cached') throw new InternalError(`dependency ${id} has no output`);
    const { store } = this.#o;
    return {
      id, kind: this.#o.plan.nodes.get(id)?.spec.kind ?? '', digest: result.digest,
      readOnlyPath: () => store.readOnlyTree(result.digest),
      copyTo: (dest) => store.copyTree(result.digest, dest),
      exportSubtree: (from, dest) => store.exportTree(result.digest, dest, from),
      entries: (from) => store.treeEntries(result.digest, from),
    };
  }

  #history(node: PlannedNode, key: NodeKey, outcome: 'built' | 'failed', ms: number, digest?: Sha256) {
    return {
      build: this.#o.buildId, node: node.id, kind: node.spec.kind, key, outcome, ms, pid: this.#o.pid, at: this.#o.now(),
      ...(digest === undefined ? {} : { digest }),
    };
  }

  #fail(node: PlannedNode, failure: Failure): NodeResult {
    const cancelled = failure.code === 'CANCELLED';
    this.#emit({ type: cancelled ? 'node-skipped' : 'node-failed', node: node.id, kind: node.spec.kind, failure });
    if (!cancelled && this.#o.failureMode !== 'continue') this.#stop('failure-mode');
    return { status: cancelled ? 'cancelled' : 'failed', failure };
  }

  #skip(node: PlannedNode, failure: Failure): NodeResult {
    this.#emit({ type: 'node-skipped', node: node.id, kind: node.spec.kind, failure });
    return { status: 'skipped', failure };
  }
}

/** A node's memos (RunContext.memo), apart from other kinds', other versions of its kind's and other tools'. */
function stepMemo(store: ExecutorStore, scope: { readonly kind: string; readonly version: number; readonly tools: Readonly<Record<string, string>> }): StepMemo {
  const prefix = createHash('sha256').update(canonicalJson(scope)).digest('hex');
  return {
    recall: (key) => store.recallMemo(`${prefix}:${key}`),
    remember: (key, value) => store.rememberMemo(`${prefix}:${key}`, value),
  };
}
