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
}

export function keyPreimage(inputs: KeyInputs): KeyPreimage {
  const env: Record<string, string> = {};
  for (const name of [...inputs.kind.env].sort()) {
    const value = inputs.env[name];
    if (value !== undefined) env[name] = value;
  }
  const settings = toCanonical(settingsPreimage(inputs.kind, inputs.spec.settings), '$.settings') as Record<string, CanonicalValue>;
  return {
    schema: KEY_SCHEMA,
    engine: ENGINE_ABI,
    kind: inputs.kind.kind,
    kindVersion: inputs.kind.version,
    settings,
    params: toCanonical(inputs.spec.params, '$.params'),
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
