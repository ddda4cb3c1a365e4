import type { ImageJson, LoadedConfig } from './types.js';

const NON_ASCII = /[\u0080-\uffff]/g;

function quote(s: string): string {
  // JSON.stringify escapes quotes, backslashes and control characters as Python does; non-ASCII is escaped below.
  const json = JSON.stringify(s);
  return json.replace(NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Python's `json.dumps(value, indent=4, sort_keys=True)` (ensure_ascii on). */
export function dumpJson(value: unknown, depth = 0): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const pad = '    '.repeat(depth + 1);
  const end = '    '.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => pad + dumpJson(v, depth + 1)).join(',\n')}\n${end}]`;
  }
  const keys = Object.keys(value as object).sort();
  if (keys.length === 0) return '{}';
  const record = value as Record<string, unknown>;
  return `{\n${keys.map((k) => `${pad}${quote(k)}: ${dumpJson(record[k], depth + 1)}`).join(',\n')}\n${end}}`;
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
