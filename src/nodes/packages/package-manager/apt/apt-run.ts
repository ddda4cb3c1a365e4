// Runs apt-get, apt-cache and dpkg against a metadata snapshot, a package cache and (optionally) an
// image root, with a private configuration: the host's /etc/apt and /etc/dpkg are never read or written.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Result } from '../../../../errors/result.js';
import { runInRoot } from '../../../sandbox/run-in-root.js';
import type { SandboxBackend } from '../../../sandbox/sandbox-command.js';
import type { PackageFailure } from '../../package-failure.js';
import { runTool } from '../../run-tool.js';
import type { Environment, ToolOutput } from '../../run-tool.js';
import { aptEnvironment, aptOptions, renderAptConf } from './apt-config.js';
import type { AptPaths, AptSettings } from './apt-config.js';

/** What every apt operation shares (STYLE.md R16: one options object, collaborators as values). */
export interface AptContext {
  /** A metadata snapshot made by `syncMetadata`. */
  readonly metadata: string;
  readonly settings: AptSettings;
  /** The shared package download cache (apt's archives directory). */
  readonly archives: string;
  /** An empty directory this operation may use; the caller removes it afterwards. */
  readonly scratch: string;
  /** Allow-listed host environment (see `toolEnvironment`). */
  readonly env: Environment;
  /** Default: bubblewrap when on PATH, else unshare. */
  readonly sandbox?: SandboxBackend;
  readonly signal?: AbortSignal;
  readonly onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void;
}

export const metadataEtc = (metadata: string): string => join(metadata, 'etc/apt');
export const metadataLists = (metadata: string): string => join(metadata, 'lists');

export interface PreparedApt {
  readonly paths: AptPaths;
  readonly env: Environment;
  /** `[tool, ...-o options]`. */
  command(tool: 'apt-get' | 'apt-cache'): string[];
}

/**
 * Creates the scratch layout and returns the command prefix. With `root`, apt's state and dpkg's
 * database are the image's own; without, an empty status file (a resolution from nothing) or `status`.
 * `cache` lets several steps share apt's binary caches (the source cache only depends on the indexes).
 */
export async function prepareApt(ctx: AptContext, options: { root?: string; status?: string; cache?: string }): Promise<PreparedApt> {
  const dir = (name: string): string => join(ctx.scratch, name);
  const cache = options.cache ?? dir('cache');
  await Promise.all([cache, dir('state'), dir('log'), dir('dpkg-etc')].map((d) => mkdir(d, { recursive: true })));
  await mkdir(join(ctx.archives, 'partial'), { recursive: true });
  const conf = dir('apt.conf');
  await writeFile(conf, renderAptConf(metadataEtc(ctx.metadata)));
  let status = options.status ?? dir('status');
  let state = dir('state');
  if (options.root !== undefined) {
    await mkdir(join(options.root, 'var/lib/dpkg'), { recursive: true });
    await mkdir(join(options.root, 'var/lib/apt'), { recursive: true });
    for (const f of ['status', 'available']) await writeFile(join(options.root, 'var/lib/dpkg', f), '', { flag: 'a' });
    status = join(options.root, 'var/lib/dpkg/status');
    state = join(options.root, 'var/lib/apt');
  } else if (options.status === undefined) {
    await writeFile(status, '');
  }
  const paths: AptPaths = {
    etc: metadataEtc(ctx.metadata), lists: metadataLists(ctx.metadata), state, status,
    cache, archives: ctx.archives, log: dir('log'),
    ...(options.root === undefined ? {} : { root: options.root }),
  };
  const opts = aptOptions(ctx.settings, paths);
  return { paths, env: { ...ctx.env, ...aptEnvironment(conf) }, command: (tool) => [tool, ...opts] };
}

export interface RunAptOptions {
  readonly argv: readonly string[];
  /** Run in namespaces with the image's API file systems (installs and removals). */
  readonly root?: string;
  readonly network?: boolean;
}

/** Runs an apt command; with `root`, inside a sandbox where /etc/apt and /etc/dpkg are private. */
export async function runApt(ctx: AptContext, prepared: PreparedApt, options: RunAptOptions): Promise<Result<ToolOutput, PackageFailure>> {
  const common = {
    argv: options.argv, env: prepared.env,
    ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
    ...(ctx.onOutput === undefined ? {} : { onOutput: ctx.onOutput }),
  };
  if (options.root === undefined) return runTool(common);
  return runInRoot({
    ...common, mode: 'host', root: options.root, network: options.network ?? true,
    ...(ctx.sandbox === undefined ? {} : { backend: ctx.sandbox }),
    mounts: [
      { type: 'ro-bind', source: metadataEtc(ctx.metadata), target: '/etc/apt' },
      { type: 'ro-bind', source: join(ctx.scratch, 'dpkg-etc'), target: '/etc/dpkg' },
    ],
  });
}
