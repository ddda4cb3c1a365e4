// The real mkosi 27.1, fetched from Debian sid into a private cache and run with the host's python3.
// DESIGN.md §8: a private apt configuration (nothing of the host's apt state is read or written,
// except its sources list, read to find the Debian archive URI), `apt-get download`, `dpkg -x`.
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { findDebianArchive, readHostAptSources } from './apt-sources.js';

export const MKOSI_VERSION = '27.1';
const DEFAULT_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

export interface MkosiInstall {
  /** Directory holding the unpacked package (`usr/…`). */
  readonly root: string;
  /** What goes into PYTHONPATH. */
  readonly pythonPath: string;
  /** The Debian package version, e.g. `27.1-1`. */
  readonly packageVersion: string;
}

export interface RunResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly command: string;
}

export interface RunOptions {
  readonly cwd: string;
  /** Added on top of `baseEnv()`. The host environment is not inherited. */
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

/** The checkout's root: the nearest ancestor holding mkb's package.json (works from test/ and dist/). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'mkb') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('mkosi helper: cannot find the mkb checkout above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

export function mkosiCacheDir(): string {
  return join(repoRoot(), '.cache', `mkosi-${MKOSI_VERSION}`);
}

/** The python interpreter: Debian's own when present (the one setup installs), else whatever is on PATH. */
export function pythonInterpreter(): string {
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

/**
 * A small, fixed environment for both mkosi and mkb, so the host's variables (SOURCE_DATE_EPOCH,
 * MKOSI_*, proxies) cannot leak into a comparison.
 */
export function baseEnv(): Record<string, string> {
  return {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: process.env['HOME'] ?? '/root',
    LANG: 'C.UTF-8',
    TERM: 'dumb',
  };
}

function readInstall(dir: string): MkosiInstall | undefined {
  const marker = join(dir, 'package-version');
  if (!existsSync(marker)) return undefined;
  const root = join(dir, 'root');
  return { root, pythonPath: join(root, 'usr/lib/python3/dist-packages'), packageVersion: readFileSync(marker, 'utf8').trim() };
}

function aptOptions(work: string, sourceList: string): string[] {
  const opts: Record<string, string> = {
    'Dir::Etc::SourceList': sourceList,
    'Dir::Etc::SourceParts': '/dev/null',
    'Dir::Etc::Preferences': '/dev/null',
    'Dir::Etc::PreferencesParts': '/dev/null',
    'Dir::State::Lists': join(work, 'lists'),
    'Dir::State::status': '/dev/null',
    'Dir::State::extended_states': join(work, 'extended_states'),
    'Dir::Cache': join(work, 'cache'),
    'Debug::NoLocking': 'true',
    'APT::Sandbox::User': 'root',
  };
  return Object.entries(opts).flatMap(([k, v]) => ['-o', `${k}=${v}`]);
}

async function fetchInto(work: string): Promise<void> {
  const archive = findDebianArchive(readHostAptSources());
  if (!archive) {
    throw new Error('mkosi helper: no Debian archive found in /etc/apt/sources.list or /etc/apt/sources.list.d/; '
      + 'the differential tests fetch mkosi from the host\'s Debian mirror (suite sid)');
  }
  const keyring = archive.signedBy ?? DEFAULT_KEYRING;
  const sourceList = join(work, 'sources.list');
  await writeFile(sourceList, `deb [signed-by=${keyring}] ${archive.uri} sid main\n`);
  for (const sub of ['lists/partial', 'cache/archives/partial', 'deb']) await mkdir(join(work, sub), { recursive: true });
  const opts = aptOptions(work, sourceList);
  const run = async (file: string, args: string[], cwd = work): Promise<string> => {
    const r = await execa(file, args, { cwd, reject: false, all: true, env: { LANG: 'C.UTF-8' } });
    if (r.exitCode !== 0) {
      throw new Error(`mkosi helper: \`${file} ${args.join(' ')}\` failed (exit ${String(r.exitCode)}); `
        + `sources: ${archive.uri} sid (from ${archive.origin}); is the network up?\n${r.all}`);
    }
    return r.stdout;
  };
  await run('apt-get', [...opts, 'update']);
  await run('apt-get', [...opts, 'download', 'mkosi'], join(work, 'deb'));
  const debs = (await execa('sh', ['-c', 'ls deb/mkosi_*.deb'], { cwd: work })).stdout.split('\n').filter(Boolean);
  const deb = debs[0];
  if (debs.length !== 1 || !deb) throw new Error(`mkosi helper: expected one downloaded mkosi .deb, found: ${debs.join(', ') || 'none'}`);
  const version = (await run('dpkg-deb', ['-f', deb, 'Version'])).trim();
  if (version.replace(/-[^-]*$/, '') !== MKOSI_VERSION) {
    throw new Error(`mkosi helper: Debian sid now ships mkosi ${version}, but mkb is checked against mkosi ${MKOSI_VERSION}. `
      + 'Update MKOSI_VERSION (and re-check docs/mkosi-27.1-notes.md) or provide the 27.1 package another way.');
  }
  await run('dpkg', ['-x', deb, join(work, 'root')]);
  // Byte-compile once now, so concurrent test workers never race to write __pycache__.
  await run(pythonInterpreter(), ['-m', 'compileall', '-q', join(work, 'root/usr/lib/python3/dist-packages/mkosi')]);
  await rm(join(work, 'lists'), { recursive: true, force: true });
  await rm(join(work, 'cache'), { recursive: true, force: true });
  await writeFile(join(work, 'package-version'), version + '\n');
}

let pending: Promise<MkosiInstall> | undefined;

/**
 * Returns the cached mkosi 27.1, fetching it first if needed. Safe under concurrency: each process
 * fetches into its own temporary directory and renames it into place; the loser of a race discards its copy.
 */
export function ensureMkosi(): Promise<MkosiInstall> {
  pending ??= (async () => {
    const dir = mkosiCacheDir();
    const ready = readInstall(dir);
    if (ready) return ready;
    await mkdir(dirname(dir), { recursive: true });
    const work = await mkdtemp(`${dir}.tmp-`);
    try {
      await fetchInto(work);
      await chmod(work, 0o755);
      try {
        await rename(work, dir);
      } catch (error) {
        const taken = readInstall(dir);
        if (!taken) throw error;
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    const installed = readInstall(dir);
    if (!installed) throw new Error(`mkosi helper: ${dir} is incomplete; remove it and retry`);
    return installed;
  })();
  pending.catch(() => { pending = undefined; });
  return pending;
}

/** Runs `python3 -m mkosi ARGS` in `cwd` with `baseEnv()` + `env`. Never throws on a non-zero exit. */
export async function runMkosi(args: readonly string[], options: RunOptions): Promise<RunResult> {
  const install = await ensureMkosi();
  const r = await execa(pythonInterpreter(), ['-m', 'mkosi', ...args], {
    cwd: options.cwd,
    env: { ...baseEnv(), ...options.env, PYTHONPATH: install.pythonPath },
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: options.timeoutMs ?? 120_000,
  });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr, command: `mkosi ${args.join(' ')}` };
}
