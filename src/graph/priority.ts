import type { NodeId } from './types.js';

export interface PriorityInput {
  /** Topological order, dependencies first. */
  readonly order: readonly NodeId[];
  readonly dependents: (id: NodeId) => readonly NodeId[];
  /** Estimated cost of a node: its last duration in ms if known, else its weight. */
  readonly cost: (id: NodeId) => number;
}

/**
 * Critical-path length of each node: its own cost plus the longest chain of dependents after it.
 * Starting ready nodes in decreasing order of this number shortens the whole build (rushstack's scheduler).
 */
export function criticalPaths(input: PriorityInput): Map<NodeId, number> {
  const length = new Map<NodeId, number>();
  for (let i = input.order.length - 1; i >= 0; i--) {
    const id = input.order[i] as NodeId;
    let longest = 0;
    for (const d of input.dependents(id)) longest = Math.max(longest, length.get(d) ?? 0);
    length.set(id, input.cost(id) + longest);
  }
  return length;
}
