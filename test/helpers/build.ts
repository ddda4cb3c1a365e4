import type { LocalStore } from '../../src/cache/local-store.js';
import { compilePlan } from '../../src/graph/compile.js';
import type { BuildResult } from '../../src/graph/executor.js';
import { execute } from '../../src/graph/executor.js';
import type { FailureMode } from '../../src/graph/failure-mode.js';
import type { BuildPlan, NodeInput } from '../../src/graph/types.js';
import type { AnyNodeKind } from '../../src/nodes/types.js';
import type { BuildEvent } from '../../src/report/events.js';

/** Compiles nodes of the given kinds into a plan, failing the test on planning errors. */
export function plan(kinds: readonly AnyNodeKind[], nodes: readonly NodeInput[], root = '/nonexistent-root'): BuildPlan {
  const byName = new Map(kinds.map((k) => [k.kind, k]));
  const result = compilePlan({ root, nodes }, { kinds: (k) => byName.get(k), knownKinds: [...byName.keys()] });
  if (!result.ok) throw new Error(`plan failed: ${JSON.stringify(result.error)}`);
  return result.value;
}

export interface RunOptions {
  readonly kinds: readonly AnyNodeKind[];
  readonly store: LocalStore;
  readonly jobs?: number;
  readonly failureMode?: FailureMode;
  readonly signal?: AbortSignal;
  readonly events?: BuildEvent[];
  readonly env?: Readonly<Record<string, string>>;
  readonly shuffle?: boolean;
  readonly force?: ReadonlySet<string>;
}

/** Runs a plan with test defaults; shuffling is on unless a test needs a fixed order. */
export function run(p: BuildPlan, options: RunOptions): Promise<BuildResult> {
  const byName = new Map(options.kinds.map((k) => [k.kind, k]));
  let clock = 0;
  return execute({
    plan: p,
    kinds: (k) => byName.get(k),
    store: options.store,
    environment: { hasher: options.store.hasher, tools: async (t) => `/usr/bin/${t} 1.0`, env: options.env ?? {}, epoch: null },
    jobs: options.jobs ?? 4,
    failureMode: options.failureMode ?? 'no-new',
    signal: options.signal ?? new AbortController().signal,
    emit: (e) => options.events?.push(e),
    now: () => clock++,
    ...(options.shuffle === false ? {} : { random: Math.random }),
    buildId: 'test-build',
    pid: 4242,
    ...(options.force === undefined ? {} : { force: options.force }),
  });
}

export function outcomes(result: BuildResult): Record<string, string> {
  return Object.fromEntries([...result.nodes].map(([id, r]) => [id, r.status]));
}
