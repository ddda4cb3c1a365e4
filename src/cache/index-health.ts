import { open } from 'node:fs/promises';
import { join } from 'node:path';

const LMDB_MAGIC = 0xbeefc0de;
const META_MAGIC_OFFSET = 24;

/**
 * Checks the two LMDB meta pages of `index/data.mdb` before the native library maps the file: a file
 * overwritten or truncated by a crash or a disk fault would otherwise crash the process instead of failing.
 * 'missing' means there is no index yet.
 */
export async function indexFileHealth(dir: string): Promise<'ok' | 'missing' | 'broken'> {
  const handle = await open(join(dir, 'data.mdb'), 'r').catch(() => undefined);
  if (handle === undefined) return 'missing';
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(64);
    await handle.read(head, 0, 64, 0);
    if (size < 8192 || head.readUInt32LE(META_MAGIC_OFFSET) !== LMDB_MAGIC) return 'broken';
    const pageSize = head.readUInt32LE(0x30) || 4096;
    const second = Buffer.alloc(64);
    await handle.read(second, 0, 64, pageSize);
    return second.readUInt32LE(META_MAGIC_OFFSET) === LMDB_MAGIC ? 'ok' : 'broken';
  } finally {
    await handle.close();
  }
}
