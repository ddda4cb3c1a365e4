import type { BuildEvent } from './events.js';
import type { Reporter, Write } from './reporter.js';

/** One Chrome trace event (the subset mkb writes); openable in Perfetto or chrome://tracing. */
export interface TraceEvent {
  readonly name: string;
  readonly cat: string;
  readonly ph: 'X' | 'i' | 'M';
  readonly ts: number;
  readonly dur?: number;
  readonly pid: number;
  readonly tid: number;
  readonly s?: 't' | 'p' | 'g';
  readonly args?: Readonly<Record<string, unknown>>;
}

/**
 * Collects events into Chrome trace JSON: each built node is a complete event on the lane (tid) it ran on,
 * cache hits and failures are instant events. Written once, on close. bench/ reads this.
 */
export function traceReporter(write: Write): Reporter & { events(): TraceEvent[] } {
  const out: TraceEvent[] = [];
  const running = new Map<string, { lane: number; t: number; key: string }>();
  const busy = new Set<number>();
  let pid = 0;
  const lane = (): number => {
    let l = 1;
    while (busy.has(l)) l++;
    busy.add(l);
    return l;
  };
  const us = (ms: number): number => Math.round(ms * 1000);
  const on = (e: BuildEvent): void => {
    switch (e.type) {
      case 'build-start':
        pid = e.pid;
        out.push({ name: 'process_name', cat: '__metadata', ph: 'M', ts: 0, pid, tid: 0, args: { name: `mkb build (${e.nodes} nodes, -j${e.jobs})` } });
        return;
      case 'node-start':
        running.set(e.node, { lane: lane(), t: e.t, key: e.key });
        return;
      case 'node-done':
      case 'node-failed': {
        const r = running.get(e.node);
        if (r !== undefined) {
          running.delete(e.node);
          busy.delete(r.lane);
          out.push({
            name: e.node, cat: e.kind, ph: 'X', ts: us(r.t), dur: us(e.t - r.t), pid, tid: r.lane,
            args: e.type === 'node-done' ? { key: r.key, bytes: e.bytes, digest: e.digest } : { failure: e.failure.code },
          });
        } else {
          out.push({ name: e.node, cat: e.kind, ph: 'i', s: 't', ts: us(e.t), pid, tid: 0, args: { outcome: e.type === 'node-done' ? e.outcome : 'failed' } });
        }
        return;
      }
      case 'build-done':
        out.push({ name: 'build', cat: 'build', ph: 'X', ts: 0, dur: us(e.t), pid, tid: 0, args: { built: e.built, cached: e.cached, ok: e.ok } });
        return;
      default:
        return;
    }
  };
  return {
    on,
    events: () => [...out],
    close: () => write(`${JSON.stringify({ traceEvents: out, displayTimeUnit: 'ms' })}\n`),
  };
}
