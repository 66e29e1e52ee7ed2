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
 * One decoding pass over an object's keys, shared by `sparse` and `fields`. The input itself is
 * the result until a codec changes a value; then it is copied once: its own keys, plus the keys
 * the codec reads that it inherits (a class's getters, a prototype's fields), which a spread
 * alone would drop.
 */
class KeyPass {
  output: Record<string, unknown>
  errors: t.ValidationError[] | undefined = undefined
  constructor(
    private readonly input: Record<string, unknown>,
    private readonly read: ReadonlyArray<string>,
  ) {
    this.output = input
  }

  /**
   * Runs `props[key]` over each key. A required key is validated even when absent, and set when
   * its codec turns that into a value (as `t.type` does); an absent optional key is skipped.
   */
  run(props: t.Props, keys: ReadonlyArray<string>, context: t.Context, required: boolean): void {
    const input = this.input
    for (const key of keys) {
      const value = input[key]
      if (value === undefined && !required) continue
      const codec = props[key] as t.Mixed
      const result = codec.validate(value, t.appendContext(context, key, codec, value))
      if (result._tag === 'Left') (this.errors ??= []).push(...result.left)
      else if (result.right !== value || (value === undefined && !hasOwn(input, key))) {
        if (this.output === input) this.output = this.copy()
        this.output[key] = result.right
      }
    }
  }

  result<A>(): t.Validation<A> {
    return this.errors === undefined ? t.success(this.output as A) : t.failures<A>(this.errors)
  }

  private copy(): Record<string, unknown> {
    const input = this.input
    const own: Record<string, unknown> = { ...input }
    if (Object.getPrototypeOf(input) !== Object.prototype)
      for (const key of this.read)
        if (!hasOwn(own, key) && input[key] !== undefined) own[key] = input[key]
    return own
  }
}

const hasOwn = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key)

/**
 * `t.partial` for codecs on a hot path: a key that is absent (undefined) is not run through its
 * codec. io-ts's own partial validates every key and then drops the failures of absent ones, so
 * each absent optional field cost a failure report (error, context, arrays) on every decode —
 * most of a bind request's optional fields are absent. Same type, same name, same errors for the
 * keys that are present; `is` and `encode` are io-ts's own. A copy keeps the present keys an
 * input inherits (io-ts's copy drops them).
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
      const pass = new KeyPass(record.right, keys)
      pass.run(props, keys, c, false)
      return pass.result<t.TypeOf<t.PartialC<P>>>()
    },
    base.encode,
    props,
  )
}

/**
 * `t.intersection([t.type(required), sparse(optional)])` — an object with some keys required
 * and some optional, the commonest shape of a vendor answer — decoded in one pass. io-ts's
 * intersection checks the object twice, validates each part on its own, then merges the two
 * results key by key (`mergeAll`); for a small answer that was most of its decoding cost. This
 * one walks the required keys as `t.type` does and the present optional keys as `sparse` does,
 * copying the input once if a codec changed a value. Same type, name, guard, encoder and parts
 * (`types`) as the intersection, and, for objects whose keys are their own (what JSON and object
 * literals give), the same values and errors, contexts included (the `0` and `1` keys the
 * intersection adds are kept); the tests hold it to io-ts's own intersection with `t.partial`,
 * which differs from `sparse` only for an optional codec that turns `undefined` into a value.
 * Elsewhere this one keeps more: a copy keeps every key it validated, inherited ones included
 * (the intersection keeps or drops those depending on which part changed), and an own
 * `__proto__` key stays a plain property (the intersection's merge makes it the result's
 * prototype). A key may not be both required and optional.
 */
export function fields<R extends t.Props, O extends t.Props>(
  required: R,
  optional: O,
  name?: string,
): t.IntersectionC<[t.TypeC<R>, t.PartialC<O>]> {
  const base = t.intersection([t.type(required), sparse(optional)], name)
  const [requiredPart, optionalPart] = base.types
  const requiredKeys = Object.keys(required)
  const optionalKeys = Object.keys(optional)
  const allKeys = [...requiredKeys, ...optionalKeys]
  const both = requiredKeys.filter((k) => hasOwn(optional, k))
  if (both.length > 0) throw new TypeError(`fields: ${both.join(', ')} both required and optional`)
  return new t.IntersectionType(
    base.name,
    base.is,
    (u, c) => {
      const inRequired = t.appendContext(c, '0', requiredPart, u)
      const inOptional = t.appendContext(c, '1', optionalPart, u)
      // Not an object: each part reports it, as in the intersection.
      const record = t.UnknownRecord.validate(u, inRequired)
      if (record._tag === 'Left') {
        const again = t.UnknownRecord.validate(u, inOptional)
        return t.failures([...record.left, ...(again._tag === 'Left' ? again.left : [])])
      }
      const pass = new KeyPass(record.right, allKeys)
      pass.run(required, requiredKeys, inRequired, true)
      pass.run(optional, optionalKeys, inOptional, false)
      return pass.result<t.TypeOf<typeof base>>()
    },
    base.encode,
    base.types,
  )
}
