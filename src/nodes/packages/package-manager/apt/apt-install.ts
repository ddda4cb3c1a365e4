// installPackages / removePackages: apt-get on an existing image root, run in namespaces with the root's
// API file systems mounted, daemons kept from starting (policy-rc.d), the result checked against the lock.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok } from '../../../../errors/result.js';
import type { Result } from '../../../../errors/result.js';
import type { PackageFailure } from '../../package-failure.js';
import { runTool } from '../../run-tool.js';
import { lockDifferences, unknownPackages } from './apt-lock.js';
import { describeRepository, readMetadataInfo } from './apt-metadata.js';
import type { LockEntry } from './apt-lock.js';
import { prepareApt, runApt } from './apt-run.js';
import type { AptContext } from './apt-run.js';

export interface InstallPackagesOptions extends AptContext {
  readonly root: string;
  /** What to install: names, patterns, local `.deb` paths (normally a lock's `requested`). */
  readonly packages: readonly string[];
  /**
   * Checked after installing: `exact` — the root holds exactly these packages (a fresh root);
   * `includes` — each of them is installed at its locked version (packages added to a root).
   */
  readonly verify?: { readonly entries: readonly LockEntry[]; readonly mode: 'exact' | 'includes' };
  readonly allowDowngrade?: boolean;
  /** Network for maintainer scripts and downloads apt still needs. Default true. */
  readonly network?: boolean;
}

const POLICY_RC_D = 'usr/sbin/policy-rc.d';

/** `Package Version Architecture` lines of the root's dpkg database. */
export async function installedPackages(ctx: Pick<AptContext, 'env' | 'signal'>, root: string): Promise<Result<string, PackageFailure>> {
  const r = await runTool({
    argv: ['dpkg-query', `--admindir=${join(root, 'var/lib/dpkg')}`, '-W', '-f', '${db:Status-Abbrev} ${Package} ${Version} ${Architecture}\n'],
    env: ctx.env, ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
  });
  if (!r.ok) return r;
  const lines = r.value.stdout.split('\n').filter((l) => l.startsWith('ii ')).map((l) => l.slice(3).trim());
  return ok(lines.join('\n'));
}

async function verifyInstalled(options: InstallPackagesOptions): Promise<Result<null, PackageFailure>> {
  if (options.verify === undefined) return ok(null);
  const installed = await installedPackages(options, options.root);
  if (!installed.ok) return installed;
  let differences = lockDifferences(options.verify.entries, installed.value);
  if (options.verify.mode === 'includes') differences = differences.filter((d) => d.startsWith('missing '));
  return differences.length === 0 ? ok(null) : err({ code: 'LOCK_MISMATCH', differences });
}

async function withPolicyRcD<T>(root: string, body: () => Promise<T>): Promise<T> {
  const path = join(root, POLICY_RC_D);
  await mkdir(join(root, 'usr/sbin'), { recursive: true });
  await writeFile(path, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    return await body();
  } finally {
    await rm(path, { force: true });
  }
}

/** `apt-get install` into `root`, then the lock check. */
export async function installPackages(options: InstallPackagesOptions): Promise<Result<null, PackageFailure>> {
  if (options.packages.length > 0) {
    const apt = await prepareApt(options, { root: options.root });
    const argv = [...apt.command('apt-get'), 'install', ...(options.allowDowngrade === true ? ['--allow-downgrades'] : []), ...options.packages];
    const r = await withPolicyRcD(options.root, () => runApt(options, apt, { argv, root: options.root, network: options.network ?? true }));
    if (!r.ok) {
      const unknown = r.error.code === 'COMMAND_FAILED' ? unknownPackages(r.error.outputTail) : [];
      if (unknown.length === 0) return r;
      const info = await readMetadataInfo(options.metadata).catch(() => undefined);
      return err({ code: 'PACKAGE_UNKNOWN', packages: unknown, repositories: (info?.repositories ?? []).map(describeRepository) });
    }
    // Debian-family images keep GPT auto-discovery enabled (Ubuntu ships it masked).
    await rm(join(options.root, 'etc/systemd/system-generators/systemd-gpt-auto-generator'), { force: true });
  }
  return verifyInstalled(options);
}

export interface RemovePackagesOptions extends AptContext {
  readonly root: string;
  readonly packages: readonly string[];
}

/** `apt-get purge` in `root` (mkosi's RemovePackages= semantics). */
export async function removePackages(options: RemovePackagesOptions): Promise<Result<null, PackageFailure>> {
  if (options.packages.length === 0) return ok(null);
  const apt = await prepareApt(options, { root: options.root });
  const r = await runApt(options, apt, { argv: [...apt.command('apt-get'), 'purge', ...options.packages], root: options.root, network: false });
  return r.ok ? ok(null) : r;
}
