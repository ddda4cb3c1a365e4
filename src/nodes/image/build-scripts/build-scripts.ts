// build-scripts: runs BuildScripts= the way mkosi does after its cache point. The build overlay is
// mounted read-only below a throwaway upper layer ($BUILDROOT: writes vanish afterwards), BuildSources= at
// /work/src, BuildDirectory='s subdirectory at /work/build (build-system state kept between runs), network
// only with WithNetwork=yes. Output: dest/ ($DESTDIR, copied into the image by finalize), artifacts/
// ($ARTIFACTDIR) and packages/ ($PACKAGEDIR).
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { mountOverlay } from '../../../cache/overlay.js';
import { err } from '../../../errors/result.js';
import type { NodeId } from '../../../errors/failures.js';
import type { NodeKind } from '../../types.js';
import { list, str } from '../image-settings.js';
import { BASE_ONLY, DISK_ONLY, FINALIZE_ONLY, HOST_LOCAL, OUTPUT_ONLY, RESOLUTION, RUNTIME, union } from '../irrelevant-settings.js';
import { objectParams } from '../node-support.js';
import { scriptApt, SCRIPT_APT_SETTINGS } from '../script-apt.js';
import type { ScriptAptParams } from '../script-apt.js';
import { runScripts } from '../scripts.js';

export interface BuildScriptsParams {
  /** The build-overlay node. */
  readonly overlay: NodeId;
  /** BuildScripts= and the BuildSources= sources, relative to the plan root: their content is in the key. */
  readonly files: readonly string[];
  /** Paths inside the sources that are outputs or caches, not sources (relative to the plan root). */
  readonly exclude: readonly string[];
  /** The arguments after the verb (`mkb build -- …`), passed to every build script. */
  readonly args: readonly string[];
  /** mkosi-install and the apt wrappers in the build scripts install from this metadata (into the throwaway layer). */
  readonly scriptApt?: ScriptAptParams;
}

/** Read before the build (they reach this node through the overlay's digest) or only after it. */
const NOT_READ = [
  ...BASE_ONLY.filter((n) => n !== 'WithDocs'), 'BuildPackages',
  // The scripts see IMAGE_ID and IMAGE_VERSION.
  ...FINALIZE_ONLY.filter((n) => n !== 'ImageId' && n !== 'ImageVersion'),
];

export const buildScriptsKind: NodeKind<BuildScriptsParams> = {
  kind: 'build-scripts',
  version: 1,
  // The script helpers' apt settings stay keyed.
  irrelevantSettings: union(RUNTIME, HOST_LOCAL, OUTPUT_ONLY, DISK_ONLY,
    [...RESOLUTION, ...NOT_READ].filter((n) => !(SCRIPT_APT_SETTINGS as readonly string[]).includes(n))),
  env: [],
  reproducible: false,
  cacheable: true,
  weight: 2,
  parseParams: (raw) => objectParams<BuildScriptsParams>(raw, ['overlay', 'files', 'exclude', 'args']),
  deps: (spec) => [spec.params.overlay, ...(spec.params.scriptApt === undefined ? [] : [spec.params.scriptApt.metadata])],
  inputFiles: (spec) => spec.params.files,
  inputExcludes: (spec) => spec.params.exclude,
  tools: () => ['bwrap', 'mount', 'umount'],
  async run(spec, ctx) {
    const overlay = ctx.deps.find((d) => d.id === spec.params.overlay);
    if (overlay === undefined) return err({ code: 'NODE_FAILED', node: ctx.node, message: 'build-scripts needs its build-overlay dependency' });
    const scratch = join(ctx.outDir, 'scratch');
    const [dest, artifacts, packages] = ['dest', 'artifacts', 'packages'].map((d) => join(ctx.outDir, d)) as [string, string, string];
    for (const d of [dest, artifacts, packages]) await mkdir(d, { recursive: true });
    const buildDir = str(spec.settings, 'BuildSubdirectory');
    if (buildDir !== undefined) await mkdir(buildDir, { recursive: true });
    const buildroot = join(scratch, 'buildroot');
    const unmount = await mountOverlay({
      lowers: [join(await overlay.readOnlyPath(), 'root')], upper: join(scratch, 'upper'), work: join(scratch, 'work'), target: buildroot,
    }, ctx.signal);
    try {
      const apt = await scriptApt(spec, spec.params.scriptApt, ctx.deps);
      return await runScripts({
        ...(apt === undefined ? {} : { apt }),
        stage: 'build', args: spec.params.args, scripts: list(spec.settings, 'BuildScripts'), kind: buildScriptsKind, settings: spec.settings,
        node: ctx.node, buildroot, destDir: dest, artifactsDir: artifacts, packagesDir: packages,
        ...(buildDir === undefined ? {} : { buildDir }),
        scratch: join(scratch, 'scripts'), root: ctx.root, signal: ctx.signal, onOutput: ctx.output,
      });
    } finally {
      await unmount();
      await rm(scratch, { recursive: true, force: true });
    }
  },
};
