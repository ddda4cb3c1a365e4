import type { NodeId } from '../errors/failures.js';
import type { KeyPreimage, NodeKey, Sha256 } from '../graph/keys.js';
import type { TreeLayer } from './tree-layers.js';
import type { ManifestEntry } from './tree-manifest.js';
import type { TreeSignature, TreeSurvey } from './update-tree.js';

/** Action-cache value: what a node key produced. */
export interface OutputRecord {
  /** Manifest digest of the output tree: the output's identity. */
  readonly digest: Sha256;
  readonly kind: string;
  /** Sum of regular file sizes in the tree. */
  readonly bytes: number;
  readonly files: number;
  readonly durationMs: number;
  readonly created: number;
}

export type HistoryOutcome = 'built' | 'failed';

/** One line of the build history: every node run (built or failed) of every build, by every process. */
export interface HistoryEntry {
  readonly build: string;
  readonly node: NodeId;
  readonly kind: string;
  readonly key: NodeKey;
  readonly outcome: HistoryOutcome;
  readonly ms: number;
  readonly pid: number;
  readonly at: number;
  readonly digest?: Sha256;
}

/** The last key each node id had, and its pre-image, so `explain` can diff against it. */
export interface LatestEntry {
  readonly key: NodeKey;
  readonly preimage: KeyPreimage;
  readonly digest?: Sha256;
  readonly ms?: number;
  readonly at: number;
  /** The key before this one and its pre-image: why the last build that changed the key rebuilt the node. */
  readonly previous?: { readonly key: NodeKey; readonly preimage: KeyPreimage };
}

/** The narrow view of a store that the executor needs (R13); tests may substitute it. */
export interface ExecutorStore {
  lookup(key: NodeKey): Promise<OutputRecord | undefined>;
  /**
   * Runs `fn` holding the cross-process lease for `key`; waits while another live process holds it.
   * Resolves undefined, without running `fn`, when `signal` aborts while waiting.
   */
  withLease<T>(key: NodeKey, signal: AbortSignal, fn: () => Promise<T>): Promise<T | undefined>;
  newStagingDir(): Promise<string>;
  /** Removes a staging dir after unmounting the layers mounted in it. */
  discardStaging(dir: string, layers?: readonly TreeLayer[]): Promise<void>;
  /**
   * Makes `<dir>/<at>` (an empty or missing directory) a writable view of the `from` subtree of a stored tree:
   * an overlay on its hot tree, or, where overlayfs is unavailable, a copy (then no layer is returned).
   */
  mountTree(request: { readonly digest: Sha256; readonly from: string; readonly dir: string; readonly at: string }): Promise<TreeLayer | undefined>;
  /** Moves a finished output tree into the store; indexes it under `key` when `cache` is set. */
  commitTree(request: CommitRequest): Promise<OutputRecord>;
  readOnlyTree(digest: Sha256): Promise<string>;
  /**
   * A read-only view of a stored tree's `from` subtree: its layers stacked as an overlay mounted at
   * `target`, or its hot tree's subtree; `release` unmounts it.
   */
  viewTree(request: { readonly digest: Sha256; readonly from: string; readonly target: string }): Promise<{ path: string; release: () => Promise<void> }>;
  copyTree(digest: Sha256, dest: string): Promise<void>;
  /** Writes a stored tree, or its `from` subtree, to a new directory from its blobs (no hot tree needed). */
  exportTree(digest: Sha256, dest: string, from?: string, skip?: readonly string[]): Promise<void>;
  /**
   * Brings `dir`, once written from `previous` and signed, up to the `from` subtree of `digest`, writing
   * only what differs; returns the directory's new signature, or undefined when only a fresh copy will do.
   */
  updateTree(request: TreeUpdateRequest): Promise<TreeSignature | undefined>;
  recordHistory(entry: HistoryEntry): void;
  /** The last run of `node` in the plan rooted at `root` (the configuration directory). */
  recordLatest(root: string, node: NodeId, entry: LatestEntry): void;
  latest(root: string, node: NodeId): LatestEntry | undefined;
  /** What a step remembered under `key` (RunContext.memo), if the store still has it. */
  recallMemo(key: string): string | undefined;
  rememberMemo(key: string, value: string): void;
  /** The path of a stored blob (RunContext.storedFile), if the store has it. */
  storedFile(digest: string): Promise<string | undefined>;
  /** The manifest entries of a stored tree's `from` subtree, relative to it (DepOutput.entries). */
  treeEntries(digest: Sha256, from: string): Promise<readonly ManifestEntry[]>;
}

export interface TreeUpdateRequest {
  readonly digest: Sha256;
  readonly from: string;
  readonly dir: string;
  readonly previous: { readonly digest: Sha256; readonly signature: TreeSignature; readonly survey?: TreeSurvey };
}

export interface CommitRequest {
  readonly key: NodeKey;
  readonly dir: string;
  readonly kind: string;
  readonly preimage: KeyPreimage;
  readonly durationMs: number;
  readonly cache: boolean;
  /** Subtrees of `dir` that start as stored trees (mounted overlays are unmounted by the commit). */
  readonly layers?: readonly TreeLayer[];
}
