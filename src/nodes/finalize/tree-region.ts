// A region of an image tree (a few directories) as one digest, and the changes a tool made to it: what a
// step needs to replay a tool's effect when the tool would read exactly the same region again.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { chmod, lchown, lstat, mkdir, rmdir, symlink, unlink } from 'node:fs/promises';
import { posix } from 'node:path';
import { z } from 'zod';
import { ok } from '../../errors/result.js';
import type { Result } from '../../errors/result.js';
import type { Failure } from '../../errors/failures.js';
import { parseJsonAs } from '../../util/parse-json.js';
import { resolveInImage } from './tree-step.js';
import type { TreeStepContext } from './tree-step.js';

interface EntryState {
  readonly type: 'dir' | 'file' | 'symlink' | 'other';
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** A symlink's target, a file's SHA-256. */
  readonly content: string;
}

export interface RegionSnapshot {
  /** Digest of every entry under the region's directories: type, mode, owner, link target, file content. */
  readonly key: string;
  readonly entries: ReadonlyMap<string, EntryState>;
}

const owned = { path: z.string(), mode: z.number(), uid: z.number(), gid: z.number() };

/** What a tool did to a region: only directories and symlinks created or removed. */
const RegionChangesSchema = z.object({
  /** Deepest first. */
  removed: z.array(z.string()),
  /** Parents first. */
  added: z.array(z.discriminatedUnion('type', [
    z.object({ type: z.literal('dir'), ...owned }),
    z.object({ type: z.literal('symlink'), ...owned, target: z.string() }),
  ])),
});

export type RegionChanges = z.infer<typeof RegionChangesSchema>;

const within = (path: string | undefined, dirs: readonly string[]): boolean => path !== undefined && dirs.some((d) => path === d || path.startsWith(`${d}/`));

/**
 * The region made of `dirs` (relative to the image root), or undefined when a tool reading it could read
 * beyond it: a directory or a symlink in it that leads elsewhere in the image (other than /dev/null).
 * Synchronous calls: a few hundred small files cost a tenth of what the thread pool's round trips do.
 */
export function snapshotRegion(root: string, dirs: readonly string[]): RegionSnapshot | undefined {
  const canonical: string[] = [];
  for (const dir of dirs) {
    const real = resolveInImage(root, dir);
    if (real === undefined || (real !== dir && !dirs.includes(real))) return undefined;
    if (!canonical.includes(real)) canonical.push(real);
  }
  canonical.sort();
  const entries = new Map<string, EntryState>();
  const visit = (path: string): boolean => {
    const st = lstatSync(`${root}/${path}`, { throwIfNoEntry: false });
    if (st === undefined) return true;
    const owner = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
    if (st.isSymbolicLink()) {
      const target = readlinkSync(`${root}/${path}`);
      const lands = resolveInImage(root, target.startsWith('/') ? target : posix.join(posix.dirname(path), target));
      entries.set(path, { type: 'symlink', ...owner, content: target });
      return lands === 'dev/null' || within(lands, canonical);
    }
    if (st.isFile()) {
      entries.set(path, { type: 'file', ...owner, content: createHash('sha256').update(readFileSync(`${root}/${path}`)).digest('hex') });
      return true;
    }
    if (!st.isDirectory()) {
      entries.set(path, { type: 'other', ...owner, content: `${st.mode & 0o170000}:${st.rdev}` });
      return true;
    }
    entries.set(path, { type: 'dir', ...owner, content: '' });
    for (const name of readdirSync(`${root}/${path}`).sort()) {
      if (!visit(`${path}/${name}`)) return false;
    }
    return true;
  };
  for (const dir of canonical) {
    if (!visit(dir)) return undefined;
  }
  const hash = createHash('sha256');
  for (const [path, e] of [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    hash.update(`${path}\0${e.type}\0${e.mode}\0${e.uid}\0${e.gid}\0${e.content}\n`);
  }
  return { key: hash.digest('hex'), entries };
}

/** What changed from `before` to `after`, or undefined when it is more than directories and symlinks come or gone. */
export function regionChanges(before: RegionSnapshot, after: RegionSnapshot): RegionChanges | undefined {
  const removed: string[] = [];
  const added: RegionChanges['added'] = [];
  for (const [path, old] of before.entries) {
    const now = after.entries.get(path);
    if (now !== undefined && sameEntry(old, now)) continue;
    if (old.type === 'file' || old.type === 'other' || (now !== undefined && now.type !== old.type)) return undefined;
    // A directory kept with another mode or owner is not a directory removed and created.
    if (now !== undefined && old.type === 'dir') return undefined;
    removed.push(path);
  }
  for (const [path, now] of after.entries) {
    const old = before.entries.get(path);
    if (old !== undefined && sameEntry(old, now)) continue;
    if (now.type === 'file' || now.type === 'other') return undefined;
    const owner = { path, mode: now.mode, uid: now.uid, gid: now.gid };
    added.push(now.type === 'dir' ? { type: 'dir', ...owner } : { type: 'symlink', ...owner, target: now.content });
  }
  removed.sort((a, b) => b.split('/').length - a.split('/').length || (a < b ? -1 : 1));
  added.sort((a, b) => a.path.split('/').length - b.path.split('/').length || (a.path < b.path ? -1 : 1));
  return { removed, added };
}

function sameEntry(a: EntryState, b: EntryState): boolean {
  return a.type === b.type && a.mode === b.mode && a.uid === b.uid && a.gid === b.gid && a.content === b.content;
}

/** Makes the same changes to the region of an image tree in the state they were taken from. */
export async function applyRegionChanges(root: string, changes: RegionChanges): Promise<void> {
  for (const path of changes.removed) {
    const st = await lstat(`${root}/${path}`);
    if (st.isDirectory()) await rmdir(`${root}/${path}`);
    else await unlink(`${root}/${path}`);
  }
  for (const entry of changes.added) {
    const path = `${root}/${entry.path}`;
    if (entry.type === 'dir') {
      await mkdir(path);
      await chmod(path, entry.mode);
    } else {
      await symlink(entry.target, path);
    }
    await lchown(path, entry.uid, entry.gid);
  }
}

/** What a step remembers: its changes, the region's digest after them (checked after a replay) and its output. */
const RegionMemo = z.object({
  changes: RegionChangesSchema,
  after: z.string(),
  output: z.array(z.object({ stream: z.enum(['stdout', 'stderr']), chunk: z.string() })),
});


/** Said (as the step's output) when a step's effect is replayed instead of run. */
export const REPLAYED = 'replayed from an earlier run over the same files';

/**
 * Runs a step whose effect depends only on a region of the image tree (and on `identity`: its argv,
 * environment) and is only directories and symlinks made or removed there; or, when an earlier run of the
 * node's kind started from a region with the same digest, makes that run's changes again (ctx.memo).
 */
export async function replayableStep(o: {
  readonly ctx: TreeStepContext;
  readonly name: string;
  readonly dirs: readonly string[];
  readonly identity: unknown;
  readonly run: (ctx: TreeStepContext) => Promise<Result<null, Failure>>;
}): Promise<Result<null, Failure>> {
  const { ctx } = o;
  const before = ctx.memo === undefined ? undefined : snapshotRegion(ctx.root, o.dirs);
  if (ctx.memo === undefined || before === undefined) return o.run(ctx);
  const key = createHash('sha256').update(JSON.stringify({ step: o.name, identity: o.identity, region: before.key })).digest('hex');
  const recalled = ctx.memo.recall(key);
  const memo = recalled === undefined ? undefined : parseJsonAs(RegionMemo, recalled);
  if (memo !== undefined) {
    await applyRegionChanges(ctx.root, memo.changes);
    if (snapshotRegion(ctx.root, o.dirs)?.key !== memo.after) throw new Error(`replaying ${o.name} as an earlier run did it gave other files than that run left`);
    for (const { stream, chunk } of memo.output) ctx.onOutput(stream, chunk);
    ctx.onOutput('stderr', `${o.name}: ${REPLAYED}\n`);
    return ok(null);
  }
  const output: { stream: 'stdout' | 'stderr'; chunk: string }[] = [];
  const result = await o.run({ ...ctx, onOutput: (stream, chunk) => { output.push({ stream, chunk }); ctx.onOutput(stream, chunk); } });
  if (!result.ok) return result;
  const after = snapshotRegion(ctx.root, o.dirs);
  const changes = after === undefined ? undefined : regionChanges(before, after);
  if (after !== undefined && changes !== undefined) ctx.memo.remember(key, JSON.stringify({ changes, after: after.key, output } satisfies z.input<typeof RegionMemo>));
  return result;
}
