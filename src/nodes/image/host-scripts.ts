// Sync and clean scripts: they run outside the build graph, on every `build` (sync, before anything else, with
// the network: they update sources, so they are never cached) and on `clean` (after the outputs are removed,
// with $OUTPUTDIR naming OutputDirectory). One image after the other, in build order, as mkosi does.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Failure } from '../../errors/failures.js';
import { ok } from '../../errors/result.js';
import type { Result } from '../../errors/result.js';
import type { Settings } from '../types.js';
import { list, str } from './image-settings.js';
import { runScripts } from './scripts.js';

/** Nothing is irrelevant: sync and clean scripts see the whole configuration in $MKOSI_CONFIG, as with mkosi. */
const WHOLE_CONFIG = { irrelevantSettings: [] } as const;

const SETTING = { sync: 'SyncScripts', clean: 'CleanScripts' } as const;

export interface HostScriptsOptions {
  readonly kind: 'sync' | 'clean';
  /** Images in build order (main last). */
  readonly images: readonly Settings[];
  /** The configuration directory ($SRCDIR when BuildSources= names nothing; OutputDirectory's default). */
  readonly root: string;
  readonly caller: { readonly uid: number; readonly gid: number; readonly debug: boolean };
  /** The caller's environment (sync scripts get it). */
  readonly host: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
  readonly onOutput: (stream: 'stdout' | 'stderr', chunk: string) => void;
  /** Called before each script list runs, to say so. */
  readonly onStart?: (image: string, scripts: readonly string[]) => void;
}

export async function runHostScripts(o: HostScriptsOptions): Promise<Result<null, Failure>> {
  for (const image of o.images) {
    const scripts = list(image, SETTING[o.kind]);
    if (scripts.length === 0) continue;
    const name = str(image, 'Image') ?? 'main';
    o.onStart?.(name, scripts);
    const scratch = await mkdtemp(join(tmpdir(), `mkb-${o.kind}-`));
    try {
      const r = await runScripts({
        stage: o.kind, scripts, kind: WHOLE_CONFIG, settings: image, node: `${name}/${o.kind}-scripts`, scratch: join(scratch, 'work'),
        root: o.root, caller: o.caller, signal: o.signal, onOutput: o.onOutput,
        ...(o.kind === 'sync' ? { host: o.host } : { outputDir: str(image, 'OutputDirectory') ?? o.root }),
      });
      if (!r.ok) return r;
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
  return ok(null);
}
