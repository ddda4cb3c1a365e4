import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { MaterializeOptions } from './materialize.js';
import { hotTree, loadManifest } from './materialize.js';
import { CorruptBlobError } from './corrupt-blob-error.js';
import { mountOverlay } from './overlay.js';
import type { TreeLayer } from './tree-layers.js';
import { overlayBlocker } from './tree-layers.js';

export interface MountLayerRequest {
  readonly digest: string;
  /** The subtree of the stored tree ('.' for all of it). */
  readonly from: string;
  /** A node's staging directory, and where in it the view goes (an empty or missing directory). */
  readonly dir: string;
  readonly at: string;
  readonly materialize: MaterializeOptions;
  /** A new private directory for the overlay's upper and work directories. */
  readonly staging: () => Promise<string>;
}

/**
 * A writable view of a stored subtree at `target`: an overlay whose lower layer is the read-only hot tree
 * (writes are copied up, never into the store). Where overlayfs cannot be mounted (no privileges, an upper
 * filesystem it refuses) or the tree cannot be a lower layer, the subtree is copied and no layer returned.
 */
export async function mountLayer(request: MountLayerRequest): Promise<TreeLayer | undefined> {
  const manifest = await loadManifest(request.materialize.cas, request.digest);
  if (manifest === undefined) throw new CorruptBlobError(request.digest, request.digest, request.materialize.cas.path(request.digest));
  const lower = join(await hotTree(request.materialize, request.digest), request.from);
  const target = join(request.dir, request.at);
  if (overlayBlocker(manifest) === undefined) {
    const scratch = await request.staging();
    const upper = join(scratch, 'upper');
    const mounted = await mountOverlay({ lowers: [lower], upper, work: join(scratch, 'work'), target }).catch(() => undefined);
    if (mounted !== undefined) {
      let unmounted: Promise<void> | undefined;
      const unmount = () => (unmounted ??= mounted());
      return { at: request.at, lower: { digest: request.digest, from: request.from }, overlay: { upper, unmount, scratch } };
    }
    await rm(scratch, { recursive: true, force: true });
  }
  await mkdir(target, { recursive: true });
  const { execa } = await import('execa');
  await execa('cp', ['-a', '--reflink=auto', '--no-target-directory', lower, target]);
  return undefined;
}
