import { renderFailure } from '../../../errors/render.js';
import type { GraphFormat } from '../../../graph/graph-formats.js';
import { graphView, renderGraph } from '../../../graph/graph-formats.js';
import { planStates } from '../../../graph/plan-state.js';
import { engineEnvironment } from '../../engine/engine-environment.js';
import { EXIT } from '../../engine/exit.js';
import { loadPlan } from '../../engine/load-plan.js';
import { openStore } from '../../engine/open-store.js';
import type { EngineRuntime } from '../../engine/runtime.js';

export interface GraphActionOptions {
  readonly planFile?: string;
  readonly cacheDir?: string;
  readonly format: GraphFormat;
}

/** `mkb graph`: the plan as DOT, Mermaid or JSON, each node labelled with state, key prefix and last duration. */
export async function graphAction(options: GraphActionOptions, runtime: EngineRuntime): Promise<number> {
  const store = await openStore({ cacheDir: options.cacheDir, runtime, warn: (m) => runtime.err(`⚠ ${m}\n`) });
  try {
    const plan = await loadPlan({ planFile: options.planFile, store });
    if (!plan.ok) {
      runtime.err(`${plan.error.map(renderFailure).join('\n')}\n`);
      return EXIT.usage;
    }
    const states = await planStates({
      plan: plan.value.plan, kinds: plan.value.kinds, store, environment: engineEnvironment(store, runtime),
    });
    runtime.out(renderGraph(graphView(plan.value.plan, states), options.format));
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
