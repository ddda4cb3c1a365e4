import { Graph, alg } from '@dagrejs/graphlib';
import type { NodeId } from './types.js';

/**
 * Every cycle of the graph as a readable chain `a → b → … → a` (dependency direction), one per strongly
 * connected component, starting at the component's smallest id so messages are stable.
 */
export function findCycleChains(graph: Graph): NodeId[][] {
  const chains: NodeId[][] = [];
  for (const component of alg.findCycles(graph)) {
    const members = new Set(component);
    const start = [...component].sort()[0];
    if (start === undefined) continue;
    const chain = pathBack(graph, start, members);
    if (chain !== undefined) chains.push(chain);
  }
  return chains.sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''));
}

/** Breadth-first search inside one component for the shortest path from `start` back to itself. */
function pathBack(graph: Graph, start: NodeId, members: ReadonlySet<NodeId>): NodeId[] | undefined {
  const previous = new Map<NodeId, NodeId>();
  const queue: NodeId[] = [start];
  for (let i = 0; i < queue.length; i++) {
    const at = queue[i] as NodeId;
    for (const next of [...(graph.successors(at) ?? [])].sort()) {
      if (!members.has(next)) continue;
      if (next === start) {
        const chain = [at];
        for (let p = previous.get(at); p !== undefined; p = previous.get(p)) chain.unshift(p);
        if (chain[0] !== start) chain.unshift(start);
        return chain;
      }
      if (!previous.has(next) && next !== start) {
        previous.set(next, at);
        queue.push(next);
      }
    }
  }
  return undefined;
}
