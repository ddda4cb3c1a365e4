// Runs user scripts with mkosi's environment variables and paths, in namespaces (bubblewrap) over a minimal
// root: the host's /usr and /etc read-only, the image at /buildroot, BuildSources= at /work/src/<target>
// (through overlays with BuildSourcesEphemeral=), $OUTPUTDIR at /work/out, $DESTDIR at /work/dest and
// $BUILDDIR at /work/build (build scripts), the script at scriptPath(), mkosi's helpers at /scripts
// (script-helpers.ts); network as scriptNetwork() says. Fixed paths keep what scripts write independent of
// where mkb works.
// Difference from mkosi: $MKOSI_CONFIG holds only the settings in the stage's key.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { err, ok } from '../../errors/result.js';
import type { Result } from '../../errors/result.js';
import type { Failure, NodeId } from '../../errors/failures.js';
import type { AptSettings } from '../packages/package-manager/apt/apt-config.js';
import { settingsPreimage } from '../settings-preimage.js';
import { toNodeFailure } from '../packages/package-failure.js';
import { runTool } from '../packages/run-tool.js';
import type { NodeKind, Settings } from '../types.js';
import { mountEphemeralSources } from './ephemeral-sources.js';
import { str, trees } from './image-settings.js';
import { NODE_ENV, pathExists } from './node-support.js';
import { SANDBOX, scriptArguments, scriptEnvironment, scriptNetwork, scriptPath } from './script-environment.js';
import type { ScriptKind } from './script-environment.js';
import { HELPER_APT, writeHelperAptScratch, writeHelpers } from './script-helpers.js';


/** The repositories and package cache mkosi-install and friends use (the build's own). */
export interface ScriptApt {
  /** A metadata snapshot (the repo-metadata node's tree). */
  readonly metadata: string;
  /** The shared package download cache. */
  readonly archives: string;
  readonly settings: AptSettings;
}

export interface RunScriptsOptions {
  readonly stage: ScriptKind;
  readonly scripts: readonly string[];
  readonly kind: Pick<NodeKind<unknown>, 'irrelevantSettings'>;
  readonly settings: Settings;
  readonly node: NodeId;
  /** The image tree at /buildroot (every stage but postoutput). */
  readonly buildroot?: string;
  /** $OUTPUTDIR (postinst, finalize, postoutput). */
  readonly outputDir?: string;
  /** $DESTDIR (build scripts). */
  readonly destDir?: string;
  /** $BUILDDIR: BuildDirectory='s subdirectory for this image (build scripts). */
  readonly buildDir?: string;
  /** $PACKAGEDIR and $ARTIFACTDIR when they outlive the stage (build, and the build's artifacts after it); else in `scratch`. */
  readonly packagesDir?: string;
  readonly artifactsDir?: string;
  /** The scripts' arguments, when not the kind's own (scriptArguments): `-- …` for build, `build` for prepare in the build overlay. */
  readonly args?: readonly string[];
  /** A scratch directory for $MKOSI_CONFIG, $PACKAGEDIR, $ARTIFACTDIR and the helpers. */
  readonly scratch: string;
  /** Plan root: $SRCDIR when BuildSources= names nothing. */
  readonly root: string;
  /** What mkosi-install and the apt wrappers install from; without it they are not on $PATH. */
  readonly apt?: ScriptApt;
  /** Who runs the build and how (`$MKOSI_UID`, `$MKOSI_GID`, `$MKOSI_DEBUG`); default root, no debug. */
  readonly caller?: { readonly uid: number; readonly gid: number; readonly debug: boolean };
  /** Sync scripts: the caller's environment, passed through under mkosi's variables. */
  readonly host?: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
  readonly onOutput: (stream: 'stdout' | 'stderr', chunk: string) => void;
}

/** BuildSources= as `[host path, path in the sandbox]`, parents first: each at /work/src/<target>. */
function sourceMounts(settings: Settings, root: string): [string, string][] {
  const sources = trees(settings, 'BuildSources');
  if (sources.length === 0) return [[root, SANDBOX.src]];
  return sources.map((t): [string, string] => [t.source, join(SANDBOX.src, t.target)]).sort(([, a], [, b]) => a.length - b.length);
}

/** The host's tools, read-only, with the API file systems and the usual merged-/usr links. */
export const MINIMAL_ROOT = [
  '--ro-bind', '/usr', '/usr', '--ro-bind', '/etc', '/etc', '--symlink', 'usr/bin', '/bin', '--symlink', 'usr/sbin', '/sbin',
  '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64', '--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp',
  '--tmpfs', '/run', '--tmpfs', '/var/tmp', '--ro-bind', '/sys', '/sys', '--dir', '/work',
];

/** Sync scripts also see the users' home directories, read-only, as mkosi's do (git credentials, ssh keys). */
const SYNC_EXTRA = ['--ro-bind-try', '/home', '/home'];

/** What mkosi's chroot sandbox sets for scripts inside the image. */
const CHROOT_ENV = { BUILDROOT: '/', container: 'mkosi', HOME: '/', PATH: '/usr/bin:/usr/sbin' } as const;


interface ScratchMounts {
  readonly binds: [string, string][];
  readonly roBinds: [string, string][];
  /** The helpers and their apt state: not mounted for `.chroot` scripts, which run inside the image. */
  readonly helpers: [string, string, 'bind' | 'ro-bind'][];
}

/** Writes $MKOSI_CONFIG, $PACKAGEDIR, $ARTIFACTDIR and the helpers; returns the mounts they need. */
async function prepareScratch(o: RunScriptsOptions, network: boolean): Promise<ScratchMounts> {
  const at = (name: string): string => join(o.scratch, name);
  const packages = o.packagesDir ?? at('packages');
  const artifacts = o.artifactsDir ?? at('artifacts');
  await mkdir(o.scratch, { recursive: true });
  await mkdir(packages, { recursive: true });
  await mkdir(artifacts, { recursive: true });
  await writeFile(at('config.json'), JSON.stringify(settingsPreimage(o.kind, o.settings), null, 4));
  const inImage = o.buildroot !== undefined;
  await writeHelpers({ dir: at('helpers'), network, inImage, ...(inImage && o.apt !== undefined ? { apt: o.apt.settings } : {}) });
  const binds: [string, string][] = [
    [packages, SANDBOX.packages], [artifacts, SANDBOX.artifacts],
    ...(o.destDir === undefined ? [] : [[o.destDir, SANDBOX.dest] as [string, string]]),
    ...(o.buildDir === undefined ? [] : [[o.buildDir, SANDBOX.build] as [string, string]]),
  ];
  const helpers: [string, string, 'bind' | 'ro-bind'][] = [[at('helpers'), SANDBOX.helpers, 'ro-bind']];
  if (inImage && o.apt !== undefined) {
    await writeHelperAptScratch(at('apt'));
    await mkdir(join(o.apt.archives, 'partial'), { recursive: true });
    helpers.push([o.apt.archives, HELPER_APT.archives, 'bind'], [at('apt'), HELPER_APT.scratch, 'bind'], [o.apt.metadata, HELPER_APT.metadata, 'ro-bind']);
  }
  return { binds, roBinds: [[at('config.json'), SANDBOX.config]], helpers };
}

/** Stages whose scripts see BuildSourcesEphemeral='s overlays (mkosi binds the sources as they are for sync, clean and configure). */
const EPHEMERAL_STAGES: ReadonlySet<ScriptKind> = new Set(['prepare', 'build', 'postinst', 'finalize', 'postoutput']);

/** Runs `scripts` in order; the first failure names the script, its exit code and its last lines. */
export async function runScripts(o: RunScriptsOptions): Promise<Result<null, Failure>> {
  if (o.scripts.length === 0) return ok(null);
  const ephemeral = str(o.settings, 'BuildSourcesEphemeral') ?? 'no';
  if (ephemeral === 'no' || !EPHEMERAL_STAGES.has(o.stage)) return runInSandbox(o, sourceMounts(o.settings, o.root));
  const buildSubdir = str(o.settings, 'BuildSubdirectory');
  const sources = await mountEphemeralSources({
    mounts: sourceMounts(o.settings, o.root), mode: ephemeral === 'buildcache' ? 'buildcache' : 'yes', scratch: join(o.scratch, 'sources'),
    ...(buildSubdir === undefined ? {} : { buildSubdir }),
  });
  if (!sources.ok) return err({ code: 'NODE_FAILED', node: o.node, message: sources.error.message, hint: sources.error.hint });
  try {
    return await runInSandbox(o, sources.value.mounts);
  } finally {
    await sources.value.release();
  }
}

async function runInSandbox(o: RunScriptsOptions, sources: readonly [string, string][]): Promise<Result<null, Failure>> {
  const network = scriptNetwork(o.stage, o.settings);
  const { binds, roBinds, helpers } = await prepareScratch(o, network);
  const caller = o.caller ?? { uid: 0, gid: 0, debug: false };
  const hostEnv = {
    ...scriptEnvironment({
      kind: o.stage, settings: o.settings, ...caller, identity: o.stage !== 'prepare', buildDir: o.buildDir !== undefined,
      ...(o.host === undefined ? {} : { host: o.host }),
    }),
    PATH: `${SANDBOX.helpers}:${NODE_ENV['PATH'] ?? '/usr/bin:/usr/sbin'}`,
  };
  const workExisted = o.buildroot !== undefined && await pathExists(join(o.buildroot, 'work'));
  for (const script of o.scripts) {
    // `.chroot` scripts run inside the image: it becomes `/`, with the same /work mounts.
    const chroot = o.buildroot !== undefined && script.endsWith('.chroot');
    const all: [string, string][] = [
      ...(o.buildroot === undefined || chroot ? [] : [[o.buildroot, SANDBOX.buildroot] as [string, string]]),
      ...sources, ...binds,
      ...(o.outputDir === undefined ? [] : [[o.outputDir, SANDBOX.out] as [string, string]]),
    ];
    const root = chroot && o.buildroot !== undefined
      ? ['--bind', o.buildroot, '/', '--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp', '--tmpfs', '/run']
      : [...MINIMAL_ROOT, ...(o.stage === 'sync' ? SYNC_EXTRA : [])];
    const r = await runTool({
      argv: ['bwrap', '--die-with-parent', '--unshare-pid', '--unshare-ipc', '--unshare-uts', ...(network ? [] : ['--unshare-net']),
        ...root, ...all.flatMap(([from, to]) => ['--bind', from, to]),
        ...roBinds.flatMap(([from, to]) => ['--ro-bind', from, to]), ...(chroot ? [] : helpers.flatMap(([from, to, how]) => [`--${how}`, from, to])),
        '--ro-bind', script, scriptPath(o.stage),
        '--chdir', SANDBOX.src, '--', scriptPath(o.stage), ...(o.args ?? scriptArguments(o.stage))],
      env: chroot ? { ...hostEnv, ...CHROOT_ENV } : hostEnv, signal: o.signal, onOutput: o.onOutput,
    });
    // The mount points a chroot script or mkosi-chroot needed are not part of the image.
    if (o.buildroot !== undefined && !workExisted) await rm(join(o.buildroot, 'work'), { recursive: true, force: true });
    if (!r.ok) {
      const f = toNodeFailure(o.node, r.error);
      if (f.code === 'NODE_COMMAND_FAILED') {
        return err({ code: 'NODE_FAILED', node: o.node, message: `${o.stage} script ${basename(script)} (${script}) exited with code ${String(f.exitCode)}\n    last lines of output:\n${f.stderrTail}` });
      }
      return err(f);
    }
  }
  return ok(null);
}
