// bootstrap: a fresh Debian-family root from a lock. dpkg cannot delay the pre-install scripts of a
// package until the tools they call are unpacked, so the bootstrap set is first unpacked with
// `dpkg-deb --fsys-tarfile | tar`, and only then installed properly (configured) by apt and dpkg;
// the rest of the wish list follows in a second apt run.
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { err, ok } from '../../../../errors/result.js';
import type { Result } from '../../../../errors/result.js';
import { mergedUsrDirectories } from '../../distro/debian-architecture.js';
import type { PackageFailure } from '../../package-failure.js';
import { outputTail } from '../../run-tool.js';
import { DOC_EXCLUDE_GLOBS } from './apt-config.js';
import type { PackageLock } from './apt-lock.js';
import { installPackages } from './apt-install.js';
import type { AptContext } from './apt-run.js';

export interface BootstrapOptions extends AptContext {
  /** An empty (or missing) directory that becomes the image root. */
  readonly root: string;
  /** A lock resolved with the distribution's bootstrap set, its packages already in `archives`. */
  readonly lock: PackageLock;
  /** Debs unpacked in parallel in the first phase. Default 3. */
  readonly unpackConcurrency?: number;
}

async function mergeUsr(root: string, debianArch: string): Promise<void> {
  for (const dir of mergedUsrDirectories(debianArch)) {
    await mkdir(join(root, 'usr', dir), { recursive: true, mode: 0o755 });
    await symlink(`usr/${dir}`, join(root, dir));
  }
}

/** Unpacks one .deb's files into `root` (no maintainer scripts, no dpkg database entry). */
async function unpack(options: BootstrapOptions, deb: string): Promise<Result<null, PackageFailure>> {
  const excludes = options.settings.withDocs ? [] : DOC_EXCLUDE_GLOBS.map((g) => `--exclude=./${g}`);
  const tarArgv = ['tar', '-x', '-C', options.root, '--keep-directory-symlink', '--numeric-owner', ...excludes];
  const common = { env: options.env, extendEnv: false, reject: false, stdin: 'ignore' as const, ...(options.signal === undefined ? {} : { cancelSignal: options.signal }) };
  const { execa } = await import('execa');
  const r = await execa('dpkg-deb', ['--fsys-tarfile', deb], { ...common, stderr: 'pipe' }).pipe(tarArgv[0] ?? 'tar', tarArgv.slice(1), common);
  if (r.exitCode === 0) return ok(null);
  return err({
    code: 'COMMAND_FAILED', argv: ['dpkg-deb', '--fsys-tarfile', deb, '|', ...tarArgv],
    exitCode: r.exitCode ?? null, signal: r.signal ?? null, outputTail: outputTail(`${r.stderr}`),
  });
}

/** Unpacks the bootstrap set, installs it with apt, then installs the requested packages; checks the lock. */
export async function bootstrap(options: BootstrapOptions): Promise<Result<null, PackageFailure>> {
  await mkdir(options.root, { recursive: true, mode: 0o755 });
  await mergeUsr(options.root, options.settings.architecture);
  // Unpacking is decompression-bound; a few at a time. Overlaps do not matter: dpkg unpacks every
  // package again when apt installs the set, and that copy is the one that stays.
  const limit = pLimit(options.unpackConcurrency ?? 3);
  const unpacked = await Promise.all(options.lock.bootstrap.map((e) => limit(() => unpack(options, join(options.archives, e.cacheFile)))));
  const failed = unpacked.find((r) => !r.ok);
  if (failed !== undefined) return failed;
  const essential = await installPackages({
    ...options, scratch: join(options.scratch, 'bootstrap'),
    packages: [...new Set(options.lock.bootstrap.map((e) => e.name))],
  });
  if (!essential.ok) return essential;
  return installPackages({
    ...options, scratch: join(options.scratch, 'packages'), packages: options.lock.requested,
    verify: { entries: [...options.lock.bootstrap, ...options.lock.packages], mode: 'exact' },
  });
}
