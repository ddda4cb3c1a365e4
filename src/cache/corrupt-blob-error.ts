/** Thrown out of materialization when a blob does not match its digest; the executor turns it into CACHE_CORRUPT. */
export class CorruptBlobError extends Error {
  override readonly name = 'CorruptBlobError';
  constructor(readonly tree: string, readonly digest: string, readonly path: string) {
    super(`blob ${digest} of tree ${tree} is missing or corrupt`);
  }
}
