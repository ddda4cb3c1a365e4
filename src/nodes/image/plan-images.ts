// Compiles a loaded mkosi configuration into the engine's plan input (pure: values in, values out). One
// chain per image — package-lock → base-install → finalize → output (no package-lock with BaseTrees=) —
// with one repo-metadata node per distinct repository set, shared by every image that uses it. Optional links: package-delta (Packages=
// grew), volatile-packages (VolatilePackages=), build-overlay → build-scripts (BuildScripts=).
import { createHash } from 'node:crypto';
import type { Failure } from '../../errors/failures.js';
import { err, ok } from '../../errors/result.js';
import type { Result } from '../../errors/result.js';
import type { NodeInput, PlanInput } from '../../graph/types.js';
import { debian } from '../packages/distro/debian.js';
import type { HostAptSources } from '../packages/distro/host-apt-sources.js';
import { kali } from '../packages/distro/kali.js';
import type { AptDistribution } from '../packages/distro/types.js';
import { ubuntu } from '../packages/distro/ubuntu.js';
import { describePackageFailure } from '../packages/package-failure.js';
import type { PackageFailure } from '../packages/package-failure.js';
import type { Settings } from '../types.js';
import type { BaseInstallParams } from './base-install/base-install.js';
import type { BuildOverlayParams } from './build-overlay/build-overlay.js';
import type { BuildScriptsParams } from './build-scripts/build-scripts.js';
import type { FinalizeParams } from './finalize/finalize.js';
import { bool, list, str, trees } from './image-settings.js';
import type { OutputParams } from './output/output.js';
import type { PackageDeltaParams } from './package-delta/package-delta.js';
import type { PackageLockParams } from './package-lock/package-lock.js';
import type { RepoMetadataParams } from './repo-metadata/repo-metadata.js';
import type { ScriptAptParams } from './script-apt.js';
import type { VolatilePackagesParams } from './volatile-packages/volatile-packages.js';
import { rootRelative } from './trees.js';
import { compileRegexItems, expandKernelModules, kernelModuleNeeds, regexOnlyProblem } from '../finalize/kernel-modules.js';

const DISTRIBUTIONS: Readonly<Record<string, AptDistribution>> = { debian, ubuntu, kali };

export interface PlanImagesOptions {
  /** Images in build order (dependencies first, main last), each the `summary --json` object. */
  readonly images: readonly Settings[];
  /** The configuration directory: input paths are relative to it. */
  readonly root: string;
  /** The host's apt sources, where default mirrors come from. */
  readonly host: HostAptSources;
  /** The clock, for the metadata freshness bucket. */
  readonly now: number;
  /** How long a metadata snapshot is reused (ms). */
  readonly metadataTtlMs: number;
  /** PackageCacheDirectory= when the config leaves it unset. */
  readonly packageCache: string;
  /**
   * The wish list of the image's last built lock (from the store's history). When the current Packages= only
   * adds to it, the base keeps that lock and a package-delta node installs the additions on top.
   */
  readonly previousPackages?: (image: string) => readonly string[] | undefined;
  /** The arguments after the verb (`mkb build -- …`), passed to build scripts. */
  readonly buildArgs?: readonly string[];
  /**
   * `-R`: plan only the build scripts (and what they need) of the images that have some; nothing after
   * them, as mkosi 27.1 stops after the build scripts and leaves the outputs alone.
   */
  readonly rerunBuildScripts?: boolean;
  /**
   * The freshness bucket of the last snapshot a repo-metadata node (by id) was built with, from the store's
   * history: CacheOnly=metadata and always reuse it instead of syncing. Unset: planning without the store.
   */
  readonly previousMetadataBucket?: (id: string) => string | undefined;
  /**
   * What `default` and `host` in KernelModules= stand for: the host's loaded modules and mkosi-initrd's
   * KernelModules= by Architecture=. Read by the command line only when some image names them.
   */
  readonly kernelModules?: {
    readonly loaded?: readonly string[];
    readonly initrd?: Readonly<Record<string, readonly string[]>>;
  };
}

export interface ImageNodes {
  readonly image: string;
  readonly output: string;
  readonly settings: Settings;
}

export interface ImagePlan {
  readonly input: PlanInput;
  /** Per image, in build order: the output node whose tree is published. The last is the main image. */
  readonly images: readonly ImageNodes[];
}

function planError(image: Settings, root: string, message: string): Failure {
  return { code: 'PLAN_INVALID', file: list(image, 'Files')[0] ?? root, message };
}

function packageMessage(f: PackageFailure): string {
  const text = describePackageFailure(f);
  return text.hint === undefined ? text.message : `${text.message}\n  hint: ${text.hint}`;
}

const shortHash = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 12);

function metadataNode(o: PlanImagesOptions, image: Settings, distro: AptDistribution, architecture: string): Result<NodeInput, Failure> {
  const release = str(image, 'Release') ?? distro.defaultRelease;
  const mirror = str(image, 'Mirror');
  const snapshot = str(image, 'Snapshot');
  const localMirror = str(image, 'LocalMirror');
  const repos = distro.repositories({
    release, architecture: str(image, 'Architecture') ?? 'x86-64', repositories: list(image, 'Repositories'), host: o.host,
    ...(mirror === undefined ? {} : { mirror }), ...(snapshot === undefined ? {} : { snapshot }), ...(localMirror === undefined ? {} : { localMirror }),
  }, 'build');
  if (!repos.ok) return err(planError(image, o.root, packageMessage(repos.error)));
  const repositoryKeyCheck = bool(image, 'RepositoryKeyCheck', true);
  const id = `repo-metadata/${distro.name}-${release}-${architecture}-${shortHash([repos.value, repositoryKeyCheck])}`;
  const cacheOnly = str(image, 'CacheOnly') ?? 'auto';
  const bucket = metadataBucket(o, id, cacheOnly);
  if (bucket === undefined) {
    return err(planError(image, o.root, `CacheOnly=${cacheOnly}: the store has no repository metadata for ${repos.value.map((r) => `${r.uri} ${r.suite}`).join('; ')}`
      + `\n  hint: build once with CacheOnly=auto (the default) to sync it; CacheOnly=${cacheOnly} never syncs`));
  }
  const params: RepoMetadataParams = { repositories: repos.value, architecture, repositoryKeyCheck, keyringPackage: distro.keyringPackage, bucket };
  // CacheOnly is read (unkeyed) by the node only to refuse syncing when the reused snapshot left the store.
  return ok({ id, spec: { kind: 'repo-metadata', image: str(image, 'Image') ?? 'main', settings: { CacheOnly: cacheOnly }, params } });
}

/**
 * Which snapshot a build uses (mkosi's CacheOnly=): `auto` the current freshness bucket, `never` a new one
 * every build, `metadata` and `always` the last one built (undefined: there is none).
 */
function metadataBucket(o: PlanImagesOptions, id: string, cacheOnly: string): string | undefined {
  const current = String(Math.floor(o.now / o.metadataTtlMs));
  if (cacheOnly === 'never') return `sync-${o.now}`;
  if (cacheOnly !== 'metadata' && cacheOnly !== 'always') return current;
  return o.previousMetadataBucket === undefined ? current : o.previousMetadataBucket(id);
}

function imageSources(o: PlanImagesOptions, image: Settings, distro: AptDistribution): FinalizeParams['imageSources'] {
  const release = str(image, 'Release') ?? distro.defaultRelease;
  const repos = distro.repositories({ release, architecture: str(image, 'Architecture') ?? 'x86-64', repositories: list(image, 'Repositories'), host: o.host }, 'image');
  return repos.ok ? { release, repositories: repos.value } : undefined;
}

/**
 * What lies inside the build sources but is no source: output, cache, workspace and build directories,
 * and the files a build publishes when OutputDirectory= is the configuration directory itself.
 */
function buildSourceExcludes(o: PlanImagesOptions, image: Settings): string[] {
  const dirs = ['BuildDirectory', 'CacheDirectory', 'PackageCacheDirectory', 'WorkspaceDirectory'].flatMap((name) => str(image, name) ?? []);
  const excludes = [...dirs, o.packageCache, `${o.root}/.mkosi-private`].map((p) => rootRelative(p, o.root));
  const outputDir = rootRelative(str(image, 'OutputDirectory') ?? o.root, o.root);
  if (outputDir !== '.') return [...excludes, outputDir];
  return [...excludes, `${str(image, 'Output') ?? 'image'}*`, '.mkb-*'];
}

/** build-overlay and build-scripts, on top of `base`, for an image with build scripts. */
function buildNodes(o: PlanImagesOptions, image: Settings, base: { metadata: string; tree: string; architecture: string }): [BuildOverlayParams, BuildScriptsParams] {
  const name = str(image, 'Image') ?? 'main';
  const sources = trees(image, 'BuildSources').map((t) => t.source);
  const overlay: BuildOverlayParams = {
    metadata: base.metadata, base: base.tree, architecture: base.architecture, files: list(image, 'PrepareScripts').map((p) => rootRelative(p, o.root)),
  };
  // Build scripts may call mkosi-install too (into the throwaway layer): from the build's repositories.
  const scripts: BuildScriptsParams = {
    overlay: `${name}/build-overlay`,
    files: [...list(image, 'BuildScripts'), ...(sources.length === 0 ? [o.root] : sources)].map((p) => rootRelative(p, o.root)),
    exclude: buildSourceExcludes(o, image), args: [...o.buildArgs ?? []],
    scriptApt: { metadata: base.metadata, architecture: base.architecture },
  };
  return [overlay, scripts];
}

interface ChainFacts {
  readonly metadata: string;
  readonly architecture: string;
  readonly distro: AptDistribution;
  /** KernelModules= expanded, when it names `default` or `host` or KernelModulesIncludeHost= is set. */
  readonly kernelModules: readonly string[] | undefined;
}

/**
 * KernelModules= with `default` (mkosi-initrd's list for the image's architecture) and `host` (the host's
 * loaded modules, also added by KernelModulesIncludeHost=) expanded; undefined when the list has neither.
 */
function expandedKernelModules(o: PlanImagesOptions, image: Settings): Result<string[] | undefined, Failure> {
  // Checked here too, so that a bad pattern fails before anything is built, naming the config file.
  for (const [setting, regexSetting] of [['KernelModules', 'KernelModulesInclude'], ['KernelModulesExclude', 'KernelModulesExclude'],
    ['FirmwareFiles', 'FirmwareInclude'], ['FirmwareExclude', 'FirmwareExclude']] as const) {
    const compiled = compileRegexItems(list(image, setting), regexSetting);
    if (!compiled.ok) return err(planError(image, o.root, compiled.error));
  }
  for (const setting of ['KernelModulesExclude', 'FirmwareExclude']) {
    const problem = regexOnlyProblem(setting, list(image, setting));
    if (problem !== undefined) return err(planError(image, o.root, problem));
  }
  const include = list(image, 'KernelModules');
  const includeHost = bool(image, 'KernelModulesIncludeHost', false);
  const needs = kernelModuleNeeds(include, includeHost);
  if (!needs.host && !needs.initrd) return ok(undefined);
  const architecture = str(image, 'Architecture') ?? 'x86-64';
  const r = expandKernelModules(include, includeHost, {
    loaded: o.kernelModules?.loaded, initrd: o.kernelModules?.initrd?.[architecture],
  });
  if (!r.ok) {
    return err(planError(image, o.root, `KernelModules=${include.join(',')}${includeHost ? ' with KernelModulesIncludeHost=yes' : ''}: ${r.error}`));
  }
  return ok(r.value);
}

function imageChain(o: PlanImagesOptions, image: Settings, facts: ChainFacts): NodeInput[] {
  const { metadata, architecture, distro } = facts;
  const name = str(image, 'Image') ?? 'main';
  const settings: Settings = { ...image, PackageCacheDirectory: str(image, 'PackageCacheDirectory') ?? o.packageCache };
  const rel = (paths: readonly string[]): string[] => paths.map((p) => rootRelative(p, o.root));
  const id = (stage: string): string => `${name}/${stage}`;
  const lock: PackageLockParams = { metadata, architecture, bootstrap: distro.bootstrapPackages(architecture) };
  const wanted = list(image, 'Packages');
  const baseTrees = list(image, 'BaseTrees');
  // With BaseTrees= there is no lock: base-install resolves Packages= against the trees itself (mkosi installs
  // only those on top of them), so there is no earlier lock to add a delta to either.
  const previous = baseTrees.length > 0 ? undefined : o.previousPackages?.(name);
  const added = previous === undefined || previous.length === 0 || !previous.every((p) => wanted.includes(p)) ? []
    : wanted.filter((p) => !previous.includes(p));
  const baseSettings: Settings = added.length === 0 ? settings : { ...settings, Packages: [...previous ?? []] };
  // Scripts may install packages (mkosi-install): from the build's repositories, so the metadata is an input.
  const scriptApt = (settings: readonly string[]): { scriptApt?: ScriptAptParams } =>
    (settings.some((n) => list(image, n).length > 0) ? { scriptApt: { metadata, architecture } } : {});
  const base: BaseInstallParams = {
    ...(baseTrees.length > 0 ? {
      onBaseTrees: {
        packages: wanted, architecture, withRecommends: bool(image, 'WithRecommends', false), repositoryKeyCheck: bool(image, 'RepositoryKeyCheck', true),
      },
    } : { lock: id('package-lock') }),
    metadata,
    files: rel([...baseTrees, ...trees(image, 'SkeletonTrees').map((t) => t.source), ...list(image, 'PrepareScripts')]),
    ...scriptApt(['PrepareScripts']),
  };
  const sources = imageSources(o, image, distro);
  const fin: FinalizeParams = {
    base: id('base-install'), architecture,
    files: rel([...trees(image, 'ExtraTrees').map((t) => t.source), ...list(image, 'PostInstallationScripts'), ...list(image, 'FinalizeScripts')]),
    ...(sources === undefined ? {} : { imageSources: sources }),
    ...scriptApt(['PostInstallationScripts', 'FinalizeScripts']),
    firstbootCredentials: str(image, 'Format') !== 'cpio' || !bool(image, 'MakeInitrd', false),
    ...(facts.kernelModules === undefined ? {} : { kernelModules: facts.kernelModules }),
    ...(list(image, 'ManifestFormat').includes('changelog') ? { changelog: true } : {}),
  };
  const out: OutputParams = { tree: id('finalize'), files: rel(list(image, 'PostOutputScripts')) };
  const node = (stage: string, params: unknown, s: Settings = settings): NodeInput => ({ id: id(stage), spec: { kind: stage, image: name, settings: s, params } });
  const chain = [...(baseTrees.length > 0 ? [] : [node('package-lock', lock, baseSettings)]), node('base-install', base, baseSettings)];
  let tree = id('base-install');
  if (added.length > 0) {
    const delta: PackageDeltaParams = { metadata, base: tree, architecture, packages: added };
    chain.push(node('package-delta', delta));
    tree = id('package-delta');
  }
  // The build runs on the base tree; volatile packages go into the image only (mkosi: after the build).
  let finalTree = tree;
  if (list(image, 'VolatilePackages').length > 0) {
    const volatile: VolatilePackagesParams = { metadata, base: tree, architecture };
    chain.push(node('volatile-packages', volatile));
    finalTree = id('volatile-packages');
  }
  let build: string | undefined;
  if (list(image, 'BuildScripts').length > 0) {
    const [overlay, scripts] = buildNodes(o, image, { metadata, tree, architecture });
    chain.push(node('build-overlay', overlay), node('build-scripts', scripts));
    build = id('build-scripts');
  }
  if (o.rerunBuildScripts === true) return build === undefined ? [] : chain.filter((n) => n.spec.kind !== 'volatile-packages');
  chain.push(node('finalize', { ...fin, base: finalTree, ...(build === undefined ? {} : { build }) }), node('output', out));
  return chain;
}

/** The plan input for every image, or every reason it cannot be planned (all of them, not just the first). */
export function planImages(o: PlanImagesOptions): Result<ImagePlan, Failure[]> {
  const nodes = new Map<string, NodeInput>();
  const images: ImageNodes[] = [];
  const failures: Failure[] = [];
  for (const image of o.images) {
    const distName = str(image, 'Distribution') ?? 'custom';
    const distro = DISTRIBUTIONS[distName];
    if (distro === undefined) {
      failures.push(planError(image, o.root, `Distribution=${distName} is not supported by mkb yet (supported: ${Object.keys(DISTRIBUTIONS).join(', ')})`));
      continue;
    }
    const arch = distro.architecture(str(image, 'Architecture') ?? 'x86-64');
    if (!arch.ok) {
      failures.push(planError(image, o.root, packageMessage(arch.error)));
      continue;
    }
    if (list(image, 'BaseTrees').length > 0 && bool(image, 'Overlay', false)) {
      // mkosi keeps only the additions to the base trees; mkb would publish the whole tree.
      failures.push(planError(image, o.root, 'Overlay=yes (an image of only the additions to BaseTrees=) is not supported by mkb yet'));
      continue;
    }
    const metadata = metadataNode(o, image, distro, arch.value);
    if (!metadata.ok) {
      failures.push(metadata.error);
      continue;
    }
    if (!nodes.has(metadata.value.id)) nodes.set(metadata.value.id, metadata.value);
    const kernelModules = expandedKernelModules(o, image);
    if (!kernelModules.ok) {
      failures.push(kernelModules.error);
      continue;
    }
    const chain = imageChain(o, image, { metadata: metadata.value.id, architecture: arch.value, distro, kernelModules: kernelModules.value });
    for (const n of chain) nodes.set(n.id, n);
    const output = chain.at(-1);
    if (output !== undefined) images.push({ image: output.spec.image, output: output.id, settings: output.spec.settings });
  }
  if (failures.length > 0) return err(failures);
  return ok({ input: { root: o.root, nodes: [...nodes.values()] }, images });
}
