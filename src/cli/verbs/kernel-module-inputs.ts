// What `default` and `host` in KernelModules= stand for, read at the edge (R4) for the image planner: the
// host's loaded modules (/proc/modules) and the KernelModules= of mkb's builtin mkosi-initrd configuration
// loaded for the image's Architecture=, as mkosi 27.1 loads it (only the architecture is passed on).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../config/load/load-config.js';
import { kernelModuleNeeds, parseLoadedModules } from '../../nodes/finalize/kernel-modules.js';
import { bool, list, str } from '../../nodes/image/image-settings.js';
import type { PlanImagesOptions } from '../../nodes/image/plan-images.js';
import type { Settings } from '../../nodes/types.js';
import { gatherHostFacts } from '../host-facts.js';
import { resourcesDir } from '../load-options.js';

type Inputs = NonNullable<PlanImagesOptions['kernelModules']>;

/**
 * Reads only what some image needs. An unreadable /proc/modules stays unset (the planner names the image
 * that needs it); mkb's own mkosi-initrd failing to load is a bug and throws.
 */
export async function kernelModuleInputs(images: readonly Settings[], env: Readonly<Record<string, string | undefined>>): Promise<Inputs> {
  let host = false;
  const architectures = new Set<string>();
  for (const image of images) {
    const needs = kernelModuleNeeds(list(image, 'KernelModules'), bool(image, 'KernelModulesIncludeHost', false));
    host ||= needs.host;
    if (needs.initrd) architectures.add(str(image, 'Architecture') ?? 'x86-64');
  }
  const out: { loaded?: readonly string[]; initrd?: Record<string, readonly string[]> } = {};
  if (host) {
    const text = await readFile('/proc/modules', 'utf8').catch(() => undefined);
    if (text !== undefined) out.loaded = parseLoadedModules(text);
  }
  if (architectures.size > 0) {
    const definedEnv = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
    const directory = join(resourcesDir(), 'mkosi-initrd');
    const initrd: Record<string, readonly string[]> = {};
    for (const architecture of architectures) {
      const loaded = await loadConfig({
        directory, cli: [{ setting: 'Architecture', raw: architecture, option: '--architecture' }], verb: 'summary', force: 0,
        host: gatherHostFacts({ env: definedEnv, directory }), resourcesDir: resourcesDir(), cwd: directory,
      });
      const main = loaded.images.at(-1);
      if (main !== undefined) initrd[architecture] = list(main, 'KernelModules');
    }
    out.initrd = initrd;
  }
  return out;
}
