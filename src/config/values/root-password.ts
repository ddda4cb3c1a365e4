import type { z } from 'zod';
import type { ValueKind, Zod } from './kind.js';

/** `RootPassword=` as `summary --json` prints it: `[password, hashed]`. */
export const rootPasswordSchema = (z: Zod) => z.tuple([z.string(), z.boolean()]).nullable();
export type RootPassword = z.infer<ReturnType<typeof rootPasswordSchema>>;

const HASHED = 'hashed:';

/**
 * `RootPassword=`: the value is stripped (so `mkosi.rootpw` may end in blank lines, and a value of only
 * spaces is the empty password); a `hashed:` prefix (case-sensitive) marks an already hashed password,
 * and `hashed:` alone is an unlocked root account with an empty password.
 */
export function rootPassword(): ValueKind<RootPassword> {
  return {
    schema: rootPasswordSchema, collection: false, empty: null, expects: 'a password, or hashed:HASH',
    parse(raw) {
      if (raw === '') return null;
      const value = raw.trim();
      return value.startsWith(HASHED) ? [value.slice(HASHED.length), true] : [value, false];
    },
  };
}
