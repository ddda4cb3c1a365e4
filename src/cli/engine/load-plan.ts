import type { LocalStore } from '../../cache/local-store.js';
import type { Failure } from '../../errors/failures.js';
import { err, ok } from '../../errors/result.js';
import type { Result } from '../../errors/result.js';
import { compilePlan } from '../../graph/compile.js';
import type { BuildPlan, PlanInput } from '../../graph/types.js';
import { loadKinds } from '../../nodes/kind-loaders.js';
import type { KindSet } from '../../nodes/kind-loaders.js';
import type { KindLookup } from '../../nodes/types.js';
import { loadPlanFile } from './plan-file.js';

/**
 * The plan source of engine commands. Today that is the internal --plan-file of fixture kinds; the config
 * engine's compiler plugs in here. Last durations from the store feed the critical-path estimates.
 */
export interface LoadedPlan {
  readonly plan: BuildPlan;
  /** The kinds the plan uses, loaded lazily (fixture plans never import distribution kinds). */
  readonly kinds: KindLookup;
}

export async function loadPlan(options: { planFile: string | undefined; store: LocalStore; input?: PlanInput }): Promise<Result<LoadedPlan, readonly Failure[]>> {
  if (options.input !== undefined) {
    return compileWithEstimates(options.input, await loadKinds(options.input.nodes.map((n) => n.spec.kind)), options.store);
  }
  if (options.planFile === undefined) {
    return err([{ code: 'PLAN_INVALID', file: '(none)', message: 'no plan: pass a configuration or --plan-file' }]);
  }
  const loaded = await loadPlanFile(options.planFile, loadKinds);
  if (!loaded.ok) return err([loaded.error]);
  return compileWithEstimates(loaded.value.input, loaded.value.kinds, options.store);
}

function compileWithEstimates(input: PlanInput, kinds: KindSet, store: LocalStore): Result<LoadedPlan, Failure[]> {
  const estimates = new Map<string, number>();
  for (const node of input.nodes) {
    const ms = store.latest(input.root, node.id)?.ms;
    if (ms !== undefined) estimates.set(node.id, ms);
  }
  const plan = compilePlan(input, { kinds: kinds.lookup, knownKinds: kinds.known, estimates });
  return plan.ok ? ok({ plan: plan.value, kinds: kinds.lookup }) : plan;
}
