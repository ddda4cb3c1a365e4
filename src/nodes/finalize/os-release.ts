import { lstat, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ImageIdentity {
  readonly imageId: string | null;
  readonly imageVersion: string | null;
  /** Hostname= also becomes DEFAULT_HOSTNAME= in os-release. */
  readonly hostname: string | null;
}

/** Sets or replaces `KEY=value` lines, keeping the others in order. */
export function setOsReleaseFields(text: string, fields: Readonly<Record<string, string>>): string {
  const keys = new Set(Object.keys(fields));
  const kept = text.split('\n').filter((line) => line !== '' && !keys.has(line.split('=', 1)[0] ?? ''));
  return [...kept, ...Object.entries(fields).map(([key, value]) => `${key}=${JSON.stringify(value)}`)].join('\n') + '\n';
}

/**
 * Writes IMAGE_ID/IMAGE_VERSION (and DEFAULT_HOSTNAME) into usr/lib/os-release, and into
 * usr/lib/initrd-release and etc/os-release when those are regular files (not symlinks).
 */
export async function configureOsRelease(root: string, identity: ImageIdentity): Promise<void> {
  const fields: Record<string, string> = {};
  if (identity.imageId !== null) fields['IMAGE_ID'] = identity.imageId;
  if (identity.imageVersion !== null) fields['IMAGE_VERSION'] = identity.imageVersion;
  if (identity.hostname !== null) fields['DEFAULT_HOSTNAME'] = identity.hostname;
  if (Object.keys(fields).length === 0) return;
  for (const relative of ['usr/lib/os-release', 'usr/lib/initrd-release', 'etc/os-release']) {
    const path = join(root, relative);
    const stat = await lstat(path).catch(() => undefined);
    if (!stat?.isFile()) continue;
    await writeFile(path, setOsReleaseFields(await readFile(path, 'utf8'), fields));
  }
}

/**
 * The os-release that SplitArtifacts=os-release publishes: mkosi copies each of the files above that is a
 * regular file right after editing it, so the last one wins. Undefined when none is.
 */
export async function osReleaseToSplit(root: string): Promise<string | undefined> {
  let text: string | undefined;
  for (const relative of ['usr/lib/os-release', 'usr/lib/initrd-release', 'etc/os-release']) {
    const path = join(root, relative);
    if ((await lstat(path).catch(() => undefined))?.isFile()) text = await readFile(path, 'utf8');
  }
  return text;
}
