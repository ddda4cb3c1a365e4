import type { LocalStore } from '../../../cache/local-store.js';
import type { KeyEnvironment } from '../../../graph/inputs.js';
import type { NodeState } from '../../../graph/plan-state.js';
import { planStates } from '../../../graph/plan-state.js';
import { describeChange } from '../../../graph/preimage-diff.js';
import type { BuildPlan } from '../../../graph/types.js';
import type { KindLookup } from '../../../nodes/types.js';
import type { Write } from '../../../report/reporter.js';

export function describeState(s: NodeState): string {
  switch (s.state) {
    case 'cached':
      return `cached   key ${s.key.slice(0, 12)}`;
    case 'blocked':
      return `pending  after ${s.after.join(', ')} (may still hit the cache if their output is unchanged)`;
    case 'error':
      return `error    ${s.message}`;
    case 'to-build':
      switch (s.why.reason) {
        case 'never-built': return `build    key ${s.key.slice(0, 12)}: never built`;
        case 'evicted': return `build    key ${s.key.slice(0, 12)}: built before, evicted from the store`;
        case 'not-cacheable': return `build    key ${s.key.slice(0, 12)}: kind is not cacheable`;
        case 'changed': return `build    key ${s.key.slice(0, 12)}: ${s.why.changes.map(describeChange).join('; ')}`;
      }
  }
}

/** `build --dry-run`: the plan in build order, each node with its state and why. Runs nothing. */
export async function printDryRun(options: {
  plan: BuildPlan; kinds: KindLookup; store: LocalStore; environment: Omit<KeyEnvironment, 'root'>; write: Write;
}): Promise<void> {
  const states = await planStates({ plan: options.plan, kinds: options.kinds, store: options.store, environment: options.environment });
  const width = Math.max(...options.plan.order.map((id) => id.length));
  for (const id of options.plan.order) {
    const s = states.get(id);
    options.write(`${id.padEnd(width)}  ${s === undefined ? 'unknown' : describeState(s)}\n`);
  }
  const count = (state: NodeState['state']) => [...states.values()].filter((s) => s.state === state).length;
  options.write(`${options.plan.nodes.size} nodes: ${count('cached')} cached, ${count('to-build')} to build, ${count('blocked')} pending\n`);
}
