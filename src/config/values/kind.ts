import type { z } from 'zod';
import type { SourceLocation } from '../diagnostics.js';

/** The zod namespace, handed to schema builders by the code that needs validation. */
export type Zod = typeof z;

/** What a value parser may consult: where relative paths point and how `$VAR`/`~` expand. */
export interface ParseEnv {
  /** Directory that relative paths resolve against (mkosi's working directory while parsing). */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly home: string;
  /** Source of fresh UUIDs for `random` values; injected so tests are deterministic. */
  randomUuid(): string;
  /** Reports a non-fatal problem found while parsing (e.g. an unknown key in a `[UKIProfile]` file). */
  readonly warn?: (message: string) => void;
}

/**
 * How one setting's values are parsed, merged and shown.
 * Values are kept in their JSON form (what `summary --json` prints), so the schema doubles as the type.
 */
export interface ValueKind<T> {
  /**
   * zod schema of the JSON form; validates configure-script output. Built on demand from the zod
   * module passed in, so commands that never validate JSON do not pay for loading zod.
   */
  readonly schema: (zod: Zod) => z.ZodType<T>;
  /** Lists and dicts accumulate across assignments and merge CLI with files. */
  readonly collection: boolean;
  /** The value when nothing was assigned and no default applies (mkosi's `parse(None)`). */
  readonly empty: T;
  /**
   * Parses one assignment on top of the value accumulated so far. An empty `raw` resets
   * (scalars to the default, collections to empty). Throws ValueError on bad input.
   */
  parse(raw: string, old: T | undefined, env: ParseEnv): T;
  /** Short description of accepted input, used in errors and help (e.g. 'a boolean'). */
  readonly expects: string;
  /** Completion candidates for the CLI. */
  readonly choices?: readonly string[];
}

/** A value that does not parse. The loader adds file, line and setting. */
export class ValueError extends Error {
  readonly hint: string | undefined;
  /** Where the value came from, when the code that reports the error cannot know (a default read from the environment). */
  readonly at: SourceLocation | undefined;
  constructor(message: string, hint?: string, at?: SourceLocation) {
    super(message);
    this.name = 'ValueError';
    this.hint = hint;
    this.at = at;
  }
}
