// Compares two directory trees (an image built by mkosi and one built by mkb) and lists every difference:
// paths present on one side only, file types, permission bits, owners, symlink targets, content digests
// and extended attributes. Timestamps are not compared (both builders clamp them to SOURCE_DATE_EPOCH, and
// the differential test checks that separately where it matters).
import { scanTree } from '../../src/cache/tree-manifest.js';
import type { ManifestEntry } from '../../src/cache/tree-manifest.js';
import { sha256File } from '../../src/cache/hash-file.js';

export type DiffAspect = 'only-left' | 'only-right' | 'type' | 'mode' | 'owner' | 'target' | 'content' | 'xattrs';

export interface TreeDifference {
  /** Relative posix path ('.' is the root). */
  readonly path: string;
  readonly aspect: DiffAspect;
  /** The left and right values, as text (absent for the side that lacks the path). */
  readonly left?: string;
  readonly right?: string;
}

/** What is compared for one path: the manifest fields, with every regular file's digest (hardlinks too). */
export interface ComparedEntry {
  readonly path: string;
  readonly type: ManifestEntry['type'];
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly target?: string;
  readonly digest?: string;
  readonly rdev?: string;
  readonly xattrs?: Readonly<Record<string, string>>;
}

/** Reads a tree into a path → entry map. Hardlinked files get their own digest: grouping is not compared. */
export async function readTree(root: string): Promise<Map<string, ComparedEntry>> {
  const out = new Map<string, ComparedEntry>();
  for (const { entry, absolute } of await scanTree(root)) {
    const digest = entry.type === 'file' ? (await sha256File(absolute)).digest : undefined;
    out.set(entry.path, {
      path: entry.path, type: entry.type, mode: entry.mode, uid: entry.uid, gid: entry.gid,
      ...(entry.target === undefined ? {} : { target: entry.target }),
      ...(digest === undefined ? {} : { digest }),
      ...(entry.rdev === undefined ? {} : { rdev: `${entry.rdev.major}:${entry.rdev.minor}` }),
      ...(entry.xattrs === undefined ? {} : { xattrs: entry.xattrs }),
    });
  }
  return out;
}

const octal = (mode: number): string => mode.toString(8).padStart(4, '0');
const xattrText = (x: Readonly<Record<string, string>> | undefined): string =>
  Object.keys(x ?? {}).sort().map((k) => `${k}=${x?.[k] ?? ''}`).join(' ') || '(none)';
const describe = (e: ComparedEntry): string =>
  `${e.type} ${octal(e.mode)} ${e.uid}:${e.gid}${e.target === undefined ? '' : ` -> ${e.target}`}`;

const below = (paths: readonly string[], dir: string): number => paths.filter((p) => p.startsWith(`${dir}/`)).length;

/**
 * Every difference between two read trees, sorted by path. A directory on one side only is one difference
 * that counts the entries below it (they are not listed one by one).
 */
export function diffEntries(left: ReadonlyMap<string, ComparedEntry>, right: ReadonlyMap<string, ComparedEntry>): TreeDifference[] {
  const out: TreeDifference[] = [];
  const paths = [...new Set([...left.keys(), ...right.keys()])].sort();
  let skipBelow: string | undefined;
  for (const path of paths) {
    if (skipBelow !== undefined && path.startsWith(`${skipBelow}/`)) continue;
    skipBelow = undefined;
    const a = left.get(path);
    const b = right.get(path);
    const only = a === undefined ? b : b === undefined ? a : undefined;
    if (only !== undefined) {
      const side = a === undefined ? [...right.keys()] : [...left.keys()];
      const children = only.type === 'dir' ? below(side, path) : 0;
      if (children > 0) skipBelow = path;
      const text = `${describe(only)}${children > 0 ? ` (and ${children} entries below)` : ''}`;
      out.push(a === undefined ? { path, aspect: 'only-right', right: text } : { path, aspect: 'only-left', left: text });
      continue;
    }
    if (a === undefined || b === undefined) continue;
    if (a.type !== b.type) {
      out.push({ path, aspect: 'type', left: describe(a), right: describe(b) });
      continue;
    }
    if (a.mode !== b.mode) out.push({ path, aspect: 'mode', left: octal(a.mode), right: octal(b.mode) });
    if (a.uid !== b.uid || a.gid !== b.gid) out.push({ path, aspect: 'owner', left: `${a.uid}:${a.gid}`, right: `${b.uid}:${b.gid}` });
    if (a.target !== b.target) out.push({ path, aspect: 'target', left: a.target ?? '', right: b.target ?? '' });
    if (a.digest !== b.digest || a.rdev !== b.rdev) {
      out.push({ path, aspect: 'content', left: a.digest?.slice(0, 12) ?? a.rdev ?? '', right: b.digest?.slice(0, 12) ?? b.rdev ?? '' });
    }
    if (xattrText(a.xattrs) !== xattrText(b.xattrs)) out.push({ path, aspect: 'xattrs', left: xattrText(a.xattrs), right: xattrText(b.xattrs) });
  }
  return out;
}

export async function diffTrees(left: string, right: string): Promise<TreeDifference[]> {
  const [a, b] = await Promise.all([readTree(left), readTree(right)]);
  return diffEntries(a, b);
}

/** A difference the test expects, with the reason it is acceptable. */
export interface ExpectedDifference {
  /** A path, or a pattern: `*` matches within one path component, `**` across components. */
  readonly path: string;
  /** The aspects allowed to differ; all when absent. */
  readonly aspects?: readonly DiffAspect[];
  readonly why: string;
}

function patternRegExp(pattern: string): RegExp {
  const body = pattern.split(/(\*\*|\*)/).map((part) => {
    if (part === '**') return '.*';
    if (part === '*') return '[^/]*';
    return part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }).join('');
  return new RegExp(`^${body}$`);
}

export interface Classified {
  /** Differences no expectation covers: the test fails on these. */
  readonly unexpected: readonly TreeDifference[];
  /** Expectations that matched nothing: stale entries, reported so the list stays honest. */
  readonly unused: readonly ExpectedDifference[];
}

export function classifyDifferences(diffs: readonly TreeDifference[], expected: readonly ExpectedDifference[]): Classified {
  const matchers = expected.map((e) => ({ e, re: patternRegExp(e.path), used: false }));
  const unexpected = diffs.filter((d) => {
    const m = matchers.find((x) => x.re.test(d.path) && (x.e.aspects === undefined || x.e.aspects.includes(d.aspect)));
    if (m !== undefined) m.used = true;
    return m === undefined;
  });
  return { unexpected, unused: matchers.filter((m) => !m.used).map((m) => m.e) };
}

/** One line per difference: `etc/shadow  content  3f2a…  ≠  9b1c…`, labelled with the two sides' names. */
export function formatDifferences(diffs: readonly TreeDifference[], labels: { left: string; right: string }): string {
  const width = Math.min(60, Math.max(0, ...diffs.map((d) => d.path.length)));
  return diffs.map((d) => {
    const head = `${d.path.padEnd(width)}  ${d.aspect.padEnd(10)}`;
    if (d.aspect === 'only-left') return `${head}  only in ${labels.left}: ${d.left ?? ''}`;
    if (d.aspect === 'only-right') return `${head}  only in ${labels.right}: ${d.right ?? ''}`;
    return `${head}  ${labels.left}: ${d.left ?? ''}  ${labels.right}: ${d.right ?? ''}`;
  }).join('\n');
}
