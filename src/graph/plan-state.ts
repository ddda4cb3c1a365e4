import type { ExecutorStore } from '../cache/types.js';
import type { NodeId } from '../errors/failures.js';
import type { KindLookup } from '../nodes/types.js';
import type { KeyEnvironment } from './inputs.js';
import { computeKey, keyedDeps } from './inputs.js';
import type { KeyPreimage, NodeKey, Sha256 } from './keys.js';
import type { KeyChange } from './preimage-diff.js';
import { diffPreimages } from './preimage-diff.js';
import type { BuildPlan } from './types.js';

/** What a build would do with a node, and why, computed without running anything (`--dry-run`, explain, graph). */
export type NodeState =
  | { readonly state: 'cached'; readonly key: NodeKey; readonly preimage: KeyPreimage; readonly digest: Sha256; readonly lastMs: number }
  | { readonly state: 'to-build'; readonly key: NodeKey; readonly preimage: KeyPreimage; readonly why: NodeWhy; readonly lastMs?: number }
  | { readonly state: 'blocked'; readonly after: readonly NodeId[]; readonly lastMs?: number }
  | { readonly state: 'error'; readonly message: string };

export type NodeWhy =
  | { readonly reason: 'never-built' }
  | { readonly reason: 'changed'; readonly changes: readonly KeyChange[] }
  | { readonly reason: 'evicted' }
  | { readonly reason: 'not-cacheable' };

/**
 * Walks the plan in order. A node whose dependencies are all cached gets its real key and a store lookup;
 * a node after one that must be rebuilt is 'blocked' (early cut-off may still make it a hit).
 */
export async function planStates(options: {
  plan: BuildPlan; kinds: KindLookup; store: Pick<ExecutorStore, 'lookup' | 'latest'>; environment: Omit<KeyEnvironment, 'root'>;
}): Promise<Map<NodeId, NodeState>> {
  const { plan, store } = options;
  const states = new Map<NodeId, NodeState>();
  for (const id of plan.order) {
    const node = plan.nodes.get(id);
    const kind = node && options.kinds(node.spec.kind);
    if (node === undefined || kind === undefined) continue;
    const latest = store.latest(plan.root, id);
    const lastMs = latest?.ms;
    const depDigests: { kind: string; digest: Sha256 }[] = [];
    const blockers: NodeId[] = [];
    // An unkeyed dependency never changes the key, so it never blocks predicting it.
    for (const dep of keyedDeps(node, kind)) {
      const s = states.get(dep);
      if (s?.state === 'cached') depDigests.push({ kind: plan.nodes.get(dep)?.spec.kind ?? '', digest: s.digest });
      else blockers.push(dep);
    }
    if (blockers.length > 0) {
      states.set(id, { state: 'blocked', after: blockers, ...(lastMs === undefined ? {} : { lastMs }) });
      continue;
    }
    const computed = await computeKey({ node, kind, depDigests, environment: { ...options.environment, root: plan.root } });
    if (!computed.ok) {
      states.set(id, { state: 'error', message: computed.error.code });
      continue;
    }
    const { key, preimage } = computed.value;
    const hit = kind.cacheable ? await store.lookup(key) : undefined;
    if (hit !== undefined) {
      states.set(id, { state: 'cached', key, preimage, digest: hit.digest, lastMs: hit.durationMs });
      continue;
    }
    let why: NodeWhy;
    if (!kind.cacheable) why = { reason: 'not-cacheable' };
    else if (latest === undefined) why = { reason: 'never-built' };
    else if (latest.key === key) why = { reason: 'evicted' };
    else why = { reason: 'changed', changes: diffPreimages(latest.preimage, preimage) };
    states.set(id, { state: 'to-build', key, preimage, why, ...(lastMs === undefined ? {} : { lastMs }) });
  }
  return states;
}
