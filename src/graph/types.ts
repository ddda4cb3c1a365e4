import type { NodeId, SourceLocation } from '../errors/failures.js';
import type { NodeSpec } from '../nodes/types.js';

export type { NodeId };

/** A node as the plan input names it, before validation (config compiler or plan file output). */
export interface NodeInput {
  readonly id: NodeId;
  readonly spec: NodeSpec;
  /** Where the node came from, for cycle and dependency messages. */
  readonly at?: SourceLocation;
}

export interface PlanInput {
  /** The directory that input file paths are relative to (the config directory); not part of any key. */
  readonly root: string;
  readonly nodes: readonly NodeInput[];
}

/** A node of an immutable, validated plan. Never holds run state (that is `NodeRun`, inside the executor). */
export interface PlannedNode {
  readonly id: NodeId;
  readonly spec: NodeSpec;
  /** Dependencies in the kind's order (which can matter to the kind and to the key). */
  readonly deps: readonly NodeId[];
  /** Nodes that depend on this one, sorted. */
  readonly dependents: readonly NodeId[];
  readonly weight: number;
  /** Critical-path length from this node to the end of the graph; higher starts first. */
  readonly priority: number;
  readonly at?: SourceLocation;
}

/** An immutable DAG of planned nodes. */
export interface BuildPlan {
  readonly root: string;
  readonly nodes: ReadonlyMap<NodeId, PlannedNode>;
  /** A topological order (dependencies first), ties broken by id. */
  readonly order: readonly NodeId[];
  /** Nodes no other node depends on. */
  readonly sinks: readonly NodeId[];
}
