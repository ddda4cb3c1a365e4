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

/** What differs between the pre-image of the last build and the current one (`mkb explain`). */
export function diffPreimages(old: KeyPreimage, now: KeyPreimage): KeyChange[] {
  const out: KeyChange[] = [];
  if (old.schema !== now.schema || old.engine !== now.engine) out.push({ what: 'engine', name: 'engine', old: old.engine, new: now.engine });
  if (old.kind !== now.kind || old.kindVersion !== now.kindVersion) {
    out.push({ what: 'kind', name: now.kind, old: `${old.kind} v${old.kindVersion}`, new: `${now.kind} v${now.kindVersion}` });
  }
  out.push(...diffRecords('setting', old.settings, now.settings));
  if (changed(old.params, now.params)) out.push({ what: 'params', name: 'params', old: old.params, new: now.params });
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
  const text = JSON.stringify(value) ?? 'unset';
  return /^"[0-9a-f]{64}"$/.test(text) ? text.slice(1, 13) : text;
}

/** A change as one line: `setting Packages: +less`, `file mkosi.extra/etc/motd changed`, `dep base output 1a2b… → 3c4d…`. */
export function describeChange(c: KeyChange): string {
  if (c.what === 'setting' && Array.isArray(c.old) && Array.isArray(c.new)) {
    const before = new Set(c.old.map((v) => JSON.stringify(v)));
    const after = new Set(c.new.map((v) => JSON.stringify(v)));
    const added = [...after].filter((v) => !before.has(v)).map((v) => `+${String(JSON.parse(v))}`);
    const removed = [...before].filter((v) => !after.has(v)).map((v) => `-${String(JSON.parse(v))}`);
    if (added.length + removed.length > 0) return `setting ${c.name}: ${[...added, ...removed].join(' ')}`;
    return `setting ${c.name}: order changed`;
  }
  if (!('old' in c)) return `${c.what} ${c.name}: added (${short(c.new)})`;
  if (!('new' in c)) return `${c.what} ${c.name}: removed (was ${short(c.old)})`;
  if (c.what === 'file') return `file ${c.name} changed`;
  if (c.what === 'dep') return `dep ${c.name} output digest ${short(c.old)} → ${short(c.new)}`;
  return `${c.what} ${c.name}: ${short(c.old)} → ${short(c.new)}`;
}
