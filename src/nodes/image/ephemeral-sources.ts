// BuildSourcesEphemeral=: the scripts of a stage see BuildSources= through an overlay each, so what they
// write under /work/src never reaches the sources on the host. `yes` throws the changes away when the stage's
// scripts are done; `buildcache` keeps them in BuildDirectory's subdirectory (`mkosi.buildovl.<name>`), where
// the next run finds them, as mkosi does. The overlays are mounted here and bound into the sandbox, which
// works with any bubblewrap (overlay options came to bubblewrap only in 0.9).
import { chmod, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { err, ok } from '../../errors/result.js';
import type { Result } from '../../errors/result.js';
import { mountOverlay } from '../../cache/overlay.js';

export type EphemeralMode = 'yes' | 'buildcache';

export interface EphemeralSourcesRequest {
  /** `[host path, path in the sandbox]` of each source, parents first. */
  readonly mounts: readonly (readonly [string, string])[];
  readonly mode: EphemeralMode;
  /** A private directory for the mount points (and, with `yes`, the changes). */
  readonly scratch: string;
  /** BuildDirectory='s subdirectory for this image: where `buildcache` keeps the changes. */
  readonly buildSubdir?: string;
}

export interface EphemeralSources {
  /** The same sandbox paths, each now bound from its overlay. */
  readonly mounts: [string, string][];
  /** Unmounts the overlays and removes their work directories (and, with `yes`, the changes). */
  release(): Promise<void>;
}

export async function mountEphemeralSources(request: EphemeralSourcesRequest): Promise<Result<EphemeralSources, { message: string; hint: string }>> {
  if (request.mode === 'buildcache' && request.buildSubdir === undefined) {
    return err({ message: 'BuildSourcesEphemeral=buildcache was configured, but no build directory exists', hint: 'configure BuildDirectory= or create mkosi.builddir' });
  }
  const mounts: [string, string][] = [];
  const cleanups: (() => Promise<void>)[] = [];
  const release = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    for (const [i, [source, inSandbox]] of request.mounts.entries()) {
      const mode = (await stat(source)).mode & 0o7777;
      const upper = request.mode === 'yes' ? join(request.scratch, `source-${i}-upper`) : join(request.buildSubdir ?? '', `mkosi.buildovl.${basename(source)}`);
      await mkdir(upper, { recursive: true });
      await chmod(upper, mode);
      // The work directory must share the upper directory's file system.
      const work = await mkdtemp(`${upper}-workdir.`);
      const target = join(request.scratch, `source-${i}`);
      const unmount = await mountOverlay({ lowers: [source], upper, work, target });
      cleanups.push(async () => {
        await unmount();
        await rm(work, { recursive: true, force: true });
        if (request.mode === 'yes') await rm(upper, { recursive: true, force: true });
      });
      mounts.push([target, inSandbox]);
    }
  } catch (error) {
    await release();
    const why = error instanceof Error ? error.message.split('\n').at(-1) ?? error.message : String(error);
    return err({ message: `cannot mount an overlay over the build sources for BuildSourcesEphemeral=${request.mode}: ${why}`, hint: 'overlays need root (CAP_SYS_ADMIN); or set BuildSourcesEphemeral=no' });
  }
  return ok({ mounts, release });
}
