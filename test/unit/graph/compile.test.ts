import { describe, expect, test } from 'vitest';
import { compilePlan } from '../../../src/graph/compile.js';
import type { NodeInput } from '../../../src/graph/types.js';
import { FakeKind } from '../../helpers/fake-kind.js';

const fake = new FakeKind();
const compile = (nodes: NodeInput[]) => compilePlan({ root: '/r', nodes }, { kinds: (k) => (k === 'fake' ? fake.kind : undefined), knownKinds: ['fake'] });
/** Builds nodes from edges [node, dep]. */
function edges(...pairs: [string, string][]): NodeInput[] {
  const deps = new Map<string, string[]>();
  for (const [n, d] of pairs) {
    deps.set(n, [...(deps.get(n) ?? []), d]);
    if (!deps.has(d)) deps.set(d, []);
  }
  return [...deps].map(([id, ds]) => ({ ...fake.node(id, { deps: ds }), at: { file: 'mkosi.conf', line: id.charCodeAt(0) } }));
}

describe('compilePlan', () => {
  test('orders dependencies first and computes critical paths', () => {
    // c ─► b ─► a
    //  └───────►┘
    const result = compile(edges(['c', 'b'], ['b', 'a'], ['c', 'a']));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.order).toEqual(['a', 'b', 'c']);
    expect(result.value.sinks).toEqual(['c']);
    expect([...result.value.nodes.values()].map((n) => [n.id, n.priority, n.dependents])).toEqual([
      ['a', 3, ['b', 'c']], ['b', 2, ['c']], ['c', 1, []],
    ]);
  });

  test('reports a cycle as a readable chain with where each node came from', () => {
    const result = compile(edges(['a', 'b'], ['b', 'c'], ['c', 'a'], ['d', 'a']));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toEqual([{
      code: 'GRAPH_CYCLE', cycle: ['a', 'b', 'c'],
      at: [{ file: 'mkosi.conf', line: 97 }, { file: 'mkosi.conf', line: 98 }, { file: 'mkosi.conf', line: 99 }],
    }]);
  });

  test('reports a node depending on itself', () => {
    const result = compile(edges(['a', 'a']));
    expect(!result.ok && result.error.map((f) => f.code === 'GRAPH_CYCLE' && f.cycle)).toEqual([['a']]);
  });

  test('collects every problem at once: unknown dependency, unknown kind, duplicate id', () => {
    const result = compile([
      fake.node('a', { deps: ['ghost'] }),
      { id: 'b', spec: { kind: 'nope', image: 'main', settings: {}, params: {} } },
      fake.node('a'),
    ]);
    expect(!result.ok && result.error.map((f) => f.code).sort()).toEqual(['GRAPH_DUPLICATE_NODE', 'GRAPH_UNKNOWN_DEP', 'GRAPH_UNKNOWN_KIND']);
  });
});
