import fc from 'fast-check'
import * as t from 'io-ts'
import { IdString, sparse, StringOrNumber } from './codecs'

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

  it('is a PartialType with io-ts’s name, guard and props', () => {
    expect(ours).toBeInstanceOf(t.PartialType)
    expect(ours.name).toBe(t.partial(props).name)
    expect(ours.is({ a: 'x', f: { h: true } })).toBe(true)
    expect(ours.is({ b: 'x' })).toBe(false)
    expect(ours.props).toBe(props)
  })
})
