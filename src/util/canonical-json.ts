import { InternalError } from '../errors/internal-error.js';

/** JSON values that hash the same everywhere: no floats, no undefined, no non-plain objects. */
export type CanonicalValue = null | boolean | number | string | readonly CanonicalValue[] | { readonly [k: string]: CanonicalValue };

/**
 * Converts a value to its canonical JSON text: object keys sorted by code unit, integers only,
 * `undefined` members dropped, anything else (functions, class instances, NaN, floats) rejected.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(toCanonical(value, '$'));
}

export function toCanonical(value: unknown, path = '$'): CanonicalValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new InternalError(`${path}: non-integer number ${value} cannot be hashed canonically`);
    return value;
  }
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map((v: unknown, i) => (v === undefined ? null : toCanonical(v, `${path}[${i}]`)));
  if (typeof value === 'object') {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw new InternalError(`${path}: only plain objects can be hashed`);
    const out: Record<string, CanonicalValue> = {};
    for (const key of Object.keys(value).sort()) {
      const v: unknown = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = toCanonical(v, `${path}.${key}`);
    }
    return out;
  }
  throw new InternalError(`${path}: ${typeof value} cannot be hashed`);
}
