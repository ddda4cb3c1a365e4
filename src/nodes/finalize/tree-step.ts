// The shape of the finalize steps that run tools over the image tree (mkosi's run_sysusers, run_tmpfiles,
// run_preset, run_hwdb, run_depmod, run_locale_gen, configure_ssh): a pure condition, the host tools the
// step needs (they enter finalize's key), and the effect.
import { lstatSync, readlinkSync } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok } from '../../errors/result.js';
import type { Result } from '../../errors/result.js';
import type { Failure, NodeId } from '../../errors/failures.js';
import { toNodeFailure } from '../packages/package-failure.js';
import { runTool } from '../packages/run-tool.js';
import type { Environment } from '../packages/run-tool.js';
import type { Settings, StepMemo } from '../types.js';
import { bool, str } from '../image/image-settings.js';
import { MINIMAL_ROOT } from '../image/scripts.js';

export interface TreeStepContext {
  /** The image tree (writable). */
  readonly root: string;
  readonly node: NodeId;
  readonly settings: Settings;
  /** KernelModules= with `default` and `host` expanded by the planner, when the image's list needs it. */
  readonly kernelModules?: readonly string[];
  readonly signal: AbortSignal;
  readonly onOutput: (stream: 'stdout' | 'stderr', chunk: string) => void;
  /** The node's memos, for steps that can replay a tool's effect (presets). */
  readonly memo?: StepMemo;
}

export interface TreeStep {
  /** Host tools the step runs. */
  readonly tools: readonly string[];
  /** Pure: whether mkosi runs the step for an image with these settings. */
  applies(settings: Settings): boolean;
  run(ctx: TreeStepContext): Promise<Result<null, Failure>>;
}

/**
 * mkosi runs its tools over a full image tree only: not for an Overlay= image (it keeps just its changes to
 * the base trees) and not for the default tools tree. Extension formats are skipped too, but finalize
 * never sees them (mkb refuses them; finalize's key would need the Format= class once they are built).
 */
export function isOverlay(settings: Settings): boolean {
  return bool(settings, 'Overlay', false);
}

export function isFullSystemImage(settings: Settings): boolean {
  return !isOverlay(settings) && str(settings, 'Image') !== 'tools';
}

/**
 * Where host tools see the image, as in mkosi. Tools record the paths they read (systemd-hwdb keeps its
 * source file names in hwdb.bin), so a fixed path keeps the tree independent of where mkb works.
 */
export const BUILDROOT = '/buildroot';

export interface HostToolOptions {
  readonly env: Environment;
  /** Exit codes that count as success besides 0. */
  readonly alsoSuccessful?: readonly number[];
  /** Image files (relative to its root) mounted read-only over the host's, for tools that read them through libc. */
  readonly overHost?: readonly string[];
}

/**
 * Runs one host tool in namespaces over the host's /usr and /etc (read-only), with the image at
 * /buildroot and no network; a failure becomes the node's, with the command and its last lines.
 */
export async function runHostTool(ctx: TreeStepContext, argv: readonly string[], o: HostToolOptions): Promise<Result<null, Failure>> {
  const overHost: string[] = [];
  for (const path of o.overHost ?? []) {
    const source = join(ctx.root, path);
    if ((await lstat(source).catch(() => undefined))?.isFile() === true) overHost.push('--ro-bind', source, `/${path}`);
  }
  const r = await runTool({
    argv: ['bwrap', '--die-with-parent', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-net', ...MINIMAL_ROOT,
      '--bind', ctx.root, BUILDROOT, ...overHost, '--', ...argv],
    env: o.env, signal: ctx.signal, onOutput: ctx.onOutput,
  });
  if (r.ok) return ok(null);
  if (r.error.code === 'COMMAND_FAILED' && r.error.exitCode !== null && (o.alsoSuccessful ?? []).includes(r.error.exitCode)) return ok(null);
  return err(toNodeFailure(ctx.node, r.error));
}

/**
 * Waits for every run, side by side, and gives the first failure in the order given. Nothing is left
 * running when this returns or throws (the first exception is rethrown once all have ended): a tool may
 * still be writing into a tree its node is about to discard.
 */
export async function sideBySide(runs: readonly Promise<Result<null, Failure>>[]): Promise<Result<null, Failure>> {
  const settled = await Promise.allSettled(runs);
  const thrown = settled.find((s) => s.status === 'rejected');
  if (thrown !== undefined) throw thrown.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<Result<null, Failure>>).value).find((r) => !r.ok) ?? ok(null);
}

/**
 * Whether the image has an executable `name` in /usr/bin or /usr/sbin (where mkosi looks inside an image),
 * or in /bin or /sbin of an image without merged /usr. Symlinks count: their targets are image paths.
 */
export async function imageHasBinary(root: string, name: string): Promise<boolean> {
  for (const dir of ['usr/bin', 'usr/sbin', 'bin', 'sbin']) {
    const st = await lstat(join(root, dir, name)).catch(() => undefined);
    if (st !== undefined && (st.isSymbolicLink() || (st.isFile() && (st.mode & 0o111) !== 0))) return true;
  }
  return false;
}

const MAX_LINK_HOPS = 40;

/**
 * `path` (relative to the image root) with every symlinked component resolved inside the image, as a chroot
 * or a tool run with --root resolves it (absolute links stay inside it); components that do not exist stay
 * as written. Undefined for a symlink loop (more than 40 links).
 */
export function resolveInImage(root: string, path: string): string | undefined {
  const pending = path.split('/').filter((c) => c !== '' && c !== '.');
  const resolved: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const component = pending.shift() as string;
    if (component === '..') {
      resolved.pop();
      continue;
    }
    const here = [...resolved, component].join('/');
    const st = lstatSync(`${root}/${here}`, { throwIfNoEntry: false });
    if (st?.isSymbolicLink() !== true) {
      resolved.push(component);
      continue;
    }
    if (++hops > MAX_LINK_HOPS) return undefined;
    const target = readlinkSync(`${root}/${here}`);
    if (target.startsWith('/')) resolved.length = 0;
    pending.unshift(...target.split('/').filter((c) => c !== '' && c !== '.'));
  }
  return resolved.join('/');
}
