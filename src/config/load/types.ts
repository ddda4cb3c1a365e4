import type { ConfigDiagnostic } from '../diagnostics.js';
import type { HostFacts } from '../settings/types.js';

/** One setting given on the command line, in argv order (raw string, parsed like a file value). */
export interface CliAssignment {
  /** Canonical setting name, e.g. 'Packages'. */
  readonly setting: string;
  readonly raw: string;
  /** The option as the user typed it, for messages, e.g. '--package'. */
  readonly option: string;
}

export interface LoadOptions {
  /** Resolved `-C/--directory` (default: the current directory); null for `-C ''` (no config at all). */
  readonly directory: string | null;
  readonly cli: readonly CliAssignment[];
  readonly verb: string;
  readonly force: number;
  readonly host: HostFacts;
  /** Directory holding mkb's builtin configs (mkosi-tools, mkosi-initrd, …). */
  readonly resourcesDir: string;
  /** The working directory mkb was started in: command-line paths resolve against it (default: `directory`). */
  readonly cwd?: string;
}

/** One image's finalized config: exactly the object `summary --json` prints for it. */
export type ImageJson = Readonly<Record<string, unknown>>;

export interface LoadedConfig {
  /** Dependencies first, the main image last (mkosi's order). */
  readonly images: readonly ImageJson[];
  /** The default tools tree's config, or null. */
  readonly tools: ImageJson | null;
  readonly warnings: readonly ConfigDiagnostic[];
}
