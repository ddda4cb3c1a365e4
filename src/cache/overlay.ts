import { mkdir } from 'node:fs/promises';

export interface OverlayRequest {
  /** Read-only lower trees, topmost first (hot trees from the store). */
  readonly lowers: readonly string[];
  /** Where a stage's additions land; on the store's filesystem, shares no inodes with the store. */
  readonly upper: string;
  /** overlayfs work directory, same filesystem as `upper`. */
  readonly work: string;
  readonly target: string;
}

/**
 * No redirects, metadata-only copy-ups or index: every changed file is then a plain, complete file in the
 * upper layer at its own path, which committing the layer and stacking kept layers again rely on.
 */
const LAYOUT = 'redirect_dir=off,metacopy=off,index=off';

/**
 * Mounts an overlay for a stage that only adds on top of earlier trees: the lower layers stay read-only
 * store trees, every write goes to `upper` (copy-up keeps the store untouched). Needs CAP_SYS_ADMIN.
 * Returns the function that unmounts it.
 */
export async function mountOverlay(request: OverlayRequest, signal?: AbortSignal): Promise<() => Promise<void>> {
  await Promise.all([mkdir(request.upper, { recursive: true }), mkdir(request.work, { recursive: true })]);
  return mountAt(`lowerdir=${request.lowers.join(':')},upperdir=${request.upper},workdir=${request.work},${LAYOUT}`, request.target, signal);
}

/** Mounts `lowers` (topmost first) read-only at `target`, layers as a stage's overlay left them; returns the unmount. */
export async function mountReadOnlyOverlay(lowers: readonly string[], target: string): Promise<() => Promise<void>> {
  return mountAt(`ro,lowerdir=${lowers.join(':')},${LAYOUT}`, target);
}

async function mountAt(options: string, target: string, signal?: AbortSignal): Promise<() => Promise<void>> {
  await mkdir(target, { recursive: true });
  const { execa } = await import('execa');
  await execa('mount', ['-t', 'overlay', 'overlay', '-o', options, target], signal ? { cancelSignal: signal } : {});
  return async () => {
    await execa('umount', [target]);
  };
}
