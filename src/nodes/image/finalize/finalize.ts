// finalize: everything mkosi does to the tree after its cache point — the build scripts' $DESTDIR, extra
// trees, post-installation scripts, the kernel image's place, machine ID, autologin, os-release, Ssh=,
// locale-gen, system users, volatile files, presets, depmod for stale kernels, /init, clock epoch, firstboot
// settings and credentials, RemovePackages=, package records, package metadata cleanup, RemoveFiles=,
// finalize scripts. The tree's mtimes are not clamped here: the store keeps none, outputs and publishing
// clamp them.
// Output: root/ (the image tree), out/ ($OUTPUTDIR of the scripts), meta/ (packages.json, changelog, os-release).
import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok } from '../../../errors/result.js';
import type { NodeId } from '../../../errors/failures.js';
import { configureAutologin } from '../../finalize/autologin.js';
import { clampMtimes } from '../../finalize/clamp-mtimes.js';
import { configureClockEpoch } from '../../finalize/clock-epoch.js';
import { configureInitrdLinks } from '../../finalize/initrd-links.js';
import { configureOsRelease, osReleaseToSplit } from '../../finalize/os-release.js';
import { INSTALLED_FORMAT, packageRecord, parseInstalled, renderPackageReport, sourceGroups } from '../../finalize/package-report.js';
import type { InstalledPackage } from '../../finalize/package-report.js';
import { removeFiles } from '../../finalize/remove-files.js';
import { removeImagePackages } from '../../finalize/remove-packages.js';
import { BEFORE_FIRSTBOOT, runBeforeFirstboot, treeStepTools } from '../../finalize/system-steps.js';
import { vmlinuzLocation } from '../../finalize/vmlinuz-location.js';
import type { TreeStepContext } from '../../finalize/tree-step.js';
import { toNodeFailure } from '../../packages/package-failure.js';
import { installImageSources } from '../../packages/package-manager/apt.js';
import { runTool } from '../../packages/run-tool.js';
import type { AptRepository } from '../../packages/distro/types.js';
import type { NodeKind, RunContext } from '../../types.js';
import { bool, cleanPackageMetadata, list, num, str, trees } from '../image-settings.js';
import { BASE_ONLY, BUILD_ONLY, DISK_ONLY, HOST_LOCAL, OUTPUT_ONLY, RESOLUTION, RUNTIME, union } from '../irrelevant-settings.js';
import { NODE_ENV, objectParams } from '../node-support.js';
import { scriptApt, SCRIPT_APT_SETTINGS } from '../script-apt.js';
import type { ScriptAptParams } from '../script-apt.js';
import { runScripts } from '../scripts.js';
import { copyTrees } from '../trees.js';
import { clampShadowDates, runFirstboot, writeMachineId } from './firstboot.js';

export interface FinalizeParams {
  /** The image's tree: base-install, package-delta or volatile-packages. */
  readonly base: NodeId;
  /** dpkg architecture (RemovePackages=). */
  readonly architecture: string;
  /** The build-scripts node, when the image has build scripts: its dest/ goes into the image, its artifacts/ to the scripts. */
  readonly build?: NodeId;
  /** ExtraTrees= sources and the postinst/finalize scripts, relative to the plan root. */
  readonly files: readonly string[];
  /** The apt sources an image with apt keeps (the distribution's defaults, never the build's mirror). */
  readonly imageSources?: { readonly release: string; readonly repositories: readonly AptRepository[] };
  /** Set when postinst or finalize scripts exist: mkosi-install in them installs from this metadata. */
  readonly scriptApt?: ScriptAptParams;
  /**
   * Whether the firstboot settings are also kept in /usr/lib/credstore: not in initrds (Format=cpio with
   * MakeInitrd=yes), as in mkosi 27.1. The planner decides, so finalize need not key on Format=.
   */
  readonly firstbootCredentials?: boolean;
  /** KernelModules= with `default` and `host` expanded (mkosi-initrd's list, the host's loaded modules), when it has them. */
  readonly kernelModules?: readonly string[];
  /**
   * Set when ManifestFormat= asks for the changelog manifest: reading every package's changelog is the
   * costliest part of the records. The planner decides, so finalize need not key on ManifestFormat=.
   */
  readonly changelog?: true;
}

const PACKAGE_METADATA = ['var/lib/dpkg', 'var/lib/apt', 'var/cache/apt', 'var/log/apt'];

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

/**
 * meta/: packages.json (the JSON manifest's packages), changelog (the `changelog` manifest, when asked for)
 * and os-release (SplitArtifacts=os-release), made here, where mkosi makes them, so the output stage only
 * picks files.
 */
async function recordMeta(o: { root: string; meta: string; changelog: boolean; signal: AbortSignal }): Promise<string | undefined> {
  const { root, meta, signal } = o;
  await mkdir(meta, { recursive: true });
  let packages: InstalledPackage[] = [];
  if (await exists(join(root, 'var/lib/dpkg/status'))) {
    const r = await runTool({ argv: ['dpkg-query', `--admindir=${join(root, 'var/lib/dpkg')}`, '--show', '--showformat', INSTALLED_FORMAT], env: NODE_ENV, signal });
    if (!r.ok) return `cannot list the image's packages: ${r.error.code}`;
    packages = parseInstalled(r.value.stdout);
  }
  await writeFile(join(meta, 'packages.json'), JSON.stringify(packages.map(packageRecord), null, 1) + '\n');
  // As mkosi: no packages, no changelog manifest.
  if (o.changelog && packages.length > 0) await writeFile(join(meta, 'changelog'), renderPackageReport(packages, await sourceGroups(root, packages)));
  return undefined;
}

async function finalizeTree(spec: Parameters<NodeKind<FinalizeParams>['run']>[0], ctx: RunContext, root: string, out: string): Promise<ReturnType<NodeKind['run']>> {
  const s = spec.settings;
  const scratch = join(ctx.outDir, 'scratch');
  const apt = await scriptApt(spec, spec.params.scriptApt, ctx.deps);
  // The build's $ARTIFACTDIR stays visible to the later scripts (one directory per image in mkosi).
  const artifactsDir = join(scratch, 'artifacts');
  const scripts = (stage: 'postinst' | 'finalize', setting: string) => runScripts({
    ...(apt === undefined ? {} : { apt }),
    stage, scripts: list(s, setting), kind: finalizeKind, settings: s, node: ctx.node, buildroot: root, outputDir: out,
    scratch: join(scratch, stage), root: ctx.root, signal: ctx.signal, onOutput: ctx.output, artifactsDir,
  });
  const steps: TreeStepContext = {
    root, node: ctx.node, settings: s, signal: ctx.signal, onOutput: ctx.output, memo: ctx.memo,
    ...(spec.params.kernelModules === undefined ? {} : { kernelModules: spec.params.kernelModules }),
  };
  const build = spec.params.build === undefined ? undefined : ctx.deps.find((d) => d.id === spec.params.build);
  await mkdir(artifactsDir, { recursive: true });
  if (build !== undefined) {
    const built = await build.readOnlyPath();
    await copyTrees({ trees: [{ source: join(built, 'dest'), target: '/' }], root, owner: true, signal: ctx.signal });
    await copyTrees({ trees: [{ source: join(built, 'artifacts'), target: '/' }], root: artifactsDir, owner: true, signal: ctx.signal });
  }
  await copyTrees({ trees: trees(s, 'ExtraTrees'), root, owner: false, signal: ctx.signal });
  const postinst = await scripts('postinst', 'PostInstallationScripts');
  if (!postinst.ok) return postinst;
  const kernel = await vmlinuzLocation.run(steps);
  if (!kernel.ok) return kernel;
  await writeMachineId(root, s);
  if (spec.params.imageSources !== undefined) await installImageSources({ root, ...spec.params.imageSources });
  if (bool(s, 'Autologin', false)) await configureAutologin(root);
  await configureOsRelease(root, { imageId: str(s, 'ImageId') ?? null, imageVersion: str(s, 'ImageVersion') ?? null, hostname: str(s, 'Hostname') ?? null });
  const osRelease = await osReleaseToSplit(root);
  await mkdir(join(ctx.outDir, 'meta'), { recursive: true });
  if (osRelease !== undefined) await writeFile(join(ctx.outDir, 'meta/os-release'), osRelease);
  const system = await runBeforeFirstboot(steps);
  if (!system.ok) return system;
  if (!bool(s, 'Overlay', false)) {
    await configureInitrdLinks(root, { makeInitrd: bool(s, 'MakeInitrd', false) });
    await configureClockEpoch(root);
  }
  const firstboot = await runFirstboot(root, { settings: s, credentials: spec.params.firstbootCredentials ?? true, signal: ctx.signal });
  if (!firstboot.ok) return err(toNodeFailure(ctx.node, firstboot.error));
  const removed = await removeImagePackages({
    root, packages: list(s, 'RemovePackages'), architecture: spec.params.architecture, scratch: join(scratch, 'remove-packages'),
    env: NODE_ENV, signal: ctx.signal, onOutput: ctx.output,
  });
  if (!removed.ok) return err(toNodeFailure(ctx.node, removed.error));
  const recorded = await recordMeta({ root, meta: join(ctx.outDir, 'meta'), changelog: spec.params.changelog === true, signal: ctx.signal });
  if (recorded !== undefined) return err({ code: 'NODE_FAILED', node: ctx.node, message: recorded });
  const clean = cleanPackageMetadata(s);
  if (clean === 'yes' || (clean === 'auto' && !(await exists(join(root, 'usr/bin/dpkg'))))) {
    for (const p of PACKAGE_METADATA) await rm(join(root, p), { recursive: true, force: true });
  }
  await removeFiles(root, list(s, 'RemoveFiles'));
  const fin = await scripts('finalize', 'FinalizeScripts');
  if (!fin.ok) return fin;
  await rm(scratch, { recursive: true, force: true });
  const epoch = num(s, 'SourceDateEpoch');
  if (epoch !== undefined) {
    await clampShadowDates(root, epoch);
    // Not root/: the store keeps no mtimes (the output node and publishing clamp them), and touching every
    // file would copy the whole base up into this node's overlay.
    await clampMtimes(out, epoch);
  }
  return ok(null);
}

export const finalizeKind: NodeKind<FinalizeParams> = {
  kind: 'finalize',
  version: 16,
  // Package lists and skeleton trees reach this stage through the base tree's digest, the build's output through
  // the build-scripts node's; the output format does not reach it at all. The script helpers' apt settings stay keyed.
  irrelevantSettings: union(RUNTIME, HOST_LOCAL, OUTPUT_ONLY, DISK_ONLY, BUILD_ONLY, ['WithTests'],
    [...RESOLUTION, ...BASE_ONLY].filter((n) => !(SCRIPT_APT_SETTINGS as readonly string[]).includes(n))),
  env: [],
  reproducible: true,
  cacheable: true,
  weight: 1,
  parseParams: (raw) => objectParams<FinalizeParams>(raw, ['base', 'files', 'architecture']),
  deps: (spec) => [
    spec.params.base, ...(spec.params.build === undefined ? [] : [spec.params.build]),
    ...(spec.params.scriptApt === undefined ? [] : [spec.params.scriptApt.metadata]),
  ],
  inputFiles: (spec) => spec.params.files,
  tools: (spec) => [...new Set(['cp', 'tar', 'dpkg-query', 'systemd-firstboot', 'openssl', ...treeStepTools(BEFORE_FIRSTBOOT, spec.settings),
    ...(list(spec.settings, 'PostInstallationScripts').length + list(spec.settings, 'FinalizeScripts').length > 0 ? ['bwrap'] : []),
    ...(list(spec.settings, 'RemovePackages').length > 0 ? ['apt-get', 'bwrap'] : [])])],
  async run(spec, ctx) {
    const base = ctx.deps[0];
    if (base === undefined) return err({ code: 'NODE_FAILED', node: ctx.node, message: 'finalize needs its base tree dependency' });
    const root = await ctx.writableTree(base, { from: 'root', at: 'root' });
    const out = join(ctx.outDir, 'out');
    await mkdir(out, { recursive: true });
    return finalizeTree(spec, ctx, root, out);
  },
};
