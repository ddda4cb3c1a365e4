// The plan of a configuration build, shared by `build` and `explain`: the loaded images compiled by the image
// planner, with the store's history deciding whether Packages= that only grew becomes a package-delta and which
// metadata snapshot CacheOnly= reuses.
import { join } from 'node:path';
import type { LocalStore } from '../../cache/local-store.js';
import { defaultStoreRoot } from '../../cache/store-root.js';
import type { Failure } from '../../errors/failures.js';
import { ok } from '../../errors/result.js';
import type { Result } from '../../errors/result.js';
import type { PlanInput } from '../../graph/types.js';
import { str } from '../../nodes/image/image-settings.js';
import { planImages } from '../../nodes/image/plan-images.js';
import type { ImagePlan, PlanImagesOptions } from '../../nodes/image/plan-images.js';
import { readHostAptSources } from '../../nodes/packages/distro/host-apt-sources.js';
import type { Settings } from '../../nodes/types.js';
import type { EngineRuntime } from '../engine/runtime.js';
import { kernelModuleInputs } from './kernel-module-inputs.js';

/** How long a repository metadata snapshot is reused before a build syncs again. */
const METADATA_TTL_MS = 6 * 3600_000;

export interface ConfigPlan {
  /** The plan without the store's history (the images, published outputs). */
  readonly plan: ImagePlan;
  /**
   * The plan input once the store is open: Packages= that only grew since the last lock becomes a package-delta,
   * and CacheOnly= reuses the last metadata snapshot (failing when there is none).
   */
  readonly planInput: (store: LocalStore) => Result<PlanInput, Failure[]>;
  /** CacheDirectory= of the main image, when the config sets it. */
  readonly cacheDirectory?: string;
  /** The store the build uses (from CacheDirectory=, or the default). */
  readonly storeRoot: string;
}

/** The wish list of the image's last built lock, from the store's history. */
function previousPackages(store: LocalStore, root: string, image: string): string[] | undefined {
  const packages = store.latest(root, `${image}/package-lock`)?.preimage.settings['Packages'];
  return Array.isArray(packages) && packages.every((p) => typeof p === 'string') ? packages : undefined;
}

/** The freshness bucket of a repo-metadata node's last snapshot, from the store's history (CacheOnly=). */
function previousMetadataBucket(store: LocalStore, root: string, id: string): string | undefined {
  const params = store.latest(root, id)?.preimage.params;
  const bucket = typeof params === 'object' && params !== null && 'bucket' in params ? params.bucket : undefined;
  return typeof bucket === 'string' ? bucket : undefined;
}

export interface ConfigPlanOptions {
  readonly images: readonly Settings[];
  readonly root: string;
  readonly runtime: EngineRuntime;
  /** Arguments after `--`, passed to build scripts (and keyed on their node). */
  readonly buildArgs?: readonly string[];
  /** `-R`: plan each image with build scripts only up to its build-scripts node. */
  readonly rerunBuildScripts?: boolean;
}

export async function planConfigBuild(options: ConfigPlanOptions): Promise<Result<ConfigPlan, Failure[]>> {
  const { runtime } = options;
  const main = options.images.at(-1);
  const cacheDirectory = main === undefined ? undefined : str(main, 'CacheDirectory');
  const storeRoot = defaultStoreRoot({ cacheDirectory, uid: runtime.uid, home: runtime.home, xdgCacheHome: runtime.env['XDG_CACHE_HOME'] });
  const planOptions: PlanImagesOptions = {
    images: options.images, root: options.root, host: await readHostAptSources({ etcApt: '/etc/apt' }), now: runtime.now(),
    metadataTtlMs: METADATA_TTL_MS, packageCache: join(storeRoot, 'packages'),
    ...(options.buildArgs === undefined ? {} : { buildArgs: options.buildArgs }),
    ...(options.rerunBuildScripts === undefined ? {} : { rerunBuildScripts: options.rerunBuildScripts }),
    kernelModules: await kernelModuleInputs(options.images, runtime.env),
  };
  const plan = planImages(planOptions);
  if (!plan.ok) return plan;
  const planInput = (store: LocalStore): Result<PlanInput, Failure[]> => {
    const withHistory = planImages({
      ...planOptions, previousPackages: (image) => previousPackages(store, options.root, image),
      previousMetadataBucket: (id) => previousMetadataBucket(store, options.root, id),
    });
    return withHistory.ok ? ok(withHistory.value.input) : withHistory;
  };
  return ok({ plan: plan.value, planInput, storeRoot, ...(cacheDirectory === undefined ? {} : { cacheDirectory }) });
}
