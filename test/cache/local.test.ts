import { openTestStore } from '../helpers/test-store.js';
import { registerStoreContract } from './contract.js';
import type { StoreUnderTest } from './contract.js';

let nextPid = 5000;

async function openLocal(root: string): Promise<StoreUnderTest> {
  const store = await openTestStore(root, { pid: nextPid++ });
  return { store, close: () => store.close(), reopen: () => openLocal(root) };
}

registerStoreContract('local (LMDB + cas/)', openLocal);
