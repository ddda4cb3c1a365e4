import { ValueError, type ValueKind } from './kind.js';
import { parsePythonInt } from './numbers.js';

/** JSON forms of the special `VSockCID=` values. */
export const VSOCK_CID_AUTO = -1;
export const VSOCK_CID_HASH = -2;

/** `VSockCID=`: `auto` (-1), `hash` (-2) or a number in [3, 0xFFFFFFFF). */
export function vsockCid(): ValueKind<number> {
  return {
    schema: (z) => z.number().int(), collection: false, empty: VSOCK_CID_AUTO, expects: 'a number, auto or hash', choices: ['auto', 'hash'],
    parse(raw) {
      if (raw === '' || raw === 'auto') return VSOCK_CID_AUTO;
      if (raw === 'hash') return VSOCK_CID_HASH;
      const value = parsePythonInt(raw);
      if (value === undefined) throw new ValueError(`VSock connection ID '${raw}' is not a valid number or one of 'auto' or 'hash'`);
      if (value < 3 || value >= 0xffffffff) {
        throw new ValueError(`${value} is not in the valid VSock connection ID range [3, 0xFFFFFFFF)`, '0, 1 and 2 are reserved; use auto to pick a free one');
      }
      return value;
    },
  };
}
