import type { NodeKey } from '../graph/keys.js';
import { blobsOf } from './commit-tree.js';
import type { LocalStore } from './local-store.js';
import { loadManifest } from './materialize.js';

export interface VerifyResult {
  readonly checked: number;
  /** Keys whose tree was incomplete or corrupt; they were dropped (a miss next time). */
  readonly dropped: readonly string[];
}

/** Verifies every index entry end to end: its manifest and every blob it names match their digests. */
export async function verifyStore(store: LocalStore): Promise<VerifyResult> {
  const dropped: string[] = [];
  let checked = 0;
  for (const { key, value } of [...store.index.ac.getRange()]) {
    checked++;
    const manifest = await loadManifest(store.cas, value.digest);
    let good = manifest !== undefined;
    if (manifest !== undefined) {
      for (const digest of blobsOf(value.digest, manifest).keys()) {
        if (!(await store.cas.verify(digest))) good = false;
      }
    }
    if (!good) {
      dropped.push(key);
      await store.dropKey(key as NodeKey);
    }
  }
  return { checked, dropped };
}
