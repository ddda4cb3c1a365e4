import { mkdir, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { KeyPreimage } from '../graph/keys.js';
import type { Cas } from './cas.js';
import type { StoreLayout } from './store-layout.js';
import type { OutputRecord } from './types.js';

/** The durable copy of an index entry under cas/actions, from which a lost index is rebuilt. */
export interface ActionFile {
  readonly key: string;
  readonly record: OutputRecord;
  readonly preimage: KeyPreimage;
}

export async function writeActionFile(cas: Cas, layout: StoreLayout, action: ActionFile): Promise<void> {
  const tmp = await cas.writeTemp(JSON.stringify(action));
  const target = layout.action(action.key);
  await mkdir(dirname(target), { recursive: true });
  await rename(tmp, target);
}

export async function readActionFile(path: string): Promise<ActionFile | undefined> {
  try {
    const value: unknown = JSON.parse(await readFile(path, 'utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const a = value as Partial<ActionFile>;
    if (typeof a.key !== 'string' || typeof a.record?.digest !== 'string' || typeof a.preimage !== 'object') return undefined;
    return a as ActionFile;
  } catch {
    return undefined;
  }
}
