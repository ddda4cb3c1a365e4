import type { Failure } from '../errors/failures.js';
import type { AnyNodeKind, KindLookup } from '../nodes/types.js';
import type { NodeId, NodeInput, PlanInput } from './types.js';

export interface ValidatedNode {
  readonly input: NodeInput;
  readonly kind: AnyNodeKind;
  readonly deps: readonly NodeId[];
}

/**
 * Checks a plan input node by node and collects every problem (duplicate ids, unknown kinds, dependencies
 * on nodes that are not in the plan) instead of stopping at the first.
 */
export function validatePlanInput(input: PlanInput, kinds: KindLookup, known: readonly string[]): {
  nodes: Map<NodeId, ValidatedNode>; failures: Failure[];
} {
  const failures: Failure[] = [];
  const nodes = new Map<NodeId, ValidatedNode>();
  const seen = new Set<NodeId>();
  for (const node of input.nodes) {
    if (seen.has(node.id)) {
      failures.push({ code: 'GRAPH_DUPLICATE_NODE', node: node.id, ...(node.at ? { at: node.at } : {}) });
      continue;
    }
    seen.add(node.id);
    const kind = kinds(node.spec.kind);
    if (kind === undefined) {
      failures.push({ code: 'GRAPH_UNKNOWN_KIND', node: node.id, kind: node.spec.kind, known });
      continue;
    }
    nodes.set(node.id, { input: node, kind, deps: kind.deps(node.spec) });
  }
  for (const [id, node] of nodes) {
    for (const dep of node.deps) {
      if (!seen.has(dep)) failures.push({ code: 'GRAPH_UNKNOWN_DEP', node: id, dep, ...(node.input.at ? { at: node.input.at } : {}) });
    }
  }
  return { nodes, failures };
}
