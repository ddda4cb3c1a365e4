import { renderFailure } from '../../../errors/render.js';
import type { NodeState } from '../../../graph/plan-state.js';
import { planStates } from '../../../graph/plan-state.js';
import { describeChange } from '../../../graph/preimage-diff.js';
import { engineEnvironment } from '../../engine/engine-environment.js';
import { EXIT } from '../../engine/exit.js';
import { loadPlan } from '../../engine/load-plan.js';
import { openStore } from '../../engine/open-store.js';
import type { EngineRuntime } from '../../engine/runtime.js';

export interface ExplainActionOptions {
  readonly planFile?: string;
  readonly cacheDir?: string;
  /** `IMAGE:NODE` or a node id; without it, every node that would not come from the cache. */
  readonly node?: string;
}

function explainLines(id: string, s: NodeState): string[] {
  switch (s.state) {
    case 'cached':
      return [`${id}: up to date (key ${s.key.slice(0, 12)}, from cache)`];
    case 'error':
      return [`${id}: cannot compute its key: ${s.message}`];
    case 'blocked':
      return [`${id}: waits for ${s.after.join(', ')}, which will be rebuilt; it is rebuilt too unless their output is unchanged`];
    case 'to-build':
      switch (s.why.reason) {
        case 'never-built': return [`${id}: never built`];
        case 'evicted': return [`${id}: unchanged since the last build, but its output was evicted from the store`];
        case 'not-cacheable': return [`${id}: its kind cannot declare all inputs, so it always runs`];
        case 'changed': return [`${id}: changed since the last build:`, ...s.why.changes.map((c) => `  ${describeChange(c)}`)];
      }
  }
}

/** `mkb explain [IMAGE:NODE]`: exactly what changed against the last build (settings old → new, files, upstream digests). */
export async function explainAction(options: ExplainActionOptions, runtime: EngineRuntime): Promise<number> {
  const store = await openStore({ cacheDir: options.cacheDir, runtime, warn: (m) => runtime.err(`⚠ ${m}\n`) });
  try {
    const plan = await loadPlan({ planFile: options.planFile, store });
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
    const ids = options.node !== undefined ? [options.node] : plan.value.plan.order.filter((id) => states.get(id)?.state !== 'cached');
    if (ids.length === 0) runtime.out('everything is up to date\n');
    for (const id of ids) {
      const s = states.get(id);
      if (s !== undefined) runtime.out(`${explainLines(id, s).join('\n')}\n`);
    }
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
