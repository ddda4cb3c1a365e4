import { ValueError, type ValueKind } from './kind.js';

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'y', 't', 'on', 'always']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'n', 'f', 'off', 'never']);

/** mkosi's boolean words, case-insensitive; undefined when `raw` is not one. */
export function parseBooleanWord(raw: string): boolean | undefined {
  const word = raw.toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
}

function requireBoolean(raw: string): boolean {
  const value = parseBooleanWord(raw);
  if (value === undefined) throw new ValueError(`'${raw}' is not a valid boolean`, 'use yes or no (also true/false, on/off, 1/0)');
  return value;
}

export function bool(): ValueKind<boolean> {
  return {
    schema: (z) => z.boolean(), collection: false, empty: false, expects: 'a boolean', choices: ['yes', 'no'],
    parse: (raw) => (raw === '' ? false : requireBoolean(raw)),
  };
}

export type Feature = 'auto' | 'enabled' | 'disabled';

/** auto/enabled/disabled, or a boolean mapped to enabled/disabled. */
export function feature(): ValueKind<Feature> {
  return {
    schema: (z) => z.enum(['auto', 'enabled', 'disabled']), collection: false, empty: 'auto',
    expects: 'auto, enabled, disabled or a boolean', choices: ['auto', 'yes', 'no'],
    parse(raw) {
      if (raw === '') return 'auto';
      if (raw === 'auto' || raw === 'enabled' || raw === 'disabled') return raw;
      return requireBoolean(raw) ? 'enabled' : 'disabled';
    },
  };
}

export interface EnumOptions<V extends string> {
  /** Member a true boolean maps to; without it, booleans are rejected. */
  readonly yes?: V;
  readonly no?: V;
  /** Other accepted spellings (e.g. compression `zst` → `zstd`). */
  readonly aliases?: Readonly<Record<string, V>>;
  /** Value for an empty assignment; defaults to null semantics of the setting (its `empty`). */
  readonly empty: V | null;
  /** mkosi's name of the value set, for messages (`'x' is not a valid SecureBootSignTool`). */
  readonly typeName?: string;
}

/** One of a fixed set of strings, optionally accepting booleans as aliases. */
export function enumOf<const V extends string>(values: readonly V[], options: EnumOptions<V>): ValueKind<V | null> {
  const members = new Set<string>(values);
  return {
    schema: (z) => z.enum(values as [V, ...V[]]).nullable(), collection: false, empty: options.empty,
    expects: `one of ${values.join(', ')}`, choices: values,
    parse(raw) {
      if (raw === '') return options.empty;
      if (members.has(raw)) return raw as V;
      const alias = options.aliases?.[raw];
      if (alias !== undefined) return alias;
      if (options.yes !== undefined && options.no !== undefined) {
        const boolean = parseBooleanWord(raw);
        if (boolean !== undefined) return boolean ? options.yes : options.no;
        // mkosi tries the boolean last, so that is what it complains about.
        throw new ValueError(`Invalid boolean literal: '${raw}'`, `expected one of: ${values.join(', ')}, or a boolean`);
      }
      throw new ValueError(`'${raw}' is not a valid ${options.typeName ?? 'value'}`, `expected one of: ${values.join(', ')}`);
    },
  };
}

/** A free-form string; an empty assignment resets to null. */
export function str(): ValueKind<string | null> {
  return {
    schema: (z) => z.string().nullable(), collection: false, empty: null, expects: 'a string',
    parse: (raw) => (raw === '' ? null : raw),
  };
}

/** A file name: no `/`, not `.` or `..`; `hint` says what the setting wants instead (27.1 words it per setting). */
export function filename(options: { readonly hint?: string } = {}): ValueKind<string | null> {
  return {
    schema: (z) => z.string().nullable(), collection: false, empty: null, expects: 'a file name',
    parse(raw) {
      if (raw === '') return null;
      if (raw.includes('/') || raw === '.' || raw === '..') {
        throw new ValueError(`'${raw}' is not a valid filename.`, options.hint ?? 'a file name must not contain "/" and must not be "." or ".."');
      }
      return raw;
    },
  };
}

export interface IntOptions {
  readonly min?: number;
  readonly max?: number;
  readonly empty: number | null;
}

export function int(options: IntOptions): ValueKind<number | null> {
  return {
    schema: (z) => z.number().int().nullable(), collection: false, empty: options.empty, expects: 'an integer',
    parse(raw) {
      if (raw === '') return options.empty;
      if (!/^[+-]?\d+$/.test(raw.trim())) throw new ValueError(`'${raw}' is not a valid integer`);
      const value = Number.parseInt(raw, 10);
      if (options.min !== undefined && value < options.min) throw new ValueError(`${value} is smaller than the minimum ${options.min}`);
      if (options.max !== undefined && value > options.max) throw new ValueError(`${value} is larger than the maximum ${options.max}`);
      return value;
    },
  };
}

const SIZE_UNITS: Readonly<Record<string, number>> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** Parses `123`, `1.9M`, `2G` (powers of 1024), rounded up to a multiple of 4096. */
export function parseBytes(raw: string): number {
  const match = /^(\d+(?:\.\d+)?|\.\d+)([KMG]?)$/.exec(raw);
  if (!match) throw new ValueError(`'${raw}' is not a valid size`, 'use a number of bytes with an optional K, M or G suffix');
  const bytes = Number(match[1]) * (SIZE_UNITS[match[2] ?? ''] ?? 1);
  const rounded = Math.ceil(bytes / 4096) * 4096;
  if (rounded <= 0) throw new ValueError(`size '${raw}' must be greater than zero`);
  return rounded;
}

export function size(options: { readonly empty: number | null }): ValueKind<number | null> {
  return {
    schema: (z) => z.number().int().nullable(), collection: false, empty: options.empty, expects: 'a size',
    parse: (raw) => (raw === '' ? options.empty : parseBytes(raw)),
  };
}

const HEX_INT = /^\s*[+-]?(?:0[xX]_?)?[0-9a-fA-F]+(?:_[0-9a-fA-F]+)*\s*$/;

/**
 * Parses a UUID the way Python's `uuid.UUID(text)` does: `urn:`/`uuid:` and surrounding braces are
 * dropped, hyphens may be anywhere, and the remaining 32 characters are read as a base-16 integer
 * (so `_` between digits is accepted). Returns the canonical dashed lower-case form, or undefined.
 */
export function parseUuid(raw: string): string | undefined {
  const hex = raw.replaceAll('urn:', '').replaceAll('uuid:', '').replace(/^[{}]+|[{}]+$/g, '').replaceAll('-', '');
  if (hex.length !== 32 || !HEX_INT.test(hex)) return undefined;
  const text = hex.trim().replaceAll('_', '');
  const negative = text.startsWith('-');
  const value = BigInt(`0x${text.replace(/^[+-]/, '').replace(/^0[xX]/, '')}`);
  if (negative && value !== 0n) return undefined;
  return canonicalUuid(value.toString(16).padStart(32, '0'));
}

/** Formats a UUID in the canonical dashed lower-case form. */
export function canonicalUuid(raw: string): string {
  const hex = raw.replaceAll('-', '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A UUID, or a fresh one for `random` when `allowRandom`. */
export function uuid(options: { readonly allowRandom: boolean }): ValueKind<string | null> {
  return {
    schema: (z) => z.string().nullable(), collection: false, empty: null, expects: 'a UUID',
    parse(raw, _old, env) {
      if (raw === '') return null;
      if (raw === 'random' && options.allowRandom) return canonicalUuid(env.randomUuid());
      const value = parseUuid(raw);
      if (value === undefined) {
        throw new ValueError(`${raw} is not a valid UUID`, options.allowRandom ? 'use a UUID (hyphens optional) or random' : 'use a UUID (hyphens optional)');
      }
      return value;
    },
  };
}
