// The finalize steps that run tools over the image tree, in mkosi 27.1's order (build_image()).
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ok } from '../../errors/result.js';
import type { Result } from '../../errors/result.js';
import type { Failure } from '../../errors/failures.js';
import type { Settings } from '../types.js';
import { depmodInstalled, depmodStale } from './depmod.js';
import { hwdb } from './hwdb.js';
import { localeGen } from './locale-gen.js';
import { SYSTEMD_DIRECTORIES, presets } from './presets.js';
import { ssh } from './ssh.js';
import { sysusers } from './sysusers.js';
import { tmpfiles } from './tmpfiles.js';
import { vmlinuzLocation } from './vmlinuz-location.js';
import { sideBySide } from './tree-step.js';
import type { TreeStep, TreeStepContext } from './tree-step.js';

/**
 * What mkosi does right after installing packages, before its cache point: the end of base-install and of
 * package-delta (which stands for a reinstall with more packages), so finalize never reruns them.
 */
export const AFTER_INSTALL: readonly TreeStep[] = [vmlinuzLocation, depmodInstalled, hwdb];

/**
 * What mkosi does after extra trees, post-installation scripts and the configure_* steps (autologin,
 * os-release, …) and before systemd-firstboot. Ssh= is one of the configure steps, last of the ones mkb has.
 */
export const BEFORE_FIRSTBOOT: readonly TreeStep[] = [ssh, localeGen, sysusers, tmpfiles, presets, depmodStale];

/** Host tools of the steps that apply to an image with these settings. */
export function treeStepTools(steps: readonly TreeStep[], settings: Settings): string[] {
  return [...new Set(steps.filter((s) => s.applies(settings)).flatMap((s) => s.tools))].sort();
}

/** Runs the steps that apply, in order; the first failure stops them. */
export async function runTreeSteps(steps: readonly TreeStep[], ctx: TreeStepContext): Promise<Result<null, Failure>> {
  for (const step of steps) {
    if (!step.applies(ctx.settings)) continue;
    const r = await step.run(ctx);
    if (!r.ok) return r;
  }
  return ok(null);
}

/** Runs each lane's steps in order and the lanes side by side (sideBySide); the first lane's failure is reported first. */
export function runTreeStepLanes(lanes: readonly (readonly TreeStep[])[], ctx: TreeStepContext): Promise<Result<null, Failure>> {
  return sideBySide(lanes.map((lane) => runTreeSteps(lane, ctx)));
}

/**
 * BEFORE_FIRSTBOOT, with one liberty: presets run beside sysusers and tmpfiles when those cannot change
 * what presets read or write (unit files, preset files, enablement links). sysusers only writes the user
 * databases; tmpfiles only touches the paths its tmpfiles.d lines name. systemctl preset-all is the
 * slowest of the three tools, so the other two then cost no time.
 */
export async function runBeforeFirstboot(ctx: TreeStepContext): Promise<Result<null, Failure>> {
  const first = await runTreeSteps([ssh, localeGen], ctx);
  if (!first.ok) return first;
  const beside = presets.applies(ctx.settings) && !(await tmpfilesMayTouchUnits(ctx.root));
  const system = beside ? await runTreeStepLanes([[sysusers, tmpfiles], [presets]], ctx) : await runTreeSteps([sysusers, tmpfiles, presets], ctx);
  if (!system.ok) return system;
  return runTreeSteps([depmodStale], ctx);
}

/** Where unit files, presets and enablement links live: what presets read and write. */
const UNIT_DIRECTORIES = SYSTEMD_DIRECTORIES.map((dir) => `/${dir}`);

const TMPFILES_DIRECTORIES = ['etc/tmpfiles.d', 'run/tmpfiles.d', 'usr/local/lib/tmpfiles.d', 'usr/lib/tmpfiles.d', 'lib/tmpfiles.d'];

/**
 * Whether a tmpfiles.d line of the image may name a path in or above a unit directory. Conservative: a
 * path is compared up to its first glob or specifier character, a quoted path or a configuration file
 * that is a symlink (other than a mask to /dev/null) counts as touching them.
 */
export async function tmpfilesMayTouchUnits(root: string): Promise<boolean> {
  for (const dir of TMPFILES_DIRECTORIES) {
    const names = await readdir(join(root, dir)).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith('.conf'))) {
      const path = join(root, dir, name);
      const st = await lstat(path);
      if (st.isSymbolicLink()) {
        if ((await readlink(path)) === '/dev/null') continue;
        return true;
      }
      if (!st.isFile()) continue;
      for (const line of (await readFile(path, 'utf8')).split('\n')) {
        const target = line.trim().split(/\s+/)[1];
        if (line.trim().startsWith('#') || target === undefined) continue;
        if (target.startsWith('"')) return true;
        const special = target.search(/[*?[%]/);
        const literal = special === -1 ? target : target.slice(0, special);
        if (UNIT_DIRECTORIES.some((unit) => unit.startsWith(literal) || literal.startsWith(`${unit}/`))) return true;
      }
    }
  }
  return false;
}
