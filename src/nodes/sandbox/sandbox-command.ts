// Builds the argv that runs a command in fresh namespaces (DESIGN.md §6): bubblewrap when installed,
// else util-linux `unshare` with a small mount script. Pure: it only assembles words.

/** A path from the host made visible at `target` (an absolute path in the sandbox's view). */
export interface SandboxMount {
  readonly type: 'bind' | 'ro-bind' | 'tmpfs';
  /** Host path (bind mounts only). */
  readonly source?: string;
  readonly target: string;
}

export interface SandboxSpec {
  readonly argv: readonly string[];
  /**
   * `chroot`: `root` becomes `/` (scripts and commands inside the image).
   * `host`: the host's `/` stays `/`, and the image at `root` gets its own API file systems; host tools
   * operate on it (a package manager with `--root`).
   */
  readonly mode: 'chroot' | 'host';
  readonly root: string;
  /** Network access; otherwise the command gets an empty network namespace. */
  readonly network: boolean;
  /** Extra mounts, applied after the API file systems, in this order. */
  readonly mounts?: readonly SandboxMount[];
  /** Working directory inside the sandbox. */
  readonly cwd?: string;
}

export type SandboxBackend = 'bwrap' | 'unshare';

/** Where the image's API file systems go in the sandbox's view. */
function apiBase(spec: SandboxSpec): string {
  return spec.mode === 'chroot' ? '' : spec.root.replace(/\/+$/, '');
}

/** `bwrap …` argv. */
export function bwrapArgv(spec: SandboxSpec): string[] {
  const base = apiBase(spec);
  const argv = ['bwrap', '--die-with-parent', '--unshare-pid', '--unshare-ipc', '--unshare-uts'];
  if (!spec.network) argv.push('--unshare-net');
  argv.push(...(spec.mode === 'chroot' ? ['--bind', spec.root, '/'] : ['--bind', '/', '/']));
  argv.push('--proc', `${base}/proc`, '--dev', `${base}/dev`, '--ro-bind', '/sys', `${base}/sys`, '--tmpfs', `${base}/run`);
  if (spec.mode === 'chroot') argv.push('--tmpfs', '/tmp');
  for (const m of spec.mounts ?? []) {
    if (m.type === 'tmpfs') argv.push('--tmpfs', m.target);
    else argv.push(m.type === 'bind' ? '--bind' : '--ro-bind', m.source ?? m.target, m.target);
  }
  argv.push('--chdir', spec.cwd ?? '/', '--', ...spec.argv);
  return argv;
}

function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `unshare …` argv running a shell script that mounts the API file systems, then execs the command. */
export function unshareArgv(spec: SandboxSpec): string[] {
  const root = spec.root.replace(/\/+$/, '');
  const inRoot = (path: string): string => (spec.mode === 'chroot' ? `${root}${path}` : path);
  const api = `${root}`;
  const lines = [
    'set -e',
    `mkdir -p ${quote(`${api}/proc`)} ${quote(`${api}/dev`)} ${quote(`${api}/sys`)} ${quote(`${api}/run`)}`,
    `mount -t proc proc ${quote(`${api}/proc`)}`,
    `mount --rbind /dev ${quote(`${api}/dev`)}`,
    `mount --rbind /sys ${quote(`${api}/sys`)}`,
    `mount -o remount,bind,ro ${quote(`${api}/sys`)}`,
    `mount -t tmpfs tmpfs ${quote(`${api}/run`)}`,
    ...(spec.mode === 'chroot' ? [`mount -t tmpfs tmpfs ${quote(`${root}/tmp`)}`] : []),
    ...(spec.mounts ?? []).flatMap((m) => (m.type === 'tmpfs'
      ? [`mount -t tmpfs tmpfs ${quote(inRoot(m.target))}`]
      : [`mount --bind ${quote(m.source ?? m.target)} ${quote(inRoot(m.target))}`,
        ...(m.type === 'ro-bind' ? [`mount -o remount,bind,ro ${quote(inRoot(m.target))}`] : [])])),
    spec.mode === 'chroot'
      ? `exec chroot ${quote(root)} sh -c 'cd "$1" && shift && exec "$@"' sh ${quote(spec.cwd ?? '/')} "$@"`
      : `cd ${quote(spec.cwd ?? '/')} && exec "$@"`,
  ];
  return [
    'unshare', '--mount', '--pid', '--fork', '--ipc', '--uts', '--propagation', 'private',
    ...(spec.network ? [] : ['--net']),
    'sh', '-c', lines.join('\n'), 'sh', ...spec.argv,
  ];
}

export function sandboxArgv(spec: SandboxSpec, backend: SandboxBackend): string[] {
  return backend === 'bwrap' ? bwrapArgv(spec) : unshareArgv(spec);
}
