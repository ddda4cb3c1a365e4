// The finalize steps that run tools over the image tree, in mkosi 27.1's order (build_image()).
import { ok } from '../../errors/result.js';
import type { Result } from '../../errors/result.js';
import type { Failure } from '../../errors/failures.js';
import type { Settings } from '../types.js';
import { depmodInstalled, depmodStale } from './depmod.js';
import { hwdb } from './hwdb.js';
import { localeGen } from './locale-gen.js';
import { presets } from './presets.js';
import { ssh } from './ssh.js';
import { sysusers } from './sysusers.js';
import { tmpfiles } from './tmpfiles.js';
import type { TreeStep, TreeStepContext } from './tree-step.js';

/**
 * What mkosi does right after installing packages, before its cache point: the end of base-install and of
 * package-delta (which stands for a reinstall with more packages), so finalize never reruns them.
 */
export const AFTER_INSTALL: readonly TreeStep[] = [depmodInstalled, hwdb];

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
