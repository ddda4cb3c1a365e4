import type { Reporter, Write } from './reporter.js';

/** NDJSON: one event per line, exactly as the engine emitted it. Tests and tools read this. */
export function jsonReporter(write: Write): Reporter {
  return {
    on: (event) => write(`${JSON.stringify(event)}\n`),
    close() {},
  };
}
