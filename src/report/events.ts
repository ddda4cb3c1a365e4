import type { Failure, NodeId } from '../errors/failures.js';

export type NodeOutcome = 'built' | 'cached';

/** What the engine tells the world. The engine never prints; reporters render these. `t` is ms since the build started. */
export type BuildEvent =
  | { readonly type: 'build-start'; readonly t: number; readonly nodes: number; readonly jobs: number; readonly pid: number }
  | { readonly type: 'node-start'; readonly t: number; readonly node: NodeId; readonly kind: string; readonly key: string }
  | { readonly type: 'node-progress'; readonly t: number; readonly node: NodeId; readonly done: number; readonly total: number }
  | { readonly type: 'node-output'; readonly t: number; readonly node: NodeId; readonly stream: 'stdout' | 'stderr'; readonly chunk: string }
  | {
      readonly type: 'node-done'; readonly t: number; readonly node: NodeId; readonly kind: string; readonly key: string;
      readonly outcome: NodeOutcome; readonly ms: number; readonly bytes: number; readonly digest: string;
      /** For cache hits: how long building it took originally. */
      readonly savedMs: number;
    }
  | { readonly type: 'node-failed'; readonly t: number; readonly node: NodeId; readonly kind: string; readonly failure: Failure }
  | { readonly type: 'node-skipped'; readonly t: number; readonly node: NodeId; readonly kind: string; readonly failure: Failure }
  | { readonly type: 'warning'; readonly t: number; readonly message: string; readonly hint?: string }
  | {
      readonly type: 'build-done'; readonly t: number; readonly ok: boolean; readonly built: number; readonly cached: number;
      readonly failed: number; readonly skipped: number; readonly savedMs: number;
    };

export type BuildEventType = BuildEvent['type'];

/** Distributes an event without its timestamp; the executor adds `t`. */
export type EventInput = BuildEvent extends infer E ? (E extends BuildEvent ? Omit<E, 't'> : never) : never;

export type EventSink = (event: BuildEvent) => void;
