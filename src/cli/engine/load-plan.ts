import type { LocalStore } from '../../cache/local-store.js';
import type { Failure } from '../../errors/failures.js';
import { err } from '../../errors/result.js';
import type { Result } from '../../errors/result.js';
import { compilePlan } from '../../graph/compile.js';
import type { BuildPlan, PlanInput } from '../../graph/types.js';
import { knownKinds, lookupKind } from '../../nodes/registry.js';
import { loadPlanFile } from './plan-file.js';

/**
 * The plan source of engine commands. Today that is the internal --plan-file of fixture kinds; the config
 * engine's compiler plugs in here. Last durations from the store feed the critical-path estimates.
 */
export async function loadPlan(options: { planFile: string | undefined; store: LocalStore; input?: PlanInput }): Promise<Result<BuildPlan, readonly Failure[]>> {
  if (options.input !== undefined) return compileWithEstimates(options.input, options.store);
  if (options.planFile === undefined) {
    return err([{ code: 'PLAN_INVALID', file: '(none)', message: 'building from mkosi configuration is not wired to the engine yet; pass --plan-file' }]);
  }
  const input = await loadPlanFile(options.planFile, lookupKind);
  if (!input.ok) return err([input.error]);
  return compileWithEstimates(input.value, options.store);
}

function compileWithEstimates(input: PlanInput, store: LocalStore): Result<BuildPlan, Failure[]> {
  const estimates = new Map<string, number>();
  for (const node of input.nodes) {
    const ms = store.latest(node.id)?.ms;
    if (ms !== undefined) estimates.set(node.id, ms);
  }
  return compilePlan(input, { kinds: lookupKind, knownKinds: knownKinds(), estimates });
}
