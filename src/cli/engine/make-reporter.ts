import { writeFileSync } from 'node:fs';
import type { BuildEvent } from '../../report/events.js';
import type { Reporter, ReporterName } from '../../report/reporter.js';
import { combineReporters } from '../../report/reporter.js';
import type { EngineRuntime } from './runtime.js';

/**
 * The reporters a command asked for: pretty on a terminal, plain otherwise, json/trace on stdout, plus a
 * Chrome trace file with --profile. Reporter modules load lazily.
 */
export async function makeReporter(options: { name: ReporterName | undefined; profile: string | undefined; runtime: EngineRuntime }): Promise<Reporter> {
  const { runtime } = options;
  const name = options.name ?? (runtime.isTTY ? 'pretty' : 'plain');
  const reporters: Reporter[] = [];
  switch (name) {
    case 'pretty': {
      const pretty = (await import('../../report/pretty.js')).prettyReporter({ write: runtime.err, now: runtime.now, columns: runtime.columns });
      // Elapsed times tick even when no event arrives; the timer never keeps the process alive.
      const ticker = setInterval(() => pretty.redraw(), 500);
      ticker.unref();
      reporters.push({ on: (e: BuildEvent) => pretty.on(e), close: () => { clearInterval(ticker); pretty.close(); } });
      break;
    }
    case 'plain':
      reporters.push((await import('../../report/plain.js')).plainReporter(runtime.err));
      break;
    case 'json':
      reporters.push((await import('../../report/json.js')).jsonReporter(runtime.out));
      break;
    case 'trace':
      reporters.push((await import('../../report/trace.js')).traceReporter(runtime.out));
      break;
  }
  if (options.profile !== undefined) {
    const file = options.profile;
    // The trace is written once, at close, synchronously: it is complete when the process exits.
    reporters.push((await import('../../report/trace.js')).traceReporter((text) => writeFileSync(file, text)));
  }
  return combineReporters(reporters);
}
