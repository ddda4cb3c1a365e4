import { Graph, alg } from '@dagrejs/graphlib';
import type { Failure } from '../errors/failures.js';
import { err, ok } from '../errors/result.js';
import type { Result } from '../errors/result.js';
import type { KindLookup } from '../nodes/types.js';
import { findCycleChains } from './cycles.js';
import { criticalPaths } from './priority.js';
import type { BuildPlan, NodeId, PlannedNode, PlanInput } from './types.js';
import { validatePlanInput } from './validate.js';

export interface CompileOptions {
  readonly kinds: KindLookup;
  readonly knownKinds: readonly string[];
  /** Last known duration per node id (ms), from the store's history; absent nodes cost their weight. */
  readonly estimates?: ReadonlyMap<NodeId, number>;
}

/** Pure: validates a plan input and compiles it into an immutable DAG with critical-path priorities. */
export function compilePlan(input: PlanInput, options: CompileOptions): Result<BuildPlan, Failure[]> {
  const { nodes, failures } = validatePlanInput(input, options.kinds, options.knownKinds);
  if (failures.length > 0) return err(failures);

  // Edges point from a node to what it needs, so cycle chains read in dependency direction.
  const graph = new Graph({ directed: true });
  const ids = [...nodes.keys()].sort();
  for (const id of ids) graph.setNode(id);
  for (const id of ids) for (const dep of nodes.get(id)?.deps ?? []) graph.setEdge(id, dep);

  const cycles = findCycleChains(graph);
  if (cycles.length > 0) {
    return err(cycles.map((cycle) => ({ code: 'GRAPH_CYCLE', cycle, at: cycle.map((id) => nodes.get(id)?.input.at) })));
  }

  const order = alg.topsort(graph).reverse();
  const dependents = new Map<NodeId, NodeId[]>(ids.map((id) => [id, []]));
  for (const id of ids) for (const dep of new Set(nodes.get(id)?.deps)) dependents.get(dep)?.push(id);
  const priority = criticalPaths({
    order,
    dependents: (id) => dependents.get(id) ?? [],
    cost: (id) => options.estimates?.get(id) ?? nodes.get(id)?.kind.weight ?? 1,
  });

  const planned = new Map<NodeId, PlannedNode>();
  for (const id of order) {
    const v = nodes.get(id);
    if (v === undefined) continue;
    planned.set(id, {
      id,
      spec: v.input.spec,
      deps: v.deps,
      dependents: (dependents.get(id) ?? []).sort(),
      weight: v.kind.weight,
      priority: priority.get(id) ?? 0,
      ...(v.input.at ? { at: v.input.at } : {}),
    });
  }
  return ok({ root: input.root, nodes: planned, order, sinks: order.filter((id) => (dependents.get(id) ?? []).length === 0) });
}
