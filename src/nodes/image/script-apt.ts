// What a stage whose scripts may call mkosi-install needs: the repo-metadata node (a dependency, so a new
// snapshot re-runs the scripts) and the dpkg architecture; the package cache is the build's own.
import type { NodeId } from '../../errors/failures.js';
import type { DepOutput, NodeSpec } from '../types.js';
import { packageCache } from './base-install/package-cache.js';
import { bool } from './image-settings.js';
import type { ScriptApt } from './scripts.js';

export interface ScriptAptParams {
  /** The repo-metadata node. */
  readonly metadata: NodeId;
  /** dpkg architecture. */
  readonly architecture: string;
}

/** Settings the apt helpers read: a stage that offers them keeps these in its key. */
export const SCRIPT_APT_SETTINGS = ['WithRecommends', 'WithDocs', 'RepositoryKeyCheck'] as const;

/** The helpers' apt state, from the stage's dependencies (the metadata is the one with id `params.metadata`). */
export async function scriptApt(spec: NodeSpec, params: ScriptAptParams | undefined, deps: readonly DepOutput[]): Promise<ScriptApt | undefined> {
  const metadata = params === undefined ? undefined : deps.find((d) => d.id === params.metadata);
  if (params === undefined || metadata === undefined) return undefined;
  const s = spec.settings;
  return {
    metadata: await metadata.readOnlyPath(), archives: packageCache(spec),
    settings: {
      architecture: params.architecture, withRecommends: bool(s, 'WithRecommends', false), withDocs: bool(s, 'WithDocs', true),
      repositoryKeyCheck: bool(s, 'RepositoryKeyCheck', true),
    },
  };
}
