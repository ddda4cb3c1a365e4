// resolveLock: the exact set apt would install for a wish list, read from a metadata snapshot without
// touching any root. A fresh root resolves in two steps, as it is installed: the bootstrap set from
// nothing, then the wish list on top of that set (simulated with a synthesized dpkg status file).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { err, ok } from '../../../../errors/result.js';
import type { Result } from '../../../../errors/result.js';
import type { PackageFailure } from '../../package-failure.js';
import { parseIndexRecords, parsePrintUris, recordKey, sortEntries, statusParagraph, unknownPackages } from './apt-lock.js';
import type { IndexRecord, LocatedEntry, PackageLock, PrintedUri } from './apt-lock.js';
import { describeRepository, readMetadataInfo } from './apt-metadata.js';
import { prepareApt, runApt } from './apt-run.js';
import type { AptContext } from './apt-run.js';

export interface ResolveLockOptions extends AptContext {
  /** Package names, apt patterns (`?…`) and local `.deb` paths. */
  readonly packages: readonly string[];
  /** The distribution's bootstrap arguments, when resolving a fresh root. */
  readonly bootstrap?: readonly string[];
  /** Resolve on top of this existing root (its dpkg status), for adding packages. */
  readonly root?: string;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const isLocalDeb = (arg: string): boolean => /\.u?deb$/.test(arg) && arg.includes('/');

async function unknownFailure(ctx: AptContext, packages: readonly string[]): Promise<PackageFailure> {
  const info = await readMetadataInfo(ctx.metadata).catch(() => undefined);
  return { code: 'PACKAGE_UNKNOWN', packages, repositories: (info?.repositories ?? []).map(describeRepository) };
}

interface Step {
  readonly printed: PrintedUri[];
}

async function printUris(ctx: ResolveLockOptions, step: { name: string; args: readonly string[]; status?: string }): Promise<Result<Step, PackageFailure>> {
  const scratch = join(ctx.scratch, step.name);
  await mkdir(scratch, { recursive: true });
  // An empty archives directory: apt leaves out packages it already has, and the lock needs them all.
  const stepCtx = { ...ctx, scratch, archives: join(scratch, 'archives') };
  const apt = await prepareApt(stepCtx, { cache: join(ctx.scratch, 'apt-cache'), ...(step.status === undefined ? {} : { status: step.status }) });
  const args = step.args.map((a) => (isLocalDeb(a) ? resolve(a) : a));
  const r = await runApt(stepCtx, apt, { argv: [...apt.command('apt-get'), '-qq', '--print-uris', 'install', ...args] });
  if (!r.ok) {
    const unknown = r.error.code === 'COMMAND_FAILED' ? unknownPackages(r.error.outputTail) : [];
    return err(unknown.length > 0 ? await unknownFailure(ctx, unknown) : r.error);
  }
  return ok({ printed: parsePrintUris(r.value.stdout) });
}

const uriPath = (uri: string): string => decodeURIComponent(uri.replace(/^file:(\/\/)?/, ''));

/** The local `.deb` arguments, as the absolute paths apt prints in `file:` URIs. */
function localDebPaths(packages: readonly string[]): Set<string> {
  return new Set(packages.filter(isLocalDeb).map((a) => resolve(a)));
}

async function showRecords(ctx: ResolveLockOptions, printed: readonly PrintedUri[]): Promise<Result<Map<string, IndexRecord>, PackageFailure>> {
  const local = localDebPaths(ctx.packages);
  const indexed = printed.filter((p) => !(p.uri.startsWith('file:') && local.has(uriPath(p.uri))));
  if (indexed.length === 0) return ok(new Map());
  const scratch = join(ctx.scratch, 'show');
  await mkdir(scratch, { recursive: true });
  const stepCtx = { ...ctx, scratch };
  const apt = await prepareApt(stepCtx, { cache: join(ctx.scratch, 'apt-cache') });
  const specs = [...new Set(indexed.map((p) => `${p.name}=${p.version}`))];
  const r = await runApt(stepCtx, apt, { argv: [...apt.command('apt-cache'), 'show', ...specs] });
  if (!r.ok) return r;
  return ok(parseIndexRecords(r.value.stdout));
}

async function toEntries(ctx: ResolveLockOptions, printed: readonly PrintedUri[]): Promise<Result<{ entries: LocatedEntry[]; records: Map<string, IndexRecord> }, PackageFailure>> {
  const records = await showRecords(ctx, printed);
  if (!records.ok) return records;
  const entries: LocatedEntry[] = [];
  for (const p of printed) {
    const record = records.value.get(recordKey(p.name, p.version, p.architecture));
    let sha256 = record?.sha256;
    if (sha256 === undefined && p.uri.startsWith('file:')) sha256 = await sha256File(uriPath(p.uri));
    if (sha256 === undefined) {
      return err({ code: 'SETTING_INVALID', setting: 'Packages', message: `the repository index has no SHA256 for ${p.name} ${p.version}` });
    }
    entries.push({ name: p.name, version: p.version, architecture: p.architecture, sha256, size: p.size, uri: p.uri, cacheFile: p.cacheFile });
  }
  return ok({ entries: sortEntries(entries), records: records.value });
}

/**
 * The exact resolved set for `packages` (plus the bootstrap set for a fresh root), with where this
 * snapshot's repositories serve each file. An unknown package fails with PACKAGE_UNKNOWN naming it and the
 * repositories searched.
 */
export async function resolveLock(options: ResolveLockOptions): Promise<Result<PackageLock<LocatedEntry>, PackageFailure>> {
  let bootstrap: LocatedEntry[] = [];
  let status: string | undefined = options.root === undefined ? undefined : join(options.root, 'var/lib/dpkg/status');
  if (options.bootstrap !== undefined && options.bootstrap.length > 0) {
    const step = await printUris(options, { name: 'bootstrap', args: options.bootstrap });
    if (!step.ok) return step;
    const resolved = await toEntries(options, step.value.printed);
    if (!resolved.ok) return resolved;
    bootstrap = resolved.value.entries;
    status = join(options.scratch, 'bootstrap-status');
    const paragraphs = bootstrap.map((e) => resolved.value.records.get(recordKey(e.name, e.version, e.architecture)))
      .filter((r): r is IndexRecord => r !== undefined).map(statusParagraph);
    await writeFile(status, paragraphs.join('\n'));
  }
  let packages: LocatedEntry[] = [];
  if (options.packages.length > 0) {
    const step = await printUris(options, { name: 'packages', args: options.packages, ...(status === undefined ? {} : { status }) });
    if (!step.ok) return step;
    const resolved = await toEntries(options, step.value.printed);
    if (!resolved.ok) return resolved;
    packages = resolved.value.entries;
  }
  return ok({ architecture: options.settings.architecture, bootstrap, packages, requested: [...options.packages] });
}
