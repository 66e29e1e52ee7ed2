/**
 * io-ts codecs for vendor fields whose JSON type wobbles: the docs say string and a sample sends
 * a number, or the other way round. Both adapters decode with these, so the rule is one rule.
 */
import * as t from 'io-ts'

/** A string, or a finite JSON number read as its decimal string (ids, phone numbers, codes). */
export const StringOrNumber = new t.Type<string, string, unknown>(
  'StringOrNumber',
  (u): u is string => typeof u === 'string',
  (u, c) =>
    typeof u === 'string'
      ? t.success(u)
      : typeof u === 'number' && Number.isFinite(u)
        ? t.success(String(u))
        : t.failure(u, c, 'must be a string or a number'),
  t.identity,
)

/**
 * An id sent as a string or an integer. Beyond 2^53 core's lossless JSON reader already hands
 * it over as its exact decimal string; a number here is therefore a safe integer or an error.
 */
export const IdString = new t.Type<string, string, unknown>(
  'IdString',
  (u): u is string => typeof u === 'string',
  (u, c) =>
    typeof u === 'string'
      ? t.success(u)
      : typeof u === 'number' && Number.isSafeInteger(u)
        ? t.success(String(u))
        : t.failure(u, c, 'must be an id (string or integer)'),
  t.identity,
)

/** An integer sent as a JSON number or a decimal string (list records type times as strings). */
export const IntegerLike = new t.Type<number, number, unknown>(
  'IntegerLike',
  (u): u is number => typeof u === 'number' && Number.isInteger(u),
  (u, c) =>
    typeof u === 'number' && Number.isInteger(u)
      ? t.success(u)
      : typeof u === 'string' && /^-?\d+$/.test(u.trim())
        ? t.success(Number(u.trim()))
        : t.failure(u, c, 'must be an integer'),
  t.identity,
)

/** A finite number, or an integer sent as a decimal string. */
export const NumberLike = new t.Type<number, number, unknown>(
  'NumberLike',
  (u): u is number => typeof u === 'number' && Number.isFinite(u),
  (u, c) =>
    typeof u === 'number' && Number.isFinite(u)
      ? t.success(u)
      : typeof u === 'string' && /^-?\d+$/.test(u.trim())
        ? t.success(Number(u.trim()))
        : t.failure(u, c, 'must be a number'),
  t.identity,
)
