import fc from 'fast-check'
import * as t from 'io-ts'
import { fields, IdString, NumberLike, sparse, StringOrNumber } from './codecs'

// A codec that changes what it decodes (trims), one that fails with a message of its own, and
// plain io-ts ones: sparse must agree with t.partial on all of them.
const Trimmed = new t.Type<string, string, unknown>(
  'Trimmed',
  (u): u is string => typeof u === 'string',
  (u, c) => (typeof u === 'string' ? t.success(u.trim()) : t.failure(u, c, 'must be text')),
  t.identity,
)
const props = {
  a: Trimmed,
  b: t.number,
  c: StringOrNumber,
  d: IdString,
  e: t.array(t.string),
  f: sparse({ g: Trimmed, h: t.boolean }),
}
const ioTs = t.partial({ ...props, f: t.partial({ g: Trimmed, h: t.boolean }) })
const ours = sparse(props)

// What a decode said, without the codec objects in the contexts (they differ by identity).
const report = (r: t.Validation<unknown>): unknown =>
  r._tag === 'Right'
    ? { ok: r.right }
    : {
        errors: r.left
          .map((e) => ({
            path: e.context.map((x) => x.key).join('/'),
            message: e.message,
            value: e.value,
          }))
          .sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0)),
      }

describe('sparse', () => {
  it('decodes exactly as t.partial: values, changed values and failures of present keys', () => {
    const value = fc.oneof(
      fc.constant(undefined),
      fc.string(),
      fc.constantFrom('  padded  ', '12', ''),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 3 }),
      fc.record({ g: fc.oneof(fc.string(), fc.integer()), h: fc.oneof(fc.boolean(), fc.string()) }),
    )
    const input = fc.oneof(
      fc.record(
        { a: value, b: value, c: value, d: value, e: value, f: value, other: value },
        { requiredKeys: [] },
      ),
      value,
    )
    fc.assert(
      fc.property(input, (u) => {
        expect(report(ours.decode(u))).toEqual(report(ioTs.decode(u)))
      }),
      { numRuns: 2000 },
    )
  })

  it('hands back the input itself when nothing changed, and a copy when a value did', () => {
    const same = { a: 'x', b: 1 }
    const r1 = ours.decode(same)
    expect(r1._tag === 'Right' && r1.right).toBe(same)
    const changed = { a: ' x ', b: 1 }
    const r2 = ours.decode(changed)
    expect(r2._tag === 'Right' && r2.right).toEqual({ a: 'x', b: 1 })
    expect(changed.a).toBe(' x ')
  })

  it('keeps the present keys an input inherits when it copies it', () => {
    const input = Object.assign(Object.create({ b: 1 }) as object, { a: ' x ' })
    const r = ours.decode(input)
    expect(r._tag === 'Right' && { ...r.right }).toEqual({ a: 'x', b: 1 })
  })

  it('is a PartialType with io-ts’s name, guard and props', () => {
    expect(ours).toBeInstanceOf(t.PartialType)
    expect(ours.name).toBe(t.partial(props).name)
    expect(ours.is({ a: 'x', f: { h: true } })).toBe(true)
    expect(ours.is({ b: 'x' })).toBe(false)
    expect(ours.props).toBe(props)
  })
})

describe('fields', () => {
  // Required codecs that change what they decode (Trimmed, NumberLike), accept undefined
  // (t.unknown: io-ts then sets the absent key) or fail with their own message; optional ones
  // likewise, and a nested fields/intersection pair.
  const required = { a: Trimmed, n: NumberLike, u: t.unknown }
  const optional = {
    b: t.number,
    c: StringOrNumber,
    d: IdString,
    f: fields({ g: Trimmed }, { h: t.boolean }),
  }
  const ioTsOptional = {
    ...optional,
    f: t.intersection([t.type({ g: Trimmed }), t.partial({ h: t.boolean })]),
  }
  const theirs = t.intersection([t.type(required), t.partial(ioTsOptional)])
  const mine = fields(required, optional)
  // Errors in their order, with every context key (the intersection's `0`/`1` included).
  const exactly = (r: t.Validation<unknown>): unknown =>
    r._tag === 'Right'
      ? { ok: r.right, keys: Object.keys(r.right as object) }
      : {
          errors: r.left.map((e) => ({
            path: e.context.map((x) => x.key).join('/'),
            types: e.context.map((x) => x.type.name).join('/'),
            message: e.message,
            value: e.value,
          })),
        }

  it('decodes exactly as the io-ts intersection of t.type and t.partial', () => {
    const value = fc.oneof(
      fc.constant(undefined),
      fc.string(),
      fc.constantFrom('  padded  ', '12', ' 7 ', ''),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.integer(), { maxLength: 2 }),
      fc.record(
        { g: fc.oneof(fc.string(), fc.integer()), h: fc.oneof(fc.boolean(), fc.string()) },
        { requiredKeys: [] },
      ),
    )
    const input = fc.oneof(
      fc.record(
        { a: value, n: value, u: value, b: value, c: value, d: value, f: value, other: value },
        { requiredKeys: [] },
      ),
      value,
    )
    fc.assert(
      fc.property(input, (u) => {
        expect(exactly(mine.decode(u))).toEqual(exactly(theirs.decode(u)))
      }),
      { numRuns: 3000 },
    )
  })

  it('hands back the input itself when nothing changed, and one copy when a value did', () => {
    const same = { a: 'x', n: 1, u: null, b: 2 }
    const r1 = mine.decode(same)
    expect(r1._tag === 'Right' && r1.right).toBe(same)
    const changed = { a: ' x ', n: '5', u: 0 }
    const r2 = mine.decode(changed)
    expect(r2._tag === 'Right' && r2.right).toEqual({ a: 'x', n: 5, u: 0 })
    expect(changed).toEqual({ a: ' x ', n: '5', u: 0 })
    // As t.type: an absent required key whose codec accepts undefined is set (in a copy).
    const absent = { a: 'x', n: 1 }
    expect(exactly(mine.decode(absent))).toEqual(exactly(theirs.decode(absent)))
    const r3 = mine.decode(absent)
    expect(r3._tag === 'Right' && Object.keys(r3.right)).toEqual(['a', 'n', 'u'])
    expect(absent).toEqual({ a: 'x', n: 1 })
  })

  it('keeps the keys an input inherits when it copies it (a spread alone would drop them)', () => {
    // A prototype's fields and a class's getters: read, validated, and in the copy made
    // because NumberLike changed `n`.
    const fromProto = Object.assign(Object.create({ a: ' x ', b: 2 }) as object, { n: '5', u: 0 })
    expect(exactly(mine.decode(fromProto))).toEqual({
      ok: { n: 5, u: 0, a: 'x', b: 2 },
      keys: ['n', 'u', 'a', 'b'],
    })
    class Row {
      readonly n = '6'
      readonly u = null
      get a(): string {
        return 'y'
      }
      get c(): number {
        return 7
      }
    }
    expect(exactly(mine.decode(new Row()))).toEqual({
      ok: { n: 6, u: null, a: 'y', c: '7' },
      keys: ['n', 'u', 'a', 'c'],
    })
    // Nothing changed: the input itself comes back, prototype and all.
    const unchanged = Object.assign(Object.create({ a: 'x' }) as object, { n: 1, u: 0 })
    const r = mine.decode(unchanged)
    expect(r._tag === 'Right' && r.right).toBe(unchanged)
  })

  it('is an IntersectionType with io-ts’s name, guard and parts', () => {
    expect(mine).toBeInstanceOf(t.IntersectionType)
    expect(mine.name).toBe(t.intersection([t.type(required), t.partial(optional)]).name)
    expect(mine.is({ a: 'x', n: 1, u: 1, f: { g: 'y' } })).toBe(true)
    expect(mine.is({ a: 'x', n: '1', u: 1 })).toBe(false)
    expect(mine.types[0].props).toBe(required)
    expect(mine.types[1].props).toBe(optional)
  })

  it('refuses a key that is both required and optional', () => {
    expect(() => fields({ a: t.string, b: t.string }, { b: t.string })).toThrow(
      'fields: b both required and optional',
    )
  })
})
