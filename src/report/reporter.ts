import type { BuildEvent } from './events.js';

/** Renders build events. Reporters are the only place that formats output for people or tools. */
export interface Reporter {
  on(event: BuildEvent): void;
  /** Flushes anything buffered (the trace file, the last status line). */
  close(): void;
}

/** Where a reporter writes; the CLI passes process.stderr/stdout or a file. */
export type Write = (text: string) => void;

export const REPORTER_NAMES = ['pretty', 'plain', 'json', 'trace'] as const;
export type ReporterName = (typeof REPORTER_NAMES)[number];

/** Fans events out to several reporters (e.g. pretty on the terminal plus a trace file). */
export function combineReporters(reporters: readonly Reporter[]): Reporter {
  return {
    on: (event) => { for (const r of reporters) r.on(event); },
    close: () => { for (const r of reporters) r.close(); },
  };
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}
