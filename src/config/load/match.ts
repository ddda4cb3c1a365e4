import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { IniAssignment, IniSection } from '../ini.js';
import { findSetting } from '../settings/index.js';
import type { SettingDef } from '../settings/types.js';
import { parseBooleanWord } from '../values/scalars.js';
import { compareVersions } from '../version-compare.js';
import type { ParseContext } from './parse-context.js';
import { storageKey } from './parse-context.js';
import { expandSpecifiers } from './specifiers.js';
import { fnmatch } from '../../util/fnmatch.js';

export const MATCH_SECTIONS = ['Match', 'TriggerMatch', 'Assert', 'TriggerAssert'] as const;

/** Architectures with an EFI name (`Architecture=uefi`). */
const UEFI_ARCHITECTURES = new Set(['x86', 'x86-64', 'arm', 'arm64', 'riscv32', 'riscv64', 'loongarch64']);

/** Conditions that are not settings. */
const SPECIAL_MATCHERS = new Set(['PathExists', 'SystemdVersion', 'HostArchitecture', 'Image']);

/** A condition that cannot be evaluated (unknown key, unmatchable setting): a config error. */
export class MatchError extends Error {
  constructor(message: string, readonly line: number, readonly setting: string) {
    super(message);
    this.name = 'MatchError';
  }
}

/** The host's systemd version, from HostFacts (the CLI asks `systemctl` lazily, only when a condition needs it). */
async function hostSystemdVersion(ctx: ParseContext): Promise<string | null> {
  return ctx.host.systemdVersion ? ctx.host.systemdVersion() : null;
}

const VERSION_OPS = ['==', '!=', '<=', '>=', '<', '>'] as const;

function versionMatches(current: string, spec: string): boolean {
  const op = VERSION_OPS.find((o) => spec.startsWith(o));
  const wanted = op ? spec.slice(op.length) : spec;
  const cmp = compareVersions(current, wanted);
  switch (op ?? '==') {
    case '==': return cmp === 0;
    case '!=': return cmp !== 0;
    case '<=': return cmp <= 0;
    case '>=': return cmp >= 0;
    case '<': return cmp < 0;
    default: return cmp > 0;
  }
}

function settingMatches(def: SettingDef, current: unknown, value: string): boolean {
  if (current === null || current === undefined) return false;
  switch (def.match) {
    case 'member': return Array.isArray(current) && current.includes(value);
    case 'profiles': return Array.isArray(current) && (value === '' ? current.length === 0 : current.includes(value));
    case 'glob': return typeof current === 'string' && fnmatch(current, value);
    case 'version': return typeof current === 'string' && versionMatches(current, value);
    case 'architecture': return value === 'uefi' ? UEFI_ARCHITECTURES.has(String(current)) : current === value;
    case 'feature': {
      const word = parseBooleanWord(value);
      return current === (word === undefined ? value : word ? 'enabled' : 'disabled');
    }
    case 'environment': {
      const env = current as Readonly<Record<string, string>>;
      const eq = value.indexOf('=');
      return eq < 0 ? Object.hasOwn(env, value) : env[value.slice(0, eq)] === value.slice(eq + 1);
    }
    case 'build-sources': {
      const wanted = value.replace(/^\/+/, '');
      return Array.isArray(current) && current.some((tree: { Target?: string | null }) =>
        typeof tree.Target === 'string' && tree.Target.replace(/^\/+/, '') === wanted);
    }
    default: return String(current) === value;
  }
}

async function conditionHolds(ctx: ParseContext, a: IniAssignment, section: string, file: string): Promise<boolean> {
  let value = a.value;
  if (value.startsWith('|')) value = value.slice(1);
  const negate = value.startsWith('!');
  if (negate) value = value.slice(1);
  value = expandSpecifiers(value, ctx, { kind: 'file', file, line: a.line });
  let result: boolean;
  if (SPECIAL_MATCHERS.has(a.key)) {
    switch (a.key) {
      case 'PathExists': result = existsSync(resolve(ctx.cwd, value)); break;
      case 'HostArchitecture': result = ctx.host.architecture === value; break;
      case 'Image': result = ctx.image === value; break;
      default: {
        const version = await hostSystemdVersion(ctx);
        result = version !== null && versionMatches(version, value);
      }
    }
  } else {
    const found = findSetting(a.key.replace(/^@/, ''));
    if (!found?.def.match) throw new MatchError(`${a.key} cannot be used in [${section}]`, a.line, a.key);
    if (found.def.scope === 'main' && ctx.image !== 'main') {
      throw new MatchError(`${a.key} cannot be matched on in sub image ${ctx.image}`, a.line, a.key);
    }
    result = settingMatches(found.def, ctx.get(storageKey(found.def)), value);
  }
  return negate ? !result : result;
}

/** One section: all plain conditions hold, and at least one `|` condition if there are any. Returns the first failing condition. */
async function sectionHolds(ctx: ParseContext, section: IniSection, file: string): Promise<{ ok: boolean; failed?: IniAssignment }> {
  let triggers = 0;
  let triggered = false;
  let firstTrigger: IniAssignment | undefined;
  for (const a of section.assignments) {
    const holds = await conditionHolds(ctx, a, section.name, file);
    if (a.value.startsWith('|')) {
      triggers++;
      firstTrigger ??= a;
      triggered ||= holds;
    } else if (!holds) return { ok: false, failed: a };
  }
  return triggers > 0 && !triggered ? { ok: false, ...(firstTrigger ? { failed: firstTrigger } : {}) } : { ok: true };
}

/** Whether the file's [Match]/[TriggerMatch] sections hold. Throws MatchError on a bad condition. */
export async function matchHolds(ctx: ParseContext, sections: readonly IniSection[], file: string): Promise<boolean> {
  return (await evaluate(ctx, sections, file, 'Match', 'TriggerMatch')).ok;
}

/** Checks [Assert]/[TriggerAssert]; returns the failure message, if any. */
export async function assertFailure(ctx: ParseContext, sections: readonly IniSection[], file: string): Promise<{ message: string; line: number; setting?: string } | undefined> {
  const result = await evaluate(ctx, sections, file, 'Assert', 'TriggerAssert');
  if (result.ok) return undefined;
  if (result.failed) {
    const a = result.failed;
    return { message: `${a.key}=${a.value} in [Assert] section was not satisfied`, line: a.line, setting: a.key };
  }
  return { message: `None of the [TriggerAssert] sections was satisfied`, line: result.line };
}

async function evaluate(ctx: ParseContext, sections: readonly IniSection[], file: string, plain: string, trigger: string):
Promise<{ ok: boolean; failed?: IniAssignment; line: number }> {
  let triggerSections = 0;
  let anyTrigger = false;
  let line = 0;
  for (const section of sections) {
    if (section.name === plain) {
      const r = await sectionHolds(ctx, section, file);
      if (!r.ok) return { ok: false, ...(r.failed ? { failed: r.failed } : {}), line: section.line };
    } else if (section.name === trigger) {
      triggerSections++;
      line ||= section.line;
      if (!anyTrigger) anyTrigger = (await sectionHolds(ctx, section, file)).ok;
    }
  }
  return { ok: triggerSections === 0 || anyTrigger, line };
}
