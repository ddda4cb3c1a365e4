import type { CliIo } from './io.js';
import type { ParsedArgv } from './parse-argv.js';

/** What a verb's action receives: the parsed command line and the process edge. */
export interface VerbContext {
  readonly parsed: ParsedArgv;
  readonly io: CliIo;
}

export type VerbAction = (ctx: VerbContext) => Promise<number>;
