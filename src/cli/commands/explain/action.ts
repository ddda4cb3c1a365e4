import type { LatestEntry } from '../../../cache/types.js';
import type { LocalStore } from '../../../cache/local-store.js';
import type { Failure } from '../../../errors/failures.js';
import { renderFailure } from '../../../errors/render.js';
import { ok } from '../../../errors/result.js';
import type { Result } from '../../../errors/result.js';
import type { NodeState } from '../../../graph/plan-state.js';
import { planStates } from '../../../graph/plan-state.js';
import type { KeyPreimage } from '../../../graph/keys.js';
import { describeChange, diffPreimages } from '../../../graph/preimage-diff.js';
import type { PlanInput } from '../../../graph/types.js';
import { engineEnvironment } from '../../engine/engine-environment.js';
import { EXIT } from '../../engine/exit.js';
import { loadPlan } from '../../engine/load-plan.js';
import { openStore } from '../../engine/open-store.js';
import type { EngineRuntime } from '../../engine/runtime.js';

export interface ExplainActionOptions {
  readonly planFile?: string;
  /** The plan compiled from an mkosi configuration (`mkb -C DIR explain`); may consult the store's history. */
  readonly planInput?: (store: LocalStore) => Result<PlanInput, Failure[]>;
  readonly cacheDir?: string;
  /** CacheDirectory= of the main image, when the config sets it. */
  readonly cacheDirectory?: string;
  /** `IMAGE:NODE` or a node id; without it, every node. */
  readonly node?: string;
}

const indent = (lines: readonly string[]): string[] => lines.map((l) => `  ${l}`);

/** Why a node that is up to date got its key in the build that last changed it (the store keeps the key before). */
function lastRebuild(latest: LatestEntry | undefined, now: { key: string; preimage: KeyPreimage }): string[] {
  if (latest === undefined) return [];
  if (latest.key !== now.key) {
    // An older output fits again (e.g. a setting switched back): say what differs from the last build.
    return ['an earlier output fits; changed since the last build:', ...indent(diffPreimages(latest.preimage, now.preimage).map(describeChange))];
  }
  if (latest.previous === undefined) return ['built once; nothing changed since'];
  const changes = diffPreimages(latest.previous.preimage, latest.preimage);
  return changes.length === 0 ? [] : ['last changed because:', ...indent(changes.map(describeChange))];
}

function explainLines(id: string, s: NodeState, latest: LatestEntry | undefined): string[] {
  switch (s.state) {
    case 'cached': {
      const head = `${id}: up to date (key ${s.key.slice(0, 12)}, from cache)`;
      return [head, ...indent(lastRebuild(latest, s))];
    }
    case 'error':
      return [`${id}: cannot compute its key: ${s.message}`];
    case 'blocked':
      return [`${id}: waits for ${s.after.join(', ')}, which will be rebuilt; it is rebuilt too unless their output is unchanged`];
    case 'to-build':
      switch (s.why.reason) {
        case 'never-built': return [`${id}: never built`];
        case 'evicted': return [`${id}: unchanged since the last build, but its output was evicted from the store`];
        case 'not-cacheable': return [`${id}: its kind cannot declare all inputs, so it always runs`];
        case 'changed': return [`${id}: changed since the last build:`, ...indent(s.why.changes.map(describeChange))];
      }
  }
}

/**
 * `mkb explain [IMAGE:NODE]`: per node, what changed against the last build (settings old → new, files,
 * upstream digests), or, for a node that is up to date, why the last build that changed it rebuilt it.
 */
export async function explainAction(options: ExplainActionOptions, runtime: EngineRuntime): Promise<number> {
  const store = await openStore({ cacheDir: options.cacheDir, cacheDirectory: options.cacheDirectory, runtime, warn: (m) => runtime.err(`⚠ ${m}\n`) });
  try {
    const planned = options.planInput?.(store) ?? ok(undefined);
    if (!planned.ok) {
      runtime.err(`${planned.error.map(renderFailure).join('\n')}\n`);
      return EXIT.usage;
    }
    const input = planned.value;
    const plan = await loadPlan({ planFile: options.planFile, store, ...(input === undefined ? {} : { input }) });
    if (!plan.ok) {
      runtime.err(`${plan.error.map(renderFailure).join('\n')}\n`);
      return EXIT.usage;
    }
    if (options.node !== undefined && !plan.value.plan.nodes.has(options.node)) {
      runtime.err(`${renderFailure({ code: 'NOT_FOUND', what: 'node', name: options.node, known: plan.value.plan.order })}\n`);
      return EXIT.usage;
    }
    const states = await planStates({
      plan: plan.value.plan, kinds: plan.value.kinds, store, environment: engineEnvironment(store, runtime),
    });
    const ids = options.node !== undefined ? [options.node] : plan.value.plan.order;
    for (const id of ids) {
      const s = states.get(id);
      const spec = plan.value.plan.nodes.get(id)?.spec;
      const described = spec === undefined ? undefined : plan.value.kinds(spec.kind)?.describe?.(spec);
      if (s !== undefined) runtime.out(`${[...explainLines(id, s, store.latest(plan.value.plan.root, id)), ...(described === undefined ? [] : [`  ${described}`])].join('\n')}\n`);
    }
    if (options.node === undefined && [...states.values()].every((s) => s.state === 'cached')) runtime.out('everything is up to date\n');
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
