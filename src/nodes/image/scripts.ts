// Runs a stage's user scripts (prepare, postinst, finalize) with mkosi's environment variables and paths, in
// namespaces (bubblewrap) over a minimal root: the host's /usr and /etc read-only, the image at /buildroot,
// the sources at /work/src, $OUTPUTDIR at /work/out, the script at /work/<stage>; no network unless
// WithNetwork=yes (prepare: always). Fixed paths keep what scripts write independent of where mkb works.
// Difference from mkosi: $MKOSI_CONFIG holds only the settings in the stage's key.
import { lstat, mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { err, ok } from '../../errors/result.js';
import type { Result } from '../../errors/result.js';
import type { Failure, NodeId } from '../../errors/failures.js';
import { settingsPreimage } from '../settings-preimage.js';
import { toNodeFailure } from '../packages/package-failure.js';
import { runTool } from '../packages/run-tool.js';
import type { NodeKind, Settings } from '../types.js';
import { bool, list, num, str, trees } from './image-settings.js';
import { NODE_ENV } from './node-support.js';

export type ScriptStage = 'prepare' | 'postinst' | 'finalize';

export interface RunScriptsOptions {
  readonly stage: ScriptStage;
  readonly scripts: readonly string[];
  readonly kind: Pick<NodeKind<unknown>, 'irrelevantSettings'>;
  readonly settings: Settings;
  readonly node: NodeId;
  readonly buildroot: string;
  /** $OUTPUTDIR (postinst and finalize). */
  readonly outputDir?: string;
  /** A scratch directory for $MKOSI_CONFIG, $PACKAGEDIR and $ARTIFACTDIR. */
  readonly scratch: string;
  /** Plan root: $SRCDIR when BuildSources= names nothing. */
  readonly root: string;
  readonly signal: AbortSignal;
  readonly onOutput: (stream: 'stdout' | 'stderr', chunk: string) => void;
}

function sourceDir(settings: Settings, root: string): string {
  return trees(settings, 'BuildSources')[0]?.source ?? root;
}

/** mkosi's script environment for `stage` (reference §6.2), from the stage's settings. */
export function scriptEnvironment(o: RunScriptsOptions): Record<string, string> {
  const s = o.settings;
  const env: Record<string, string> = {
    ...NODE_ENV,
    SYSTEMD_TMPFILES_FORCE_SUBVOL: '0', TERM: 'dumb',
    DISTRIBUTION: str(s, 'Distribution') ?? 'custom', RELEASE: str(s, 'Release') ?? '',
    ARCHITECTURE: str(s, 'Architecture') ?? 'x86-64', DISTRIBUTION_ARCHITECTURE: str(s, 'Architecture') === 'x86-64' ? 'amd64' : str(s, 'Architecture') ?? '',
    SRCDIR: '/work/src', CHROOT_SRCDIR: '/work/src',
    MKOSI_UID: '0', MKOSI_GID: '0', MKOSI_DEBUG: '0', MKOSI_CONFIG: '/work/config.json',
    BUILDROOT: '/buildroot', SCRIPT: `/work/${o.stage}`, CHROOT_SCRIPT: `/work/${o.stage}`,
    PACKAGEDIR: '/work/packages', ARTIFACTDIR: '/work/artifacts',
    WITH_NETWORK: o.stage === 'prepare' || bool(s, 'WithNetwork', false) ? '1' : '0',
  };
  const profiles = list(s, 'Profiles');
  if (profiles.length > 0) env['PROFILES'] = profiles.join(' ');
  const epoch = num(s, 'SourceDateEpoch');
  if (epoch !== undefined) env['SOURCE_DATE_EPOCH'] = String(epoch);
  if (o.stage !== 'prepare') {
    const id = str(s, 'ImageId');
    const version = str(s, 'ImageVersion');
    if (id !== undefined) env['IMAGE_ID'] = id;
    if (version !== undefined) env['IMAGE_VERSION'] = version;
  }
  if (o.stage === 'prepare') {
    env['WITH_DOCS'] = bool(s, 'WithDocs', true) ? '1' : '0';
    env['WITH_TESTS'] = bool(s, 'WithTests', true) ? '1' : '0';
  }
  if (o.outputDir !== undefined) {
    env['OUTPUTDIR'] = '/work/out';
    env['CHROOT_OUTPUTDIR'] = '/work/out';
  }
  const user = s['Environment'];
  if (typeof user === 'object' && user !== null && !Array.isArray(user)) {
    for (const [k, v] of Object.entries(user)) if (typeof v === 'string') env[k] = v;
  }
  return env;
}

/** The host's tools, read-only, with the API file systems and the usual merged-/usr links. */
export const MINIMAL_ROOT = [
  '--ro-bind', '/usr', '/usr', '--ro-bind', '/etc', '/etc', '--symlink', 'usr/bin', '/bin', '--symlink', 'usr/sbin', '/sbin',
  '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64', '--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp',
  '--tmpfs', '/run', '--tmpfs', '/var/tmp', '--dir', '/work',
];

/** What mkosi's chroot sandbox sets for scripts inside the image. */
const CHROOT_ENV = { BUILDROOT: '/', container: 'mkosi', HOME: '/', PATH: '/usr/bin:/usr/sbin' } as const;

/** Runs `scripts` in order; the first failure names the script, its exit code and its last lines. */
export async function runScripts(o: RunScriptsOptions): Promise<Result<null, Failure>> {
  if (o.scripts.length === 0) return ok(null);
  const config = join(o.scratch, 'config.json');
  const packages = join(o.scratch, 'packages');
  const artifacts = join(o.scratch, 'artifacts');
  await mkdir(packages, { recursive: true });
  await mkdir(artifacts, { recursive: true });
  await writeFile(config, JSON.stringify(settingsPreimage(o.kind, o.settings), null, 4));
  const network = o.stage === 'prepare' || bool(o.settings, 'WithNetwork', false);
  const hostEnv = scriptEnvironment(o);
  const workExisted = await lstat(join(o.buildroot, 'work')).then(() => true, () => false);
  for (const script of o.scripts) {
    const args = o.stage === 'finalize' ? [] : ['final'];
    // `.chroot` scripts run inside the image: it becomes `/`, with the same /work mounts.
    const chroot = script.endsWith('.chroot');
    const binds: [string, string][] = [
      ...(chroot ? [] : [[o.buildroot, '/buildroot'] as [string, string]]),
      [sourceDir(o.settings, o.root), '/work/src'], [packages, '/work/packages'], [artifacts, '/work/artifacts'],
      ...(o.outputDir === undefined ? [] : [[o.outputDir, '/work/out'] as [string, string]]),
    ];
    const root = chroot ? ['--bind', o.buildroot, '/', '--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp', '--tmpfs', '/run'] : MINIMAL_ROOT;
    const env = chroot ? { ...hostEnv, ...CHROOT_ENV } : hostEnv;
    const r = await runTool({
      argv: ['bwrap', '--die-with-parent', '--unshare-pid', '--unshare-ipc', '--unshare-uts', ...(network ? [] : ['--unshare-net']),
        ...root, ...binds.flatMap(([from, to]) => ['--bind', from, to]),
        '--ro-bind', config, '/work/config.json', '--ro-bind', script, `/work/${o.stage}`,
        '--chdir', '/work/src', '--', `/work/${o.stage}`, ...args],
      env, signal: o.signal, onOutput: o.onOutput, missingHint: 'install bubblewrap',
    });
    // The mount points a chroot script needed are not part of the image.
    if (chroot && !workExisted) await rm(join(o.buildroot, 'work'), { recursive: true, force: true });
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
