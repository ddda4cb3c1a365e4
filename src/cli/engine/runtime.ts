import { cpus, homedir, hostname } from 'node:os';
import type { Write } from '../../report/reporter.js';

/** Everything engine commands need from the process, read here once (R4) and passed down as values. */
export interface EngineRuntime {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly pid: number;
  readonly host: string;
  readonly uid: number;
  readonly home: string;
  readonly cpus: number;
  readonly now: () => number;
  readonly random: () => number;
  /** Set under MKB_SHUFFLE=1: shuffles ready nodes of equal priority. */
  readonly shuffle: (() => number) | undefined;
  readonly isAlive: (pid: number) => boolean;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Aborted on SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
  readonly out: Write;
  readonly err: Write;
  readonly isTTY: boolean;
  readonly columns: number;
  dispose(): void;
}

export function processRuntime(): EngineRuntime {
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // A closed pipe (`mkb build --reporter json | head`) ends output quietly instead of crashing.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  return {
    env: { ...process.env },
    pid: process.pid,
    host: hostname(),
    uid: process.getuid?.() ?? 0,
    home: homedir(),
    cpus: cpus().length,
    now: () => Date.now(),
    random: Math.random,
    shuffle: process.env['MKB_SHUFFLE'] === '1' ? Math.random : undefined,
    isAlive: (pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch (error) {
        return (error as NodeJS.ErrnoException).code === 'EPERM';
      }
    },
    sleep: (ms, signal) => new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
    }),
    signal: abort.signal,
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    isTTY: process.stderr.isTTY,
    columns: process.stderr.columns || 80,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
