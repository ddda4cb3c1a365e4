import type { NodeId } from '../errors/failures.js';
import type { NodeState } from './plan-state.js';
import type { BuildPlan } from './types.js';

export const GRAPH_FORMATS = ['dot', 'mermaid', 'json'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

export interface GraphNodeView {
  readonly id: NodeId;
  readonly kind: string;
  readonly image: string;
  readonly deps: readonly NodeId[];
  readonly state: NodeState['state'] | 'unknown';
  readonly key: string | null;
  readonly lastMs: number | null;
  readonly priority: number;
}

/** The plan with each node's state, key prefix and last duration: the data all three formats show. */
export function graphView(plan: BuildPlan, states: ReadonlyMap<NodeId, NodeState>): GraphNodeView[] {
  return plan.order.flatMap((id) => {
    const node = plan.nodes.get(id);
    if (node === undefined) return [];
    const s = states.get(id);
    const key = s !== undefined && 'key' in s ? s.key.slice(0, 12) : null;
    const lastMs = s !== undefined && 'lastMs' in s && s.lastMs !== undefined ? s.lastMs : null;
    return [{ id, kind: node.spec.kind, image: node.spec.image, deps: node.deps, state: s?.state ?? 'unknown', key, lastMs, priority: node.priority }];
  });
}

function label(n: GraphNodeView): string {
  const parts = [n.id, `${n.kind} · ${n.state}`];
  if (n.key !== null) parts.push(`key ${n.key}`);
  if (n.lastMs !== null) parts.push(`last ${n.lastMs}ms`);
  return parts.join('\\n');
}

const DOT_COLOR: Record<GraphNodeView['state'], string> = {
  cached: 'palegreen', 'to-build': 'gold', blocked: 'lightgoldenrod1', error: 'salmon', unknown: 'white',
};

/** Renders the graph; edges point from a node to what it needs. */
export function renderGraph(nodes: readonly GraphNodeView[], format: GraphFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify({ nodes }, null, 2)}\n`;
    case 'dot': {
      const lines = ['digraph mkb {', '  rankdir=BT;', '  node [shape=box, style=filled];'];
      for (const n of nodes) lines.push(`  ${JSON.stringify(n.id)} [label="${label(n).replaceAll('"', '\\"')}", fillcolor=${DOT_COLOR[n.state]}];`);
      for (const n of nodes) for (const d of n.deps) lines.push(`  ${JSON.stringify(n.id)} -> ${JSON.stringify(d)};`);
      return `${lines.join('\n')}\n}\n`;
    }
    case 'mermaid': {
      const ids = new Map(nodes.map((n, i) => [n.id, `n${i}`]));
      const lines = ['flowchart BT'];
      for (const n of nodes) lines.push(`  ${ids.get(n.id)}["${label(n).replaceAll('\\n', '<br/>').replaceAll('"', '#quot;')}"]:::${n.state.replace('-', '')}`);
      for (const n of nodes) for (const d of n.deps) lines.push(`  ${ids.get(n.id)} --> ${ids.get(d)}`);
      lines.push('  classDef cached fill:#b7f0b1;', '  classDef tobuild fill:#ffd966;', '  classDef blocked fill:#fff2b3;', '  classDef error fill:#f4a6a6;');
      return `${lines.join('\n')}\n`;
    }
  }
}
