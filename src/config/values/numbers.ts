import { ValueError, type ValueKind } from './kind.js';

const DECIMAL = /^\s*[+-]?\d+(?:_\d+)*\s*$/;
const OCTAL = /^\s*[+-]?(?:0[oO]_?)?[0-7]+(?:_[0-7]+)*\s*$/;

/**
 * Parses an integer the way Python's `int(text)` does (surrounding whitespace, a sign, `_` between
 * digits); undefined when `raw` is not one.
 */
export function parsePythonInt(raw: string): number | undefined {
  if (!DECIMAL.test(raw)) return undefined;
  return Number.parseInt(raw.trim().replaceAll('_', ''), 10);
}

/** Python's `int(text, 8)`: like parsePythonInt, with digits 0–7 and an optional `0o` prefix. */
export function parsePythonOctal(raw: string): number | undefined {
  if (!OCTAL.test(raw)) return undefined;
  const text = raw.trim().replaceAll('_', '');
  const negative = text.startsWith('-');
  const digits = text.replace(/^[+-]/, '').replace(/^0[oO]/, '');
  const value = Number.parseInt(digits, 8);
  return negative ? -value : value;
}

/** `CompressLevel=`: a non-negative integer. */
export function compressLevel(): ValueKind<number> {
  return {
    schema: (z) => z.number().int().nonnegative(), collection: false, empty: 3, expects: 'a non-negative integer',
    parse(raw) {
      if (raw === '') return 3;
      const value = parsePythonInt(raw);
      if (value === undefined) throw new ValueError(`Compression level '${raw}' is not a valid integer`);
      if (value < 0) throw new ValueError(`Compression level cannot be negative (got ${raw})`);
      return value;
    },
  };
}

/** `OutputMode=`: an access mode in octal (`0640`, `640`, `0o640`), at most 1777; JSON is the number. */
export function accessMode(): ValueKind<number | null> {
  return {
    schema: (z) => z.number().int().min(0).max(0o1777).nullable(), collection: false, empty: null, expects: 'an octal access mode',
    parse(raw) {
      if (raw === '') return null;
      const value = parsePythonOctal(raw);
      if (value === undefined) throw new ValueError(`Access mode '${raw}' is not a valid integer in base 8`, 'write the mode in octal, e.g. 0640');
      if (value < 0) throw new ValueError(`Access mode cannot be negative (got ${raw})`);
      if (value > 0o1777) throw new ValueError(`Access mode cannot be greater than 1777 (got ${raw})`);
      return value;
    },
  };
}

/** `SectorSize=`: a power of two between 512 and 4096. */
export function sectorSize(): ValueKind<number | null> {
  return {
    schema: (z) => z.number().int().min(512).max(4096).nullable(), collection: false, empty: null, expects: '512, 1024, 2048 or 4096',
    choices: ['512', '1024', '2048', '4096'],
    parse(raw) {
      if (raw === '') return null;
      const value = parsePythonInt(raw);
      if (value === undefined) throw new ValueError(`'${raw}' is not a valid number`);
      if (value < 512 || value > 4096) throw new ValueError(`Sector size not between 512 and 4096: ${value}`);
      if ((value & (value - 1)) !== 0) throw new ValueError(`Sector size not power of 2: ${value}`);
      return value;
    },
  };
}
