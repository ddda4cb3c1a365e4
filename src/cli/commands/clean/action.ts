import { lstat, readdir, readlink, rm } from 'node:fs/promises';
import { join, resolve, dirname } from 'node:path';
import type { NodeKey } from '../../../graph/keys.js';
import { EXIT } from '../../engine/exit.js';
import { openStore } from '../../engine/open-store.js';
import type { EngineRuntime } from '../../engine/runtime.js';

/** Node kinds holding package metadata and keyrings, removed by `clean -ff` (mkosi's metadata cache). */
export const METADATA_KINDS: readonly string[] = ['repo-metadata'];

export interface CleanActionOptions {
  /** `-f` count, as mkosi: 0 outputs; ≥1 also image caches and build directory contents; ≥2 also metadata caches. */
  readonly force: number;
  readonly outputDirectory?: string;
  /** Output file names in OutputDirectory (Config.outputs); symlinked outputs take their targets with them. */
  readonly outputs: readonly string[];
  readonly buildDirectory?: string;
  /** mkosi's history file (`.mkosi-private/history/latest.json`); clean always deletes it. */
  readonly historyFile?: string;
  /** The nodes of the images being cleaned, and the root of their plan: their cache entries go with -f. */
  readonly nodes?: { readonly root: string; readonly ids: readonly string[] };
  readonly cacheDir?: string;
}

async function removeOutput(path: string): Promise<void> {
  const s = await lstat(path).catch(() => undefined);
  if (s?.isSymbolicLink() === true) await rm(resolve(dirname(path), await readlink(path)), { recursive: true, force: true });
  await rm(path, { recursive: true, force: true });
}

/** `mkb clean [-f|-ff|-fff]` with mkosi's meanings (-fff is -ff, as in mkosi's clean verb). */
export async function cleanAction(options: CleanActionOptions, runtime: EngineRuntime): Promise<number> {
  const say = (text: string): void => runtime.err(`‣ ${text}\n`);
  if (options.outputDirectory !== undefined) {
    for (const name of options.outputs) await removeOutput(join(options.outputDirectory, name));
    if (options.outputs.length > 0) say(`removed ${options.outputs.length} outputs from ${options.outputDirectory}`);
  }
  if (options.historyFile !== undefined) await rm(options.historyFile, { force: true });
  if (options.force < 1) return EXIT.ok;
  if (options.buildDirectory !== undefined) {
    for (const name of await readdir(options.buildDirectory).catch(() => [] as string[])) {
      await rm(join(options.buildDirectory, name), { recursive: true, force: true });
    }
    say(`emptied build directory ${options.buildDirectory}`);
  }
  const store = await openStore({ cacheDir: options.cacheDir, runtime, warn: (m) => runtime.err(`⚠ ${m}\n`) });
  try {
    let dropped = 0;
    for (const node of options.nodes?.ids ?? []) {
      const latest = store.latest(options.nodes?.root ?? '', node);
      if (latest !== undefined) {
        await store.dropKey(latest.key as NodeKey);
        dropped++;
      }
    }
    await rm(store.layout.trees, { recursive: true, force: true });
    say(`dropped ${dropped} cached image nodes and the hot trees`);
    if (options.force >= 2) {
      let metadata = 0;
      for (const { key, value } of [...store.index.ac.getRange()]) {
        if (METADATA_KINDS.includes(value.kind)) {
          await store.dropKey(key as NodeKey);
          metadata++;
        }
      }
      say(`dropped ${metadata} package metadata caches`);
    }
  } finally {
    await store.close();
  }
  return EXIT.ok;
}
