/** A command to time. */
export interface TimedCommand {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
}

/**
 * Gives one side's command for a round, after doing that round's un-timed preparation (write a fresh
 * file, run a preparation build, empty a cache): whatever it awaits is outside the measurement.
 */
export type CommandSource = (round: number) => Promise<TimedCommand>;

/** A scenario measured side by side: mkb and mkosi alternately, on the same config. */
export interface PairScenario {
  readonly id: string;
  readonly title: string;
  /** Runs once before the first round (generate trees, warm caches); `cleanup` runs after the last. */
  setup(): Promise<{ mkb: CommandSource; mkosi: CommandSource; cleanup?: () => Promise<void> }>;
  /** mkb's target as a ratio of mkosi's time (e.g. 0.3), shown next to the measured ratio. */
  readonly goal?: number;
  /** Rounds for this scenario when `--rounds` is not given (slow scenarios run fewer). */
  readonly rounds?: { readonly quick: number; readonly full: number };
}

export interface RunSample {
  readonly ms: number;
  readonly peakRssKiB: number;
  readonly exitCode: number;
  /** The last line the command wrote to stderr (mkb's build summary), for the log. */
  readonly lastLine: string;
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
  /** Every sample, in round order, so a reader can judge the noise. */
  readonly samples: { readonly mkbMs: readonly number[]; readonly mkosiMs: readonly number[] };
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
