/** A command to time, with the un-timed work that must precede each run. */
export interface TimedCommand {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** Runs before every timed run, outside the measurement (e.g. touch a file, reset a cache). */
  readonly before?: () => Promise<void>;
}

/** A scenario measured side by side: mkb and mkosi alternately, on the same config. */
export interface PairScenario {
  readonly id: string;
  readonly title: string;
  /** Runs once before the first round (generate trees, warm caches). */
  setup(): Promise<{ mkb: TimedCommand; mkosi: TimedCommand }>;
  /** mkb's target as a ratio of mkosi's time (e.g. 0.3), shown next to the measured ratio. */
  readonly goal?: number;
}

export interface RunSample {
  readonly ms: number;
  readonly peakRssKiB: number;
  readonly exitCode: number;
}

export interface PairResult {
  readonly id: string;
  readonly title: string;
  readonly rounds: number;
  readonly mkbMedianMs: number;
  readonly mkosiMedianMs: number;
  readonly ratio: { readonly median: number; readonly min: number; readonly max: number };
  readonly mkbPeakRssKiB: number;
  readonly goal: number | null;
}

/** An mkb-only measurement with a reference figure on the same machine (e.g. bare Node startup). */
export interface MicroResult {
  readonly id: string;
  readonly title: string;
  readonly value: number;
  readonly unit: string;
  readonly reference: { readonly label: string; readonly value: number } | null;
  readonly goal: string | null;
}
