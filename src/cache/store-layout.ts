import { join } from 'node:path';

/** Where everything lives under a store root (DESIGN §4). */
export class StoreLayout {
  constructor(readonly root: string) {}
  get index(): string { return join(this.root, 'index'); }
  get blobs(): string { return join(this.root, 'cas', 'blobs'); }
  get actions(): string { return join(this.root, 'cas', 'actions'); }
  get tmp(): string { return join(this.root, 'cas', 'tmp'); }
  get trees(): string { return join(this.root, 'trees'); }
  get staging(): string { return join(this.root, 'staging'); }
  /** Directories an image published and then replaced with an archive, kept to be updated back in place. */
  get kept(): string { return join(this.root, 'kept'); }
  blob(digest: string): string { return join(this.blobs, digest.slice(0, 2), digest); }
  action(key: string): string { return join(this.actions, key.slice(0, 2), `${key}.json`); }
  tree(digest: string): string { return join(this.trees, digest); }
}

/** Temporary names carry the writer's pid so a sweep can tell abandoned files from live ones. */
export function tempName(pid: number, random: () => number): string {
  return `${pid}-${Math.floor(random() * 2 ** 48).toString(36)}`;
}

export function pidOfTempName(name: string): number | undefined {
  const pid = Number.parseInt(name.split('-')[0] ?? '', 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}
