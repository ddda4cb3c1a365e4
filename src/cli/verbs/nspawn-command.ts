// The systemd-nspawn command line of `shell` and `boot` (mkosi 27.1 semantics). Pure: settings and facts in,
// words out, so every rule here is unit-tested.
import { list, str, trees } from '../../nodes/image/image-settings.js';
import type { Settings } from '../../nodes/types.js';

export interface NspawnOptions {
  readonly verb: 'shell' | 'boot';
  readonly settings: Settings;
  /** The built directory image. */
  readonly image: string;
  /** Arguments after the verb: the command (shell) or nspawn options and init arguments (boot). */
  readonly args: readonly string[];
  /** Credential files, named as the credential. */
  readonly credentials: readonly { readonly name: string; readonly path: string }[];
  /** The caller's core-dump limit, `soft:hard` (shell passes it on). */
  readonly coreLimit: string;
  /** The host runs systemd: nspawn may register with machined and run in its own scope unit. */
  readonly hostSystemd: boolean;
  /** Whether a host path belongs to root (others are mapped to the container's root). */
  readonly ownedByRoot: (path: string) => boolean;
  /** `BindUser=`: the calling user's name. */
  readonly user?: string;
}

/** mkosi's extra kernel command line for containers, before KernelCommandLineExtra= (boot only). */
function extraCommandLine(settings: Settings): string[] {
  const extra = list(settings, 'KernelCommandLineExtra');
  const out = ['systemd.wants=network.target'];
  if (!extra.some((s) => s.startsWith('SYSTEMD_SULOGIN_FORCE='))) out.push('SYSTEMD_SULOGIN_FORCE=1');
  for (const item of extra) {
    const eq = item.indexOf('=');
    const value = eq < 0 ? '' : item.slice(eq + 1);
    out.push(eq < 0 ? item : `${item.slice(0, eq)}=${value.includes(' ') ? `"${value}"` : value}`);
  }
  return out;
}

/** Kernel arguments become what the kernel would make of them for PID 1: `k=v` without a dot is an environment variable. */
function kernelArguments(settings: Settings): { setenv: string[]; argv: string[] } {
  const setenv: string[] = [];
  const argv: string[] = [];
  for (const arg of [...list(settings, 'KernelCommandLine'), ...extraCommandLine(settings)]) {
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (eq >= 0 && !name.includes('.')) setenv.push('--setenv', `${name.replace(/-/g, '_')}=${arg.slice(eq + 1)}`);
    else argv.push(arg);
  }
  return { setenv, argv };
}

function networkOptions(settings: Settings): string[] {
  switch (str(settings, 'RuntimeNetwork') ?? 'user') {
    case 'interface': return ['--private-network', '--network-veth'];
    case 'none': return ['--private-network'];
    default: return ['--resolv-conf=auto'];
  }
}

/** The full argv, `systemd-nspawn` first. */
export function nspawnArgv(o: NspawnOptions): string[] {
  const s = o.settings;
  const argv = ['systemd-nspawn', '--quiet', '--link-journal=no', '--suppress-sync=yes', ...networkOptions(s)];
  argv.push(...(o.verb === 'boot' ? ['--boot'] : [`--rlimit=RLIMIT_CORE=${o.coreLimit}`, '--console=autopipe']));
  // Machine names allow no underscores.
  const machine = (str(s, 'Machine') ?? str(s, 'Image') ?? 'main').replace(/_/g, '-');
  // Without systemd on the host there is no machined to register with and no manager for a scope unit.
  const register = o.hostSystemd && s['Register'] !== false && s['Register'] !== 'disabled';
  argv.push('--machine', machine, '--register', register ? 'yes' : 'no', ...(o.hostSystemd ? [] : ['--keep-unit']));
  for (const c of o.credentials) argv.push(`--load-credential=${c.name}:${c.path}`);
  argv.push('--directory', o.image);
  // Not recursive: the output directory often lies inside a runtime tree, and the image would contain itself.
  for (const t of trees(s, 'RuntimeTrees')) {
    const target = t.target === '/' ? '/root/src' : t.target;
    argv.push('--bind', `${t.source}:${target}:norbind,${o.ownedByRoot(t.source) ? 'noidmap' : 'rootidmap'}`);
  }
  if (s['BindUser'] === true && o.user !== undefined) argv.push('--bind-user', o.user, '--bind-user-group=wheel');
  if (o.verb === 'boot') {
    // nspawn reads its own options only before the first argument: the caller's words come first.
    const kernel = kernelArguments(s);
    argv.push(...kernel.setenv, ...o.args, ...kernel.argv);
  } else if (o.args.length > 0) {
    argv.push('--', ...o.args);
  }
  return argv;
}

/** Settings `shell`/`boot` cannot honour yet: refusing beats silently ignoring them. */
export function unsupportedRuntimeSettings(settings: Settings): string[] {
  const out: string[] = [];
  if (settings['Ephemeral'] === true) out.push('Ephemeral=');
  if (str(settings, 'NSpawnSettings') !== undefined) out.push('NSpawnSettings=');
  if (settings['RuntimeBuildSources'] === true) out.push('RuntimeBuildSources=');
  if (str(settings, 'ForwardJournal') !== undefined) out.push('ForwardJournal=');
  return out;
}
