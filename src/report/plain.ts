import { renderFailure } from '../errors/render.js';
import type { BuildEvent } from './events.js';
import type { Reporter, Write } from './reporter.js';
import { formatBytes, formatMs } from './reporter.js';

/** One line per event, no redraws: for CI logs and pipes. */
export function plainLine(event: BuildEvent): string | undefined {
  switch (event.type) {
    case 'build-start':
      return `‣ building ${event.nodes} nodes with ${event.jobs} slots`;
    case 'node-start':
      return `‣ ${event.node}: building (${event.kind}, key ${event.key.slice(0, 12)})`;
    case 'node-done':
      return event.outcome === 'cached'
        ? `‣ ${event.node}: from cache (${formatBytes(event.bytes)}, saved ${formatMs(event.savedMs)})`
        : `‣ ${event.node}: built in ${formatMs(event.ms)} (${formatBytes(event.bytes)})`;
    case 'node-failed':
      return renderFailure(event.failure);
    case 'node-skipped':
      return `‣ ${event.node}: skipped (${event.failure.code === 'DEP_FAILED' ? `${event.failure.dep} failed` : 'cancelled'})`;
    case 'warning':
      return `⚠ ${event.message}${event.hint === undefined ? '' : `\n  hint: ${event.hint}`}`;
    case 'build-done':
      return event.built === 0 && event.failed === 0 && event.skipped === 0
        ? `‣ up to date: ${event.cached} nodes from cache, nothing to build`
        : `‣ ${event.ok ? 'done' : 'FAILED'}: ${event.built} built, ${event.cached} from cache, ${event.failed} failed, `
          + `${event.skipped} skipped in ${formatMs(event.t)} (saved ${formatMs(event.savedMs)})`;
    case 'node-progress':
    case 'node-output':
      return undefined;
  }
}

export function plainReporter(write: Write): Reporter {
  return {
    on(event) {
      const line = plainLine(event);
      if (line !== undefined) write(`${line}\n`);
    },
    close() {},
  };
}
