import type { Failure, NodeId } from '../errors/failures.js';
import type { Result } from '../errors/result.js';
import type { ManifestEntry } from '../cache/tree-manifest.js';

/** One image's settings keyed by mkosi setting name (`Packages`, `Format`, …): the `summary --json` image object. */
export type Settings = Readonly<Record<string, unknown>>;

/** What a planned node is: its kind, the image it belongs to, that image's settings and kind-specific parameters. */
export interface NodeSpec<P = unknown> {
  readonly kind: string;
  /** Image name ('main', a subimage, 'tools', 'default-initrd'); not part of the key, so images share nodes. */
  readonly image: string;
  readonly settings: Settings;
  /** Kind-specific parameters (canonical JSON); part of the key. */
  readonly params: P;
}

/** A dependency's output as a running node sees it. */
export interface DepOutput {
  readonly id: NodeId;
  readonly kind: string;
  /** Manifest digest of the dependency's tree. */
  readonly digest: string;
  /** A read-only view of the tree (shared with the store: never write into it). */
  readOnlyPath(): Promise<string>;
  /** Copies the tree to `dest` (reflink where possible); the copy shares no inodes with the store. */
  copyTo(dest: string): Promise<void>;
  /** Writes the `from` subtree to a new directory `dest`, without making the whole tree available: for small parts. */
  exportSubtree(from: string, dest: string): Promise<void>;
  /** What the store records of the `from` subtree's paths (relative to it, in manifest order), without reading a file. */
  entries(from: string): Promise<readonly ManifestEntry[]>;
}

/** What the executor hands to `run`. */
export interface RunContext {
  readonly node: NodeId;
  /** An empty directory on the store's filesystem; everything in it when `run` succeeds is the output tree. */
  readonly outDir: string;
  /** The directory input file paths are relative to. */
  readonly root: string;
  readonly signal: AbortSignal;
  /** The outputs of `deps(spec)`, in that order. */
  readonly deps: readonly DepOutput[];
  /** Log output; reporters decide whether to show it. */
  output(stream: 'stdout' | 'stderr', chunk: string): void;
  progress(done: number, total: number): void;
  /**
   * Makes `<outDir>/<at>` a private, writable copy of `dep`'s `<from>` subtree. Where overlayfs works this
   * copies nothing (the store's read-only tree is the lower layer) and committing hashes only what changed.
   * Returns the directory.
   */
  writableTree(dep: DepOutput, subtree: { readonly from: string; readonly at: string }): Promise<string>;
  /** Makes `<outDir>/<at>` exactly `dep`'s `<from>` subtree without copying it; nothing may be written there. */
  reuseTree(dep: DepOutput, subtree: { readonly from: string; readonly at: string }): Promise<void>;
  /**
   * A read-only view of `dep`'s `<from>` subtree until `run` returns: the stored layers it was committed on,
   * stacked (no file copied), or the hot tree's subtree. Nothing may be written there.
   */
  readOnlyView(dep: DepOutput, from: string): Promise<string>;
  /** Remembers small results across builds for steps whose inputs the node's key cannot isolate (StepMemo). */
  readonly memo: StepMemo;
  /**
   * Where the store keeps a file by its sha256 (one an earlier output held), if it still does. Never write
   * it, and check what is read from it: another process may collect it meanwhile.
   */
  storedFile(digest: string): Promise<string | undefined>;
}

/**
 * What a step of a node learnt from running, under a key of everything the step reads, so a later run of
 * the node whose key changed for other reasons can replay it. The store scopes keys by the node's kind,
 * kind version and tools. A memo may be forgotten at any time: the step then runs.
 */
export interface StepMemo {
  recall(key: string): string | undefined;
  remember(key: string, value: string): void;
}

export type RunResult = Result<null, Failure>;

/**
 * A node kind. Everything but `run` is pure and feeds planning and keys.
 * Fail closed: every setting not listed in `irrelevantSettings` is part of the node's key.
 */
export interface NodeKind<P = unknown> {
  readonly kind: string;
  /** Bump when the kind's behaviour changes, to invalidate old cache entries. */
  readonly version: number;
  /** Settings that provably do not affect this kind's output; all others are hashed. */
  readonly irrelevantSettings: readonly string[];
  /** Environment variables (by name) whose values are part of the key. */
  readonly env: readonly string[];
  /** Same inputs give byte-identical output. */
  readonly reproducible: boolean;
  /** False when the kind cannot declare all its inputs: never read from the cache, and taints dependents. */
  readonly cacheable: boolean;
  /** Worker-pool slots one run takes (mkfs or a package manager may take several). */
  readonly weight: number;
  /** Validates plan-file parameters. */
  parseParams(raw: unknown): Result<P, string>;
  /** Pure. Node ids this node reads, in the order that matters to it. */
  deps(spec: NodeSpec<P>): readonly NodeId[];
  /**
   * Pure. Those of `deps` whose outputs the node reads only to locate inputs that a keyed dependency already
   * pins by content (e.g. where to download the files a lock names by sha256). They run first and are handed
   * to `run` like any dependency, but their digests stay out of the key.
   */
  unkeyedDeps?(spec: NodeSpec<P>): readonly NodeId[];
  /** Pure. Input files and directories, relative to the plan root (posix separators). */
  inputFiles(spec: NodeSpec<P>): readonly string[];
  /** Pure. Paths inside those inputs that are not inputs (output and cache directories inside sources); `x*` matches a prefix. */
  inputExcludes?(spec: NodeSpec<P>): readonly string[];
  /** Pure. Host tools the kind runs; their resolved path and version enter the key. */
  tools(spec: NodeSpec<P>): readonly string[];
  /** Effectful. Writes the output tree under ctx.outDir. */
  run(spec: NodeSpec<P>, ctx: RunContext): Promise<RunResult>;
  /** Pure, optional. What this node does, in the config's words, when its key alone does not say (`mkb explain`). */
  describe?(spec: NodeSpec<P>): string;
}

/** A node kind with its parameter type erased, as registries and the executor hold them. */
export type AnyNodeKind = NodeKind<unknown>;

/** Looks up kinds by name; the executor and compiler take one so tests can add fake kinds. */
export type KindLookup = (kind: string) => AnyNodeKind | undefined;
