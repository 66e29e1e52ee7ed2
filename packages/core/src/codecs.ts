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

/**
 * `t.partial` for codecs on a hot path: a key that is absent (undefined) is not run through its
 * codec. io-ts's own partial validates every key and then drops the failures of absent ones, so
 * each absent optional field cost a failure report (error, context, arrays) on every decode —
 * most of a bind request's optional fields are absent. Same type, same name, same errors for the
 * keys that are present; `is` and `encode` are io-ts's own.
 */
export function sparse<P extends t.Props>(props: P, name?: string): t.PartialC<P> {
  const base = t.partial(props, name)
  const keys = Object.keys(props)
  return new t.PartialType(
    base.name,
    base.is,
    (u, c) => {
      const record = t.UnknownRecord.validate(u, c)
      if (record._tag === 'Left') return record
      const input = record.right
      let output = input
      let errors: t.ValidationError[] | undefined
      for (const key of keys) {
        const value = input[key]
        if (value === undefined) continue
        const codec = props[key] as t.Mixed
        const result = codec.validate(value, t.appendContext(c, key, codec, value))
        if (result._tag === 'Left') (errors ??= []).push(...result.left)
        else if (result.right !== value) {
          if (output === input) output = { ...input }
          output[key] = result.right
        }
      }
      return errors === undefined
        ? t.success(output as t.TypeOf<t.PartialC<P>>)
        : t.failures<t.TypeOf<t.PartialC<P>>>(errors)
    },
    base.encode,
    props,
  )
}
