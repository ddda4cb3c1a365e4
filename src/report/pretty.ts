import { renderFailure } from '../errors/render.js';
import type { BuildEvent } from './events.js';
import { plainLine } from './plain.js';
import type { Reporter, Write } from './reporter.js';
import { formatMs } from './reporter.js';

export interface PrettyOptions {
  readonly write: Write;
  readonly now: () => number;
  readonly columns: number;
}

/**
 * For terminals: mkosi-style `‣` lines for finished nodes plus one status line, redrawn in place, naming the
 * running nodes with their elapsed time and progress; a summary at the end (built, from cache, time saved).
 */
export function prettyReporter(options: PrettyOptions): Reporter & { redraw(): void } {
  const running = new Map<string, { since: number; done?: number; total?: number }>();
  let finished = 0;
  let total = 0;
  let statusShown = false;
  const clear = (): void => {
    if (statusShown) options.write('\r\x1b[K');
    statusShown = false;
  };
  const status = (): void => {
    if (running.size === 0) return;
    const now = options.now();
    const parts = [...running].map(([node, r]) => {
      const pct = r.total ? ` ${Math.floor(((r.done ?? 0) / r.total) * 100)}%` : '';
      return `${node} ${formatMs(now - r.since)}${pct}`;
    });
    const line = `[${finished}/${total}] ${parts.join(', ')}`;
    options.write(line.length > options.columns - 1 ? `${line.slice(0, options.columns - 2)}…` : line);
    statusShown = true;
  };
  const print = (text: string): void => {
    clear();
    options.write(`${text}\n`);
  };
  const on = (e: BuildEvent): void => {
    switch (e.type) {
      case 'build-start':
        total = e.nodes;
        break;
      case 'node-start':
        running.set(e.node, { since: options.now() });
        break;
      case 'node-progress': {
        const r = running.get(e.node);
        if (r !== undefined) running.set(e.node, { ...r, done: e.done, total: e.total });
        break;
      }
      case 'node-done':
        finished++;
        running.delete(e.node);
        if (e.outcome === 'built') print(plainLine(e) ?? '');
        break;
      case 'node-failed':
        finished++;
        running.delete(e.node);
        print(renderFailure(e.failure));
        break;
      case 'node-skipped':
        finished++;
        running.delete(e.node);
        break;
      case 'warning':
      case 'build-done':
        print(plainLine(e) ?? '');
        break;
      case 'node-output':
        break;
    }
    clear();
    status();
  };
  return { on, redraw: () => { clear(); status(); }, close: clear };
}
