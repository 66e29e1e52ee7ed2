import fc from 'fast-check'
import * as E from 'fp-ts/Either'
import type { BindingKind } from './model'
import { formatRef, parseRef, type RefParts } from './ref'

const encode = (payload: unknown) =>
  `pn1.${Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url')}`

const sample: RefParts = {
  vendor: 'aliyun',
  pool: 'FC100000012345678',
  kind: 'AXB',
  subscriptionId: '1000000123456789',
  x: '17012345678',
}

describe('formatRef / parseRef', () => {
  it('round-trips a binding handle', () => {
    const ref = formatRef(sample)
    expect(parseRef(ref)).toEqual(E.right(sample))
  })

  it('writes a versioned, URL-safe string', () => {
    const ref = formatRef({ ...sample, pool: '号码池/1?&=', subscriptionId: 'S160817372431596661' })
    expect(ref).toMatch(/^pn1\.[A-Za-z0-9_-]+$/)
    expect(encodeURIComponent(ref)).toBe(ref)
  })

  it('does not show the numbers it carries in clear text', () => {
    expect(formatRef(sample)).not.toContain('17012345678')
  })

  it('accepts an empty pool (a vendor without pools)', () => {
    expect(parseRef(formatRef({ ...sample, pool: '' }))).toEqual(E.right({ ...sample, pool: '' }))
  })

  it('round-trips arbitrary unicode strings in every part', () => {
    fc.assert(
      fc.property(
        fc.record({
          vendor: fc.string({ unit: 'binary', minLength: 1 }),
          pool: fc.string({ unit: 'binary' }),
          kind: fc.constantFrom<BindingKind>('AXB', 'AXN', 'AXG'),
          subscriptionId: fc.string({ unit: 'binary', minLength: 1 }),
          x: fc.string({ unit: 'binary', minLength: 1 }),
        }),
        (parts) => {
          const ref = formatRef(parts)
          expect(ref).toMatch(/^pn1\.[A-Za-z0-9_-]+$/)
          expect(parseRef(ref)).toEqual(E.right(parts))
        },
      ),
    )
  })

  it.each([
    ['a number', 42],
    ['undefined', undefined],
    ['an object', { ref: 'pn1.x' }],
    ['an empty string', ''],
    ['the bare prefix', 'pn1.'],
    ['another version', encode(['aliyun', 'p', 'AXB', '1', '170']).replace('pn1.', 'pn2.')],
    ['a raw subscription id', '1000000123456789'],
    ['characters outside base64url', 'pn1.abc+/='],
    ['base64 of text that is not JSON', `pn1.${Buffer.from('hello').toString('base64url')}`],
    ['a JSON object', encode({ vendor: 'aliyun' })],
    ['four parts', encode(['aliyun', 'p', 'AXB', '1'])],
    ['six parts', encode(['aliyun', 'p', 'AXB', '1', '170', 'extra'])],
    ['a number among the parts', encode(['aliyun', 'p', 'AXB', 1, '170'])],
    ['an unknown kind', encode(['aliyun', 'p', 'AXY', '1', '170'])],
    ['an empty vendor', encode(['', 'p', 'AXB', '1', '170'])],
    ['an empty subscription id', encode(['aliyun', 'p', 'AXB', '', '170'])],
    ['an empty X', encode(['aliyun', 'p', 'AXB', '1', ''])],
    ['a truncated ref', formatRef(sample).slice(0, -6)],
  ])('answers InvalidArgument on ref for %s', (_, ref) => {
    const r = parseRef(ref)
    expect(E.isLeft(r)).toBe(true)
    if (E.isLeft(r)) {
      expect(r.left._tag).toBe('InvalidArgument')
      expect(r.left.field).toBe('ref')
      expect(r.left.outcome).toBe('not-applied')
      expect(r.left.message).toMatch(/^ref /)
    }
  })

  it('never throws on garbage', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.string().map((s) => `pn1.${s}`),
          fc.uint8Array().map((b) => `pn1.${Buffer.from(b).toString('base64url')}`),
          fc.jsonValue().map(encode),
        ),
        (garbage) => {
          const r = parseRef(garbage)
          if (E.isLeft(r)) expect(r.left._tag).toBe('InvalidArgument')
          else expect(formatRef(r.right)).toMatch(/^pn1\./)
        },
      ),
    )
  })
})
