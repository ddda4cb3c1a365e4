import type { z } from 'zod';
import { ValueError, type ParseEnv, type ValueKind, type Zod } from './kind.js';
import { shlexSplit } from './shlex.js';

/** How a list assignment is split into items (mkosi-reference §1.2). */
export type ListSplit =
  | 'comma-whitespace' // `,` and any whitespace (most lists)
  | 'space'            // space and newline, commas kept (KernelCommandLine, PassEnvironment, Drives)
  | 'shlex';           // POSIX shell words (QemuArgs)

export function splitItems(raw: string, split: ListSplit): string[] {
  switch (split) {
    case 'comma-whitespace': return raw.split(/[,\s]/).filter((item) => item !== '');
    case 'space': return raw.split(/[ \n]/).filter((item) => item !== '');
    case 'shlex': return shlexSplit(raw);
  }
}

export interface ListOptions<T> {
  readonly split?: ListSplit;
  /** Parses one item; may return several (glob expansion). */
  readonly item?: (item: string, env: ParseEnv) => T | readonly T[];
  readonly itemSchema?: (zod: Zod) => z.ZodType<T>;
  /** Re-sorts the whole list after every assignment. */
  readonly sort?: (a: T, b: T) => number;
  /** false: an empty assignment does not reset (Include=). */
  readonly reset?: boolean;
}

export function list<T = string>(options: ListOptions<T> = {}): ValueKind<T[]> {
  const split = options.split ?? 'comma-whitespace';
  return {
    schema: (z) => z.array(options.itemSchema ? options.itemSchema(z) : (z.string() as unknown as z.ZodType<T>)), collection: true, empty: [], expects: 'a list',
    parse(raw, old, env) {
      if (raw.trim() === '') return options.reset === false ? [...(old ?? [])] : [];
      const items: T[] = [...(old ?? [])];
      for (const word of splitItems(raw, split)) {
        const parsed = options.item ? options.item(word, env) : (word as unknown as T);
        if (Array.isArray(parsed)) items.push(...(parsed as readonly T[]));
        else items.push(parsed as T);
      }
      if (options.sort) items.sort(options.sort);
      return items;
    },
  };
}

/**
 * Package lists are sorted on every parse: plain names first, then paths, then `(conditional …)`
 * expressions, each group by string order; duplicates are kept.
 */
export function comparePackages(a: string, b: string): number {
  const group = (name: string): number => (name.startsWith('/') ? 1 : name.startsWith('(') ? 2 : 0);
  return group(a) - group(b) || (a < b ? -1 : a > b ? 1 : 0);
}

export interface DictOptions {
  /** Parses one `K=V` word into key and value. */
  readonly entry?: (word: string, env: ParseEnv) => readonly [string, string];
}

/** `K=V` words (shell-quoted); later keys override earlier ones. */
export function dict(options: DictOptions = {}): ValueKind<Record<string, string>> {
  const entry = options.entry ?? splitKeyValue;
  return {
    schema: (z) => z.record(z.string(), z.string()), collection: true, empty: {}, expects: 'KEY=VALUE pairs',
    parse(raw, old, env) {
      if (raw.trim() === '') return {};
      const result: Record<string, string> = { ...(old ?? {}) };
      for (const word of shlexSplit(raw)) {
        const [key, value] = entry(word, env);
        result[key] = value;
      }
      return result;
    },
  };
}

export function splitKeyValue(word: string): readonly [string, string] {
  const eq = word.indexOf('=');
  if (eq <= 0) throw new ValueError(`'${word}' is not of the form KEY=VALUE`);
  return [word.slice(0, eq), word.slice(eq + 1)];
}

/**
 * `Environment=` items: `K=V`, or a bare `K` taking `$K` from mkosi's own environment (empty when unset).
 * 27.1 accepts an empty name (`=x` → `{"": "x"}`).
 */
export function environmentEntry(word: string, env: ParseEnv): readonly [string, string] {
  const eq = word.indexOf('=');
  if (eq < 0) return [word, env.env[word] ?? ''];
  return [word.slice(0, eq), word.slice(eq + 1)];
}
