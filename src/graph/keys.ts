import { createHash } from 'node:crypto';
import type { AnyNodeKind, NodeSpec } from '../nodes/types.js';
import { settingsPreimage } from '../nodes/settings-preimage.js';
import { canonicalJson, toCanonical } from '../util/canonical-json.js';
import type { CanonicalValue } from '../util/canonical-json.js';

/** Bump when the pre-image format changes. */
export const KEY_SCHEMA = 1;
/** Bump when the engine changes what a node's output means (narrower than the mkb version). */
export const ENGINE_ABI = 1;

export type NodeKey = string & { readonly __brand: 'NodeKey' };
export type Sha256 = string;

/**
 * Everything that determines a node's output. Stored next to each cache entry so `mkb explain` can say
 * what changed. No absolute paths, no timestamps, no node ids (images share nodes with equal inputs).
 */
export interface KeyPreimage {
  readonly schema: number;
  readonly engine: number;
  readonly kind: string;
  readonly kindVersion: number;
  readonly settings: Readonly<Record<string, CanonicalValue>>;
  readonly params: CanonicalValue;
  /** Input file digests by path relative to the plan root. */
  readonly files: Readonly<Record<string, Sha256>>;
  /** Upstream output digests (early cut-off), in the kind's dependency order. */
  readonly deps: readonly { readonly kind: string; readonly digest: Sha256 }[];
  /** Tool identities (resolved path and version, or a tools-tree digest). */
  readonly tools: Readonly<Record<string, string>>;
  /** Allow-listed environment variables the kind declared. */
  readonly env: Readonly<Record<string, string>>;
  readonly epoch: number | null;
}

export interface KeyInputs {
  readonly kind: AnyNodeKind;
  readonly spec: NodeSpec;
  readonly files: Readonly<Record<string, Sha256>>;
  readonly deps: readonly { readonly kind: string; readonly digest: Sha256 }[];
  readonly tools: Readonly<Record<string, string>>;
  /** The whole environment as the CLI captured it; only the kind's declared names are kept. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** SOURCE_DATE_EPOCH, when set. */
  readonly epoch: number | null;
  /** The plan root (checkout); absolute paths under it are hashed relative to it. */
  readonly root?: string;
}

/** Marks the plan root in hashed settings, so a checkout's location never reaches a key. */
export const ROOT_MARKER = '${root}';

/**
 * Rewrites absolute paths inside the checkout (the plan root) to `${root}/…`, recursively. Paths outside it
 * (e.g. /var/cache/…) stay absolute: they are the same wherever the checkout is.
 */
export function relativizeRoot(value: unknown, root: string | undefined): unknown {
  if (root === undefined || root === '' || root === '/') return value;
  if (typeof value === 'string') {
    if (value === root) return ROOT_MARKER;
    return value.startsWith(`${root}/`) ? `${ROOT_MARKER}${value.slice(root.length)}` : value;
  }
  if (Array.isArray(value)) return value.map((v: unknown) => relativizeRoot(v, root));
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, relativizeRoot(v, root)]));
  }
  return value;
}

/** Stands in the key for the id of an unkeyed dependency named in a node's params. */
export const UNKEYED_DEP_MARKER = '${unkeyed-dep}';

/** Replaces the ids of unkeyed dependencies in params: which node they are must not reach the key either. */
function maskUnkeyedDeps(value: unknown, ids: ReadonlySet<string>): unknown {
  if (ids.size === 0) return value;
  if (typeof value === 'string') return ids.has(value) ? UNKEYED_DEP_MARKER : value;
  if (Array.isArray(value)) return value.map((v: unknown) => maskUnkeyedDeps(v, ids));
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskUnkeyedDeps(v, ids)]));
  }
  return value;
}

export function keyPreimage(inputs: KeyInputs): KeyPreimage {
  const env: Record<string, string> = {};
  for (const name of [...inputs.kind.env].sort()) {
    const value = inputs.env[name];
    if (value !== undefined) env[name] = value;
  }
  const settings = toCanonical(relativizeRoot(settingsPreimage(inputs.kind, inputs.spec.settings), inputs.root), '$.settings') as Record<string, CanonicalValue>;
  return {
    schema: KEY_SCHEMA,
    engine: ENGINE_ABI,
    kind: inputs.kind.kind,
    kindVersion: inputs.kind.version,
    settings,
    params: toCanonical(relativizeRoot(maskUnkeyedDeps(inputs.spec.params, new Set(inputs.kind.unkeyedDeps?.(inputs.spec))), inputs.root), '$.params'),
    files: toCanonical(inputs.files) as Record<string, Sha256>,
    deps: inputs.deps.map((d) => ({ kind: d.kind, digest: d.digest })),
    tools: toCanonical(inputs.tools) as Record<string, string>,
    env,
    epoch: inputs.epoch,
  };
}

export function keyOf(preimage: KeyPreimage): NodeKey {
  return createHash('sha256').update(canonicalJson(preimage)).digest('hex') as NodeKey;
}
