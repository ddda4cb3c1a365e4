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
 * Mounts an overlay for a stage that only adds on top of earlier trees: the lower layers stay read-only
 * store trees, every write goes to `upper` (copy-up keeps the store untouched). Needs CAP_SYS_ADMIN.
 * Returns the function that unmounts it.
 */
export async function mountOverlay(request: OverlayRequest, signal?: AbortSignal): Promise<() => Promise<void>> {
  await Promise.all([mkdir(request.upper, { recursive: true }), mkdir(request.work, { recursive: true }), mkdir(request.target, { recursive: true })]);
  const { execa } = await import('execa');
  // No redirects, metadata-only copy-ups or index: every changed file is then a plain, complete file in
  // `upper` at its own path, which is what committing the layer relies on.
  const options = `lowerdir=${request.lowers.join(':')},upperdir=${request.upper},workdir=${request.work},redirect_dir=off,metacopy=off,index=off`;
  await execa('mount', ['-t', 'overlay', 'overlay', '-o', options, request.target], signal ? { cancelSignal: signal } : {});
  return async () => {
    await execa('umount', [request.target]);
  };
}

/** Mounts `lowers` (topmost first) read-only at `target`, layers as a stage's overlay left them; returns the unmount. */
export async function mountReadOnlyOverlay(lowers: readonly string[], target: string): Promise<() => Promise<void>> {
  await mkdir(target, { recursive: true });
  const { execa } = await import('execa');
  await execa('mount', ['-t', 'overlay', 'overlay', '-o', `ro,lowerdir=${lowers.join(':')},redirect_dir=off,metacopy=off,index=off`, target]);
  return async () => {
    await execa('umount', [target]);
  };
}
