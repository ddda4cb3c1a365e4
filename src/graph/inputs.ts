import type { Failure, NodeId } from '../errors/failures.js';
import { err, ok } from '../errors/result.js';
import type { Result } from '../errors/result.js';
import type { AnyNodeKind } from '../nodes/types.js';
import type { KeyPreimage, NodeKey, Sha256 } from './keys.js';
import { keyOf, keyPreimage } from './keys.js';
import type { PlannedNode } from './types.js';
import { missingProgramHint } from '../host/host-packages.js';

/**
 * Describes input paths (relative to root) and everything under an input directory: each path's type, mode
 * and content digest or link target. `exclude` names paths (relative to root, a trailing `*` matching any
 * suffix) left out of a directory's expansion.
 */
export interface FileHasher {
  hash(root: string, paths: readonly string[], exclude?: readonly string[]): Promise<Result<Record<string, string>, { readonly path: string }>>;
}

/** Resolves a host tool to an identity (resolved path and version); undefined when missing. */
export type ToolResolver = (name: string) => Promise<string | undefined>;

export interface KeyEnvironment {
  readonly root: string;
  readonly hasher: FileHasher;
  readonly tools: ToolResolver;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly epoch: number | null;
}

export interface ComputedKey {
  readonly key: NodeKey;
  readonly preimage: KeyPreimage;
}

/** The dependencies whose output digests enter the node's key: all but those the kind declares unkeyed. */
export function keyedDeps(node: PlannedNode, kind: AnyNodeKind): readonly NodeId[] {
  const unkeyed = new Set(kind.unkeyedDeps?.(node.spec) ?? []);
  return node.deps.filter((d) => !unkeyed.has(d));
}

/** Computes a node's key from its dependencies' output digests (in the kind's order). */
export async function computeKey(options: {
  node: PlannedNode; kind: AnyNodeKind; depDigests: readonly { kind: string; digest: Sha256 }[]; environment: KeyEnvironment;
}): Promise<Result<ComputedKey, Failure>> {
  const { node, kind, environment } = options;
  const id: NodeId = node.id;
  const files = await environment.hasher.hash(environment.root, kind.inputFiles(node.spec), kind.inputExcludes?.(node.spec) ?? []);
  if (!files.ok) return err({ code: 'INPUT_MISSING', node: id, path: files.error.path });
  const tools: Record<string, string> = {};
  for (const tool of [...kind.tools(node.spec)].sort()) {
    const identity = await environment.tools(tool);
    if (identity === undefined) {
      return err({ code: 'TOOL_MISSING', node: id, tool, hint: missingProgramHint(tool) });
    }
    tools[tool] = identity;
  }
  const preimage = keyPreimage({
    kind, spec: node.spec, files: files.value, deps: options.depDigests, tools, env: environment.env, epoch: environment.epoch,
    root: environment.root,
  });
  return ok({ key: keyOf(preimage), preimage });
}
