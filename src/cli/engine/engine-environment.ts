import type { LocalStore } from '../../cache/local-store.js';
import type { KeyEnvironment } from '../../graph/inputs.js';
import { hostToolResolver } from './host-tools.js';
import type { EngineRuntime } from './runtime.js';

/** What keys are computed against: the store's stat cache, host tools on PATH, the environment, SOURCE_DATE_EPOCH. */
export function engineEnvironment(store: LocalStore, runtime: EngineRuntime): Omit<KeyEnvironment, 'root'> {
  const epoch = runtime.env['SOURCE_DATE_EPOCH'];
  const parsed = epoch === undefined ? Number.NaN : Number.parseInt(epoch, 10);
  return {
    hasher: store.hasher,
    tools: hostToolResolver({ path: runtime.env['PATH'], hasher: store.hasher }),
    env: runtime.env,
    epoch: Number.isSafeInteger(parsed) ? parsed : null,
  };
}
