import type { BuildFlags } from './engine/build-flags.js';
import type { CliIo } from './io.js';
import type { ParsedArgv } from './parse-argv.js';

/** What a verb's action receives: the parsed command line and the process edge. */
export interface VerbContext {
  readonly parsed: ParsedArgv;
  readonly io: CliIo;
  /** The engine's own options of `build` (`--dry-run`, `--reporter`, `-j`, `--failure-mode`). */
  readonly buildFlags?: BuildFlags;
}

export type VerbAction = (ctx: VerbContext) => Promise<number>;
