import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SourceLocation } from '../diagnostics.js';
import { IniSyntaxError, parseIni, type IniAssignment, type IniSection } from '../ini.js';
import { findSetting } from '../settings/index.js';
import { SETTING_SECTIONS, type SettingDef } from '../settings/types.js';
import { ValueError } from '../values/kind.js';
import { assertFailure, matchHolds, MatchError } from './match.js';
import type { ParseContext } from './parse-context.js';
import { expandSpecifiers } from './specifiers.js';

const VALUE_SECTIONS = new Set<string>([...SETTING_SECTIONS, 'Host']);

/** Parsed INI files by path; a file read twice in one load (match gate, then parse) is tokenized once. */
export class IniCache {
  readonly #files = new Map<string, IniSection[] | IniSyntaxError | Error>();

  /** The file's sections, or a located error for the caller to report. */
  read(path: string): IniSection[] | IniSyntaxError | Error {
    let entry = this.#files.get(path);
    if (entry === undefined) {
      try {
        entry = parseIni(readFileSync(path, 'utf8'));
      } catch (error) {
        entry = error instanceof Error ? error : new Error(String(error));
      }
      this.#files.set(path, entry);
    }
    return entry;
  }
}

/** Called for every `Include=` item right after its line, so includes take effect at that point. */
export type IncludeHandler = (ctx: ParseContext, value: string, at: SourceLocation) => Promise<void>;

export interface ParseFileOptions {
  readonly cache: IniCache;
  readonly onInclude: IncludeHandler;
  /** The directory-level match gate already evaluated this file's [Match] sections. */
  readonly matched?: boolean;
}

/** Reports a file's syntax/read error; returns its sections or undefined. */
export function readSections(ctx: ParseContext, cache: IniCache, path: string): IniSection[] | undefined {
  const entry = cache.read(path);
  if (Array.isArray(entry)) return entry;
  if (entry instanceof IniSyntaxError) {
    const text = lineText(path, entry.line);
    ctx.sink.error({
      message: entry.message, at: { kind: 'file', file: path, line: entry.line },
      ...(text ? { text } : {}), ...(entry.hint ? { hint: entry.hint } : {}),
    });
  } else {
    ctx.sink.error({ message: `cannot read config file: ${entry.message}`, at: { kind: 'file', file: path, line: 0 } });
  }
  return undefined;
}

function lineText(path: string, line: number): string | undefined {
  try {
    return readFileSync(path, 'utf8').split('\n')[line - 1]?.trim();
  } catch {
    return undefined;
  }
}

/** Evaluates [Match]/[TriggerMatch] then [Assert]/[TriggerAssert]; false when the file is skipped. */
export async function fileMatches(ctx: ParseContext, sections: readonly IniSection[], path: string): Promise<boolean> {
  try {
    if (!(await matchHolds(ctx, sections, path))) return false;
    const failure = await assertFailure(ctx, sections, path);
    if (failure) {
      ctx.sink.error({
        message: failure.message, at: { kind: 'file', file: path, line: failure.line },
        ...(failure.setting ? { setting: failure.setting } : {}),
      });
      return false;
    }
    return true;
  } catch (error) {
    if (!(error instanceof MatchError)) throw error;
    ctx.sink.error({
      message: error.message, at: { kind: 'file', file: path, line: error.line }, setting: error.setting,
      hint: 'conditions can use PathExists, SystemdVersion, HostArchitecture, Image and matchable settings',
    });
    return false;
  }
}

/**
 * Applies one config file to the context's file namespace: match gate, then every assignment of the
 * known sections in order (unknown sections are ignored). Returns whether the file was parsed.
 */
export async function parseConfigFile(ctx: ParseContext, path: string, options: ParseFileOptions): Promise<boolean> {
  const sections = readSections(ctx, options.cache, path);
  if (!sections) return false;
  if (!options.matched && !(await fileMatches(ctx, sections, path))) return false;
  ctx.files.push(path);
  const savedConfigDir = ctx.configDir;
  ctx.configDir = dirname(path);
  try {
    for (const section of sections) {
      if (!VALUE_SECTIONS.has(section.name)) continue;
      for (const assignment of section.assignments) await applyAssignment(ctx, assignment, path, options.onInclude);
    }
  } finally {
    ctx.configDir = savedConfigDir;
  }
  return true;
}

function resolveKey(ctx: ParseContext, a: IniAssignment, path: string, at: SourceLocation): SettingDef | undefined {
  let key = a.key;
  if (key.startsWith('@')) {
    key = key.slice(1);
    ctx.sink.warn({ message: `The '@' specifier is deprecated, please use ${key} instead of @${key}`, at, setting: key });
  }
  const found = findSetting(key);
  if (!found) {
    ctx.sink.warn({ message: `Unknown setting ${key}`, at, setting: key, text: `${a.key}=${a.value}` });
    return undefined;
  }
  const def = found.def;
  if (found.compat) {
    ctx.sink.warn({ message: `Setting ${key} is deprecated, please use ${def.name} instead.`, at, setting: key });
  }
  if (a.section !== def.section) {
    ctx.sink.warn({ message: `Setting ${def.name} should be configured in [${def.section}], not [${a.section}].`, at, setting: def.name });
  }
  return def;
}

async function applyAssignment(ctx: ParseContext, a: IniAssignment, path: string, onInclude: IncludeHandler): Promise<void> {
  const at: SourceLocation = { kind: 'file', file: path, line: a.line };
  const def = resolveKey(ctx, a, path, at);
  if (!def) return;
  const forbidden = ctx.forbidden(def);
  if (forbidden) {
    ctx.sink.error({ message: forbidden, at, setting: def.name, text: `${a.key}=${a.value}` });
    return;
  }
  const raw = expandSpecifiers(a.value, ctx, at);
  if (def.name === 'Include') {
    for (const item of raw.split(/[,\s]+/).filter((s) => s !== '')) await onInclude(ctx, item, at);
    return;
  }
  try {
    ctx.assign(def, raw, 'config', ctx.parseEnv());
  } catch (error) {
    if (!(error instanceof ValueError)) throw error;
    ctx.sink.error({
      message: error.message, at, setting: def.name, text: `${a.key}=${a.value}`,
      ...(error.hint ? { hint: error.hint } : {}),
    });
  }
}
