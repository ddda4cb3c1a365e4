import { canonicalJson } from '../util/canonical-json.js';
import type { KeyPreimage } from './keys.js';

/** One reason a node's key changed, in terms a user recognizes. */
export interface KeyChange {
  readonly what: 'setting' | 'file' | 'dep' | 'tool' | 'env' | 'epoch' | 'kind' | 'params' | 'engine';
  readonly name: string;
  readonly old?: unknown;
  readonly new?: unknown;
}

function changed(a: unknown, b: unknown): boolean {
  return canonicalJson(a ?? null) !== canonicalJson(b ?? null);
}

function diffRecords(what: KeyChange['what'], a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): KeyChange[] {
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return names.filter((n) => changed(a[n], b[n])).map((n) => ({
    what, name: n, ...(n in a ? { old: a[n] } : {}), ...(n in b ? { new: b[n] } : {}),
  }));
}

const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A kind's parameters, per field when both sides are objects (`params packages gained tree`). */
function diffParams(old: unknown, now: unknown): KeyChange[] {
  if (isRecord(old) && isRecord(now)) return diffRecords('params', old, now);
  return changed(old, now) ? [{ what: 'params', name: 'params', old, new: now }] : [];
}

/** What differs between the pre-image of the last build and the current one (`mkb explain`). */
export function diffPreimages(old: KeyPreimage, now: KeyPreimage): KeyChange[] {
  const out: KeyChange[] = [];
  if (old.schema !== now.schema || old.engine !== now.engine) out.push({ what: 'engine', name: 'engine', old: old.engine, new: now.engine });
  if (old.kind !== now.kind || old.kindVersion !== now.kindVersion) {
    out.push({ what: 'kind', name: now.kind, old: `${old.kind} v${old.kindVersion}`, new: `${now.kind} v${now.kindVersion}` });
  }
  out.push(...diffRecords('setting', old.settings, now.settings));
  out.push(...diffParams(old.params, now.params));
  out.push(...diffRecords('file', old.files, now.files));
  const deps = Math.max(old.deps.length, now.deps.length);
  for (let i = 0; i < deps; i++) {
    const a = old.deps[i];
    const b = now.deps[i];
    if (changed(a, b)) out.push({ what: 'dep', name: b?.kind ?? a?.kind ?? `#${i}`, ...(a ? { old: a.digest } : {}), ...(b ? { new: b.digest } : {}) });
  }
  out.push(...diffRecords('tool', old.tools, now.tools), ...diffRecords('env', old.env, now.env));
  if (old.epoch !== now.epoch) out.push({ what: 'epoch', name: 'SOURCE_DATE_EPOCH', old: old.epoch, new: now.epoch });
  return out;
}

function short(value: unknown): string {
  if (typeof value === 'string') return /^[0-9a-f]{64}$/.test(value) ? value.slice(0, 12) : value;
  return JSON.stringify(value) ?? 'unset';
}

/** Items of a list-valued setting that one side has and the other lacks, each once. */
function listDelta(old: readonly unknown[], now: readonly unknown[]): { gained: string[]; lost: string[] } {
  const before = new Set(old.map((v) => JSON.stringify(v)));
  const after = new Set(now.map((v) => JSON.stringify(v)));
  const text = (v: string): string => short(JSON.parse(v));
  return { gained: [...after].filter((v) => !before.has(v)).map(text), lost: [...before].filter((v) => !after.has(v)).map(text) };
}

/** How a changed input is named: `Packages=` for settings (as a config file spells them), the path for files. */
function label(c: KeyChange): string {
  if (c.what === 'setting') return `${c.name}=`;
  if (c.what === 'file') return c.name;
  return `${c.what} ${c.name}`;
}

/**
 * A change as one line, in the words of the config: `Packages= gained tree`, `Format= changed from directory to tar`,
 * `mkosi.extra/etc/motd changed`, `dep base-install output digest 1a2b… → 3c4d…`.
 */
export function describeChange(c: KeyChange): string {
  if (Array.isArray(c.old) && Array.isArray(c.new)) {
    const { gained, lost } = listDelta(c.old, c.new);
    const parts = [...(gained.length > 0 ? [`gained ${gained.join(', ')}`] : []), ...(lost.length > 0 ? [`lost ${lost.join(', ')}`] : [])];
    return `${label(c)} ${parts.length > 0 ? parts.join('; ') : 'changed order'}`;
  }
  if (!('old' in c)) return c.what === 'file' ? `${c.name} added` : `${label(c)} set to ${short(c.new)}`;
  if (!('new' in c)) return c.what === 'file' ? `${c.name} removed` : `${label(c)} unset (was ${short(c.old)})`;
  if (c.what === 'file') return `${c.name} changed`;
  if (c.what === 'dep') return `dep ${c.name} output digest ${short(c.old)} → ${short(c.new)}`;
  return `${label(c)} changed from ${short(c.old)} to ${short(c.new)}`;
}
