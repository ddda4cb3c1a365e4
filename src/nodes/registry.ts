import { fixtureMergeKind } from './fixture/fixture-merge.js';
import { fixtureTreeKind } from './fixture/fixture-tree.js';
import { baseInstallKind } from './image/base-install/base-install.js';
import { buildOverlayKind } from './image/build-overlay/build-overlay.js';
import { buildScriptsKind } from './image/build-scripts/build-scripts.js';
import { finalizeKind } from './image/finalize/finalize.js';
import { outputKind } from './image/output/output.js';
import { packageDeltaKind } from './image/package-delta/package-delta.js';
import { packageLockKind } from './image/package-lock/package-lock.js';
import { repoMetadataKind } from './image/repo-metadata/repo-metadata.js';
import { volatilePackagesKind } from './image/volatile-packages/volatile-packages.js';
import type { AnyNodeKind, KindLookup } from './types.js';

/**
 * Every node kind mkb knows. Real distribution kinds join here; the fixture kinds exist for tests and
 * bench/ (they generate deterministic trees and need no distribution).
 */
export const NODE_KINDS = {
  'fixture-tree': fixtureTreeKind,
  'fixture-merge': fixtureMergeKind,
  'repo-metadata': repoMetadataKind,
  'package-lock': packageLockKind,
  'base-install': baseInstallKind,
  'package-delta': packageDeltaKind,
  'volatile-packages': volatilePackagesKind,
  'build-overlay': buildOverlayKind,
  'build-scripts': buildScriptsKind,
  finalize: finalizeKind,
  output: outputKind,
} as const satisfies Readonly<Record<string, AnyNodeKind>>;

export type KnownKind = keyof typeof NODE_KINDS;

export function isKnownKind(kind: string): kind is KnownKind {
  return Object.hasOwn(NODE_KINDS, kind);
}

/** The default kind lookup; tests compose their own with fake kinds. */
export const lookupKind: KindLookup = (kind) => (isKnownKind(kind) ? NODE_KINDS[kind] : undefined);

export const knownKinds = (): readonly string[] => Object.keys(NODE_KINDS).sort();
