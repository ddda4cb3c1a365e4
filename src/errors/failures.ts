/** Where a node or an edge came from, for messages (a config file line, or a plan file entry). */
export interface SourceLocation {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
}

export type NodeId = string;

/**
 * Every expected failure of the engine, as data. Config diagnostics live in src/config; the renderer gains a
 * CONFIG_INVALID case when the two meet.
 */
export type Failure =
  | { readonly code: 'GRAPH_CYCLE'; readonly cycle: readonly NodeId[]; readonly at: readonly (SourceLocation | undefined)[] }
  | { readonly code: 'GRAPH_UNKNOWN_DEP'; readonly node: NodeId; readonly dep: NodeId; readonly at?: SourceLocation }
  | { readonly code: 'GRAPH_DUPLICATE_NODE'; readonly node: NodeId; readonly at?: SourceLocation }
  | { readonly code: 'GRAPH_UNKNOWN_KIND'; readonly node: NodeId; readonly kind: string; readonly known: readonly string[] }
  | { readonly code: 'PLAN_INVALID'; readonly file: string; readonly message: string }
  | {
      readonly code: 'NODE_COMMAND_FAILED'; readonly node: NodeId; readonly argv: readonly string[];
      readonly exitCode: number | null; readonly signal: string | null; readonly stderrTail: string; readonly logFile?: string;
    }
  | { readonly code: 'NODE_FAILED'; readonly node: NodeId; readonly message: string; readonly hint?: string }
  | { readonly code: 'INPUT_MISSING'; readonly node: NodeId; readonly path: string }
  | { readonly code: 'TOOL_MISSING'; readonly node: NodeId; readonly tool: string; readonly hint: string }
  | { readonly code: 'DEP_FAILED'; readonly node: NodeId; readonly dep: NodeId }
  | { readonly code: 'CACHE_CORRUPT'; readonly node: NodeId; readonly digest: string; readonly path: string }
  | { readonly code: 'CANCELLED'; readonly node: NodeId; readonly reason: 'signal' | 'failure-mode' }
  | { readonly code: 'NOT_FOUND'; readonly what: string; readonly name: string; readonly known: readonly string[] };

export type FailureCode = Failure['code'];
