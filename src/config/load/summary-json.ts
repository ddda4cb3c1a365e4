import type { ImageJson, LoadedConfig } from './types.js';

const NON_ASCII = /[\u0080-\uffff]/g;

function quote(s: string): string {
  // JSON.stringify escapes quotes, backslashes and control characters as Python does; non-ASCII is escaped below.
  const json = JSON.stringify(s);
  return json.replace(NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A copy of `value` whose object keys are inserted in sorted order, so JSON.stringify emits them sorted. */
function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(sortKeys);
  const record = value as Record<string, unknown>;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) sorted[key] = sortKeys(record[key]);
  return sorted;
}

/**
 * Python's `json.dumps(value, indent=4, sort_keys=True)` (ensure_ascii on). JSON.stringify with an indent
 * already uses Python's separators and prints empty lists and objects as `[]` and `{}`; only the key order
 * and the escaping of non-ASCII characters differ.
 */
export function dumpJson(value: unknown): string {
  return (JSON.stringify(sortKeys(value), null, 4) ?? 'null')
    .replace(NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Python's `json.dumps(value, sort_keys=True)` without indent: `{"a": 1, "b": [1, 2]}` (what configure scripts read). */
export function dumpJsonCompact(value: unknown): string {
  if (value === null || value === undefined || typeof value !== 'object') return dumpJson(value);
  if (Array.isArray(value)) return `[${value.map((v) => dumpJsonCompact(v)).join(', ')}]`;
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record).sort().map((k) => `${quote(k)}: ${dumpJsonCompact(record[k])}`).join(', ')}}`;
}

/** The document `summary --json` prints: exactly mkosi 27.1's form, without a trailing newline. */
export function renderSummaryJson(loaded: Pick<LoadedConfig, 'images' | 'tools'>): string {
  const doc: { Images: readonly ImageJson[]; Tools: ImageJson | null } = { Images: loaded.images, Tools: loaded.tools };
  return dumpJson(doc);
}
