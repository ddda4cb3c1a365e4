/** Keys of the CLI-only (non-setting) options, collected into ParsedArgv. */
export type GlobalKey =
  | 'force' | 'directory' | 'debug' | 'debugShell' | 'debugWorkspace' | 'debugSandbox' | 'debugTiming'
  | 'noPager' | 'genkeyValidDays' | 'genkeyCommonName' | 'autoBump' | 'docFormat' | 'json'
  | 'wipeBuildDir' | 'rerunBuildScripts' | 'help' | 'version';

/** What an option does when it is given. */
export type OptionTarget =
  | { readonly kind: 'setting'; readonly setting: string }
  | { readonly kind: 'global'; readonly key: GlobalKey }
  /** Accepted for compatibility with old mkosi command lines, and ignored. */
  | { readonly kind: 'ignored' };

/**
 * One command-line option, in a form both the parser and the generators (help, completion, documentation)
 * read. Setting options are derived from the settings table; global options are listed in global-options.ts.
 */
export interface OptionSpec {
  /** `-p` and/or `--package`, short first. */
  readonly short?: string;
  readonly long?: string;
  /** 'required': always takes a value; 'optional': `--checksum [BOOL]`; 'none': a flag. */
  readonly value: 'required' | 'optional' | 'none';
  /** The value a flag (or an optional option given alone) stands for, e.g. `-T` → `no`. */
  readonly constValue?: string;
  readonly metavar?: string;
  readonly help: string;
  /** Help heading, e.g. `Content configuration options`. */
  readonly group: string;
  readonly choices?: readonly string[];
  /** What shells should complete the value with. */
  readonly complete?: 'files' | 'dirs';
  readonly hidden?: boolean;
  readonly target: OptionTarget;
}

/** The option's flags, long form first (the spelling messages use). */
export function optionName(spec: OptionSpec): string {
  return spec.long ?? spec.short ?? '?';
}

export function optionFlags(spec: OptionSpec): string[] {
  return [spec.short, spec.long].filter((flag): flag is string => flag !== undefined);
}
