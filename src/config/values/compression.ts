import { ValueError, type ValueKind } from './kind.js';
import { parseBooleanWord } from './scalars.js';

/** `CompressOutput=` values as `summary --json` prints them. */
export const COMPRESSIONS = ['none', 'zstd', 'xz', 'bz2', 'gz', 'lz4', 'lzma'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

/** Spellings accepted besides the JSON names (case-sensitive, unlike the boolean words). */
const SPELLINGS: Readonly<Record<string, Compression>> = {
  none: 'none', zstd: 'zstd', zst: 'zstd', xz: 'xz', bz2: 'bz2', gz: 'gz', gzip: 'gz', lz4: 'lz4', lzma: 'lzma',
};

/**
 * A compression algorithm or a boolean (`yes` → zstd, `no` → none). An empty value is null here; the
 * setting's default rule decides (by output format). Anything else fails like a bad boolean, as in 27.1.
 */
export function compression(): ValueKind<Compression | null> {
  return {
    schema: (z) => z.enum(COMPRESSIONS).nullable(), collection: false, empty: null,
    expects: 'a compression (zstd, xz, gz, …) or a boolean', choices: [...Object.keys(SPELLINGS), 'yes', 'no'],
    parse(raw) {
      if (raw === '') return null;
      const named = SPELLINGS[raw];
      if (named !== undefined) return named;
      const boolean = parseBooleanWord(raw);
      if (boolean === undefined) {
        throw new ValueError(`Invalid boolean literal: '${raw}'`, 'use zstd, xz, gz, bz2, lz4, lzma, none, or a boolean (yes = zstd)');
      }
      return boolean ? 'zstd' : 'none';
    },
  };
}
