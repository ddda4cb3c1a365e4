import type { AnyNodeKind, KindLookup } from './types.js';

/** Kinds a plan can use, and every known kind name (for "unknown kind" messages). */
export interface KindSet {
  readonly lookup: KindLookup;
  readonly known: readonly string[];
}

/** Kinds that load without the distribution machinery (zod tables, execa, package managers). */
const LIGHT_KINDS: Readonly<Record<string, () => Promise<AnyNodeKind>>> = {
  'fixture-tree': async () => (await import('./fixture/fixture-tree.js')).fixtureTreeKind,
  'fixture-merge': async () => (await import('./fixture/fixture-merge.js')).fixtureMergeKind,
};

/**
 * Loads only what a plan names: a plan of fixture kinds (tests, bench/) never imports the registry of
 * distribution kinds, which costs hundreds of milliseconds of startup; anything else loads the registry.
 */
export async function loadKinds(names: Iterable<string>): Promise<KindSet> {
  const wanted = [...new Set(names)];
  if (wanted.every((n) => Object.hasOwn(LIGHT_KINDS, n))) {
    const loaded = new Map<string, AnyNodeKind>();
    for (const n of wanted) {
      const kind = await LIGHT_KINDS[n]?.();
      if (kind !== undefined) loaded.set(n, kind);
    }
    return { lookup: (k) => loaded.get(k), known: Object.keys(LIGHT_KINDS).sort() };
  }
  const registry = await import('./registry.js');
  return { lookup: registry.lookupKind, known: registry.knownKinds() };
}
