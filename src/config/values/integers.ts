import { ValueError, type ValueKind } from './kind.js';
import { parsePythonInt } from './numbers.js';

export interface IntegerOptions {
  /** Value of an empty assignment; 'refused': `''` is not a valid integer either (27.1's DelegateRanges=). */
  readonly empty: number | 'refused';
  /** mkosi's message for a value that is not an integer. */
  readonly invalid: (raw: string) => string;
}

/** Any integer as Python's `int()` reads it (sign, surrounding whitespace, `_` between digits), no range check. */
export function integer(options: IntegerOptions): ValueKind<number> {
  return {
    schema: (z) => z.number().int(), collection: false, empty: options.empty === 'refused' ? 0 : options.empty, expects: 'an integer',
    parse(raw) {
      if (raw === '' && options.empty !== 'refused') return options.empty;
      const value = parsePythonInt(raw);
      if (value === undefined) throw new ValueError(options.invalid(raw));
      return value;
    },
  };
}
