// Normalizes `summary --json` documents before comparing mkosi's and mkb's, and renders differences.
//
// The normalization list is deliberately tiny. Only three things are rewritten, all random or host-specific:
//  1. The scratch directory the tree was copied to (random per run) becomes `<scratch>`.
//     Both tools run in the same scratch path, so this only makes diffs readable and stable.
//  2. Builtin configuration resources (default tools tree, default initrd, `Include=mkosi-…`):
//     mkosi unpacks its own into a fresh `/tmp/tmpXXXXXXXX/resources/`; mkb ships its own elsewhere.
//     The directory up to `resources/mkosi-<name>` becomes `<resources>/mkosi-<name>`; what follows is compared.
//  3. `Seed`, in any image, when its value does not occur anywhere in the tree's text: then it was drawn
//     at random (uuid4 per run) and becomes `<random>`. A configured Seed is compared as is.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface NormalizeOptions {
  readonly scratch: string;
  /** All text of the tree (config files, args, env); a Seed found in it was configured. */
  readonly treeText: string;
}

const RESOURCES = /(?:\/[^\s"/]+)*\/resources\/(mkosi-[a-z]+)(?=\/|$)/g;

function normalizeString(s: string, options: NormalizeOptions): string {
  return s.split(options.scratch).join('<scratch>').replace(RESOURCES, '<resources>/$1');
}

function walk(value: Json, options: NormalizeOptions): Json {
  if (typeof value === 'string') return normalizeString(value, options);
  if (Array.isArray(value)) return value.map((v) => walk(v, options));
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = k === 'Seed' && typeof v === 'string' && !options.treeText.includes(v) ? '<random>' : walk(v, options);
    }
    return out;
  }
  return value;
}

export function normalizeSummary(doc: Json, options: NormalizeOptions): Json {
  return walk(doc, options);
}

function label(path: string, key: string | number, parent: Json): string {
  if (typeof key === 'number') {
    const item = Array.isArray(parent) ? parent[key] : undefined;
    const image = item !== null && typeof item === 'object' && !Array.isArray(item) ? item['Image'] : undefined;
    return `${path}[${typeof image === 'string' ? image : String(key)}]`;
  }
  return path === '' ? key : `${path}.${key}`;
}

const show = (v: Json | undefined): string => (v === undefined ? '(absent)' : JSON.stringify(v));

/** One line per differing leaf (or per differing list, when lengths differ), `path: mkosi=… mkb=…`. */
export function diffSummaries(mkosi: Json | undefined, mkb: Json | undefined, path = ''): string[] {
  if (JSON.stringify(mkosi) === JSON.stringify(mkb)) return [];
  const bothObjects = mkosi !== null && mkb !== null && typeof mkosi === 'object' && typeof mkb === 'object'
    && mkosi !== undefined && mkb !== undefined;
  if (bothObjects && Array.isArray(mkosi) && Array.isArray(mkb) && mkosi.length === mkb.length) {
    return mkosi.flatMap((v, i) => diffSummaries(v, mkb[i], label(path, i, mkosi)));
  }
  if (bothObjects && !Array.isArray(mkosi) && !Array.isArray(mkb)) {
    const keys = [...new Set([...Object.keys(mkosi), ...Object.keys(mkb)])].sort();
    return keys.flatMap((k) => diffSummaries(mkosi[k], mkb[k], label(path, k, mkosi)));
  }
  return [`${path || '(root)'}: mkosi=${show(mkosi)} mkb=${show(mkb)}`];
}
