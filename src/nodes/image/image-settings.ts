// Typed reads of one image's settings (the `summary --json` object keyed by mkosi setting name). Missing
// or null values read as mkosi's defaults, so node kinds work on any config the loader produces.
import type { Settings } from '../types.js';

export interface Tree {
  readonly source: string;
  /** Absolute target inside the image ('/' when not given). */
  readonly target: string;
}

export function str(settings: Settings, name: string): string | undefined {
  const v = settings[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function num(settings: Settings, name: string): number | undefined {
  const v = settings[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function bool(settings: Settings, name: string, fallback: boolean): boolean {
  const v = settings[name];
  return typeof v === 'boolean' ? v : fallback;
}

export function list(settings: Settings, name: string): string[] {
  const v = settings[name];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** `[{Source, Target}]` trees (ExtraTrees=, SkeletonTrees=). */
export function trees(settings: Settings, name: string): Tree[] {
  const v = settings[name];
  if (!Array.isArray(v)) return [];
  const out: Tree[] = [];
  for (const t of v) {
    if (typeof t !== 'object' || t === null) continue;
    const { Source, Target } = t as { Source?: unknown; Target?: unknown };
    if (typeof Source !== 'string') continue;
    out.push({ source: Source, target: typeof Target === 'string' && Target !== '' ? Target : '/' });
  }
  return out;
}

/** RootPassword= as `[password, hashed]` (mkosi's JSON form); also accepts a plain string. */
export function rootPassword(settings: Settings): { password: string; hashed: boolean } | undefined {
  const v = settings['RootPassword'];
  if (typeof v === 'string') return v === '' ? undefined : { password: v, hashed: false };
  if (Array.isArray(v) && typeof v[0] === 'string') return { password: v[0], hashed: v[1] === true };
  return undefined;
}

/** mkosi's `CleanPackageMetadata=` (auto | yes | no). */
export function cleanPackageMetadata(settings: Settings): 'auto' | 'yes' | 'no' {
  const v = settings['CleanPackageMetadata'];
  if (v === true || v === 'yes') return 'yes';
  if (v === false || v === 'no') return 'no';
  return 'auto';
}
