import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import type { CliAssignment } from '../config/load/types.js';
import { EXIT_CODES } from './exit-codes.js';
import { DOC_FORMATS, type DocFormat } from './options/global-options.js';
import { allOptionSpecs } from './options/all-options.js';
import type { GlobalKey, OptionSpec } from './options/option-spec.js';
import { optionName } from './options/option-spec.js';
import { findVerb } from './verbs.js';

/** The command line, understood: what to do, with which settings, in argv order. */
export interface ParsedArgv {
  /** Canonical verb name (`qemu` → `vm`); `build` when none was given. */
  readonly verb: string;
  /** Arguments after the verb (before or after `--`). */
  readonly args: readonly string[];
  /** How often `-f` was given. */
  readonly force: number;
  /** `-C`, resolved against the working directory; undefined when not given; null for `-C ''`. */
  readonly directory: string | null | undefined;
  readonly debug: boolean;
  readonly debugShell: boolean;
  readonly debugWorkspace: boolean;
  readonly debugSandbox: boolean;
  readonly debugTiming: boolean;
  readonly noPager: boolean;
  readonly json: boolean;
  readonly autoBump: boolean;
  readonly wipeBuildDir: boolean;
  readonly rerunBuildScripts: boolean;
  readonly help: boolean;
  readonly version: boolean;
  readonly genkeyValidDays: string;
  readonly genkeyCommonName: string | undefined;
  readonly docFormat: DocFormat;
  /** Every setting given on the command line, in argv order; an empty raw value resets. */
  readonly cli: readonly CliAssignment[];
}

export interface UsageError {
  readonly message: string;
  readonly exitCode: number;
}

export type ParseResult = { readonly ok: true; readonly value: ParsedArgv } | { readonly ok: false; readonly error: UsageError };

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function flagsOf(spec: OptionSpec): string {
  const names = [spec.short, spec.long].filter((f) => f !== undefined).join(', ');
  // commander reads `<…>`/`[…]` in the flags string; keep metavars free of its separators.
  const metavar = (spec.metavar ?? 'VALUE').replace(/[ ,|]/g, '/');
  if (spec.value === 'required') return `${names} <${metavar}>`;
  if (spec.value === 'optional') return `${names} [${metavar}]`;
  return names;
}

/**
 * argparse splits `-p=vim` into `-p` and `vim`; commander would keep the `=`. Rewrite such tokens (only
 * before `--`, and only for known short options taking a value) so both tools read the same value.
 */
function normalizeShortEquals(argv: readonly string[], specs: readonly OptionSpec[]): string[] {
  const valued = new Set(specs.filter((s) => s.short !== undefined && s.value !== 'none').map((s) => s.short));
  const out: string[] = [];
  let literal = false;
  for (const arg of argv) {
    if (arg === '--') literal = true;
    const eq = arg.indexOf('=');
    if (!literal && /^-[^-]=/.test(arg) && valued.has(arg.slice(0, eq))) out.push(arg.slice(0, eq), arg.slice(eq + 1));
    else out.push(arg);
  }
  return out;
}

/** argparse's message for a value given to a flag (`--json=yes`, `-a=no`); commander would call it unknown. */
function flagWithValue(argv: readonly string[], specs: readonly OptionSpec[]): string | undefined {
  const flags = new Set(specs.filter((s) => s.value === 'none').flatMap((s) => [s.short, s.long]));
  for (const arg of argv) {
    if (arg === '--') return undefined;
    const eq = arg.indexOf('=');
    if (eq > 1 && arg.startsWith('-') && flags.has(arg.slice(0, eq))) {
      return `argument ${arg.slice(0, eq)}: ignored explicit argument '${arg.slice(eq + 1)}'`;
    }
  }
  return undefined;
}

function initialArgv(): Mutable<Omit<ParsedArgv, 'verb' | 'args' | 'cli'>> {
  return {
    force: 0, directory: undefined, debug: false, debugShell: false, debugWorkspace: false, debugSandbox: false,
    debugTiming: false, noPager: false, json: false, autoBump: false, wipeBuildDir: false, rerunBuildScripts: false,
    help: false, version: false, genkeyValidDays: '730', genkeyCommonName: undefined, docFormat: 'auto',
  };
}

const BOOLEAN_GLOBALS = new Set<GlobalKey>([
  'debug', 'debugShell', 'debugWorkspace', 'debugSandbox', 'debugTiming', 'noPager', 'json', 'autoBump',
  'wipeBuildDir', 'rerunBuildScripts', 'help', 'version',
]);

/** Parses mkosi 27.1's command line: options before and after the verb, no abbreviations, `--` args. */
export function parseArgv(argv: readonly string[], options: { readonly cwd: string; readonly specs?: readonly OptionSpec[] }): ParseResult {
  const specs = options.specs ?? allOptionSpecs();
  const state = initialArgv();
  const cli: CliAssignment[] = [];
  const errors: string[] = [];

  const apply = (spec: OptionSpec, raw: string): void => {
    const target = spec.target;
    if (target.kind === 'setting') {
      cli.push({ setting: target.setting, raw, option: optionName(spec) });
      return;
    }
    if (target.kind === 'ignored') return;
    const key = target.key;
    if (key === 'force') state.force += 1;
    else if (key === 'directory') state.directory = raw === '' ? null : resolve(state.directory ?? options.cwd, raw);
    else if (key === 'genkeyValidDays') state.genkeyValidDays = raw;
    else if (key === 'genkeyCommonName') state.genkeyCommonName = raw;
    else if (key === 'docFormat') {
      if ((DOC_FORMATS as readonly string[]).includes(raw)) state.docFormat = raw as DocFormat;
      else errors.push(`argument --doc-format: invalid choice: '${raw}' (choose from ${DOC_FORMATS.join(', ')})`);
    } else if (BOOLEAN_GLOBALS.has(key)) state[key as 'debug'] = true;
  };

  const command = new Command('mkb')
    .exitOverride()
    .helpOption(false)
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined, outputError: () => undefined })
    .argument('[verb]')
    .argument('[args...]');
  for (const spec of specs) {
    const option = new Option(flagsOf(spec), spec.help).argParser((value: string) => {
      apply(spec, value);
      return value;
    });
    if (spec.value !== 'required') option.preset(spec.constValue ?? '');
    command.addOption(option);
  }

  const ignored = flagWithValue(argv, specs);
  if (ignored !== undefined) return { ok: false, error: { message: ignored, exitCode: EXIT_CODES.usage } };
  try {
    command.parse(normalizeShortEquals(argv, specs), { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return { ok: false, error: { message: error.message.replace(/^error: /, ''), exitCode: EXIT_CODES.usage } };
    throw error;
  }
  if (errors[0] !== undefined) return { ok: false, error: { message: errors[0], exitCode: EXIT_CODES.usage } };

  const [verbName, rest] = command.processedArgs as [string | undefined, string[] | undefined];
  const verb = findVerb(verbName ?? 'build');
  if (verb === undefined) return { ok: false, error: { message: `argument verb: invalid Verb value: '${verbName ?? ''}'`, exitCode: EXIT_CODES.usage } };
  return { ok: true, value: { ...state, verb: verb.name, args: rest ?? [], cli } };
}
