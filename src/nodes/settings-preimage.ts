import type { NodeKind, Settings } from './types.js';

/**
 * The settings part of a node's key pre-image: every setting except those the kind declares irrelevant
 * (fail closed). Values are kept as given; canonical JSON sorts keys later.
 */
export function settingsPreimage(kind: Pick<NodeKind<unknown>, 'irrelevantSettings'>, settings: Settings): Record<string, unknown> {
  const skip = new Set(kind.irrelevantSettings);
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(settings).sort()) {
    if (!skip.has(name) && settings[name] !== undefined) out[name] = settings[name];
  }
  return out;
}
