import { describe, expect, test } from 'vitest';
import type { Failure } from '../../../src/errors/failures.js';
import { renderFailure } from '../../../src/errors/render.js';

/** One example of every failure code: the rendered text is product surface (R18). */
const EXAMPLES: Record<Failure['code'], Failure> = {
  GRAPH_CYCLE: { code: 'GRAPH_CYCLE', cycle: ['main:final', 'tools:final'], at: [{ file: 'mkosi.conf', line: 3 }, undefined] },
  GRAPH_UNKNOWN_DEP: { code: 'GRAPH_UNKNOWN_DEP', node: 'main:final', dep: 'ghost', at: { file: 'plan.json' } },
  GRAPH_DUPLICATE_NODE: { code: 'GRAPH_DUPLICATE_NODE', node: 'a' },
  GRAPH_UNKNOWN_KIND: { code: 'GRAPH_UNKNOWN_KIND', node: 'a', kind: 'nope', known: ['fixture-merge', 'fixture-tree'] },
  PLAN_INVALID: { code: 'PLAN_INVALID', file: 'plan.json', message: 'nodes[0].id must be a string' },
  NODE_COMMAND_FAILED: {
    code: 'NODE_COMMAND_FAILED', node: 'base', argv: ['dnf', 'install', 'vim'], exitCode: 1, signal: null,
    stderrTail: 'Error: no match', logFile: 'out/.mkb-logs/base.log',
  },
  NODE_FAILED: { code: 'NODE_FAILED', node: 'a', message: 'fixture asked to fail' },
  INPUT_MISSING: { code: 'INPUT_MISSING', node: 'a', path: 'mkosi.extra/motd' },
  TOOL_MISSING: { code: 'TOOL_MISSING', node: 'a', tool: 'mkfs.btrfs', hint: 'install btrfs-progs' },
  DEP_FAILED: { code: 'DEP_FAILED', node: 'b', dep: 'a' },
  CACHE_CORRUPT: { code: 'CACHE_CORRUPT', node: 'a', digest: 'abcdef0123456789', path: '/cache/cas/blobs/ab/abcdef' },
  CANCELLED: { code: 'CANCELLED', node: 'a', reason: 'signal' },
  NOT_FOUND: { code: 'NOT_FOUND', what: 'node', name: 'x', known: ['a', 'b'] },
};

describe('renderFailure', () => {
  for (const [code, failure] of Object.entries(EXAMPLES)) {
    test(code, () => {
      expect(renderFailure(failure)).toMatchSnapshot();
    });
  }

  test('every message starts with ✗ and says what happened', () => {
    for (const f of Object.values(EXAMPLES)) expect(renderFailure(f)).toMatch(/^✗ \S/);
  });
});
