// The Debian-family distributions by mkosi's Distribution= name.
import type { AptDistribution } from './types.js';
import { debian } from './debian.js';
import { kali } from './kali.js';
import { ubuntu } from './ubuntu.js';

export const APT_DISTRIBUTIONS = { debian, ubuntu, kali } as const satisfies Record<AptDistribution['name'], AptDistribution>;

export function aptDistribution(name: string): AptDistribution | undefined {
  return Object.hasOwn(APT_DISTRIBUTIONS, name) ? APT_DISTRIBUTIONS[name as AptDistribution['name']] : undefined;
}
