import type { SourceLocation } from '../diagnostics.js';
import { SETTINGS } from '../settings/index.js';
import type { SettingDef } from '../settings/types.js';
import type { ParseContext } from './parse-context.js';
import { storageKey } from './parse-context.js';

/** Default root file system per distribution (`%F`). */
const DEFAULT_FILESYSTEM: Readonly<Record<string, string>> = {
  fedora: 'btrfs', opensuse: 'btrfs', centos: 'xfs', rhel: 'xfs', 'rhel-ubi': 'xfs', rocky: 'xfs', alma: 'xfs',
};

let bySpecifier: Map<string, SettingDef> | undefined;
function settingFor(char: string): SettingDef | undefined {
  if (!bySpecifier) {
    bySpecifier = new Map();
    for (const def of SETTINGS as readonly SettingDef[]) if (def.specifier) bySpecifier.set(def.specifier, def);
  }
  return bySpecifier.get(char);
}

function builtin(char: string, ctx: ParseContext): string | undefined {
  switch (char) {
    case 'C': return ctx.configDir;
    case 'P': return ctx.cwd;
    case 'D': return ctx.host.directory ?? '';
    case 'I': return ctx.image;
    case 'F': {
      const distribution = ctx.get('Distribution');
      return DEFAULT_FILESYSTEM[typeof distribution === 'string' ? distribution : ''] ?? 'ext4';
    }
    default: return undefined;
  }
}

function show(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * Expands `%` specifiers in a raw value as mkosi does while parsing: `%%` is `%`, a trailing lone `%`
 * stays, an unknown specifier or one whose setting has no value yet warns and expands to nothing.
 * Delayed `&` specifiers are not touched.
 */
export function expandSpecifiers(raw: string, ctx: ParseContext, at: SourceLocation): string {
  if (!raw.includes('%')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (c !== '%' || i === raw.length - 1) {
      out += c;
      continue;
    }
    const char = raw[++i] as string;
    if (char === '%') {
      out += '%';
      continue;
    }
    const value = builtin(char, ctx);
    if (value !== undefined) {
      out += value;
      continue;
    }
    const def = settingFor(char);
    if (!def) {
      ctx.sink.warn({ message: `Unknown specifier '%${char}' found in ${raw}, ignoring`, at, text: raw });
      continue;
    }
    const current = ctx.get(storageKey(def));
    if (current === null || current === undefined) {
      ctx.sink.warn({
        message: `Setting ${def.name} specified by specifier '%${char}' in ${raw} is not yet set, ignoring`,
        at, setting: def.name, text: raw,
      });
      continue;
    }
    out += show(current);
  }
  return out;
}
