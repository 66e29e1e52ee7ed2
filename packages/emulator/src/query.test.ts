import fc from 'fast-check'
import { parseQuery } from './query'

describe('parseQuery', () => {
  it('decodes like URLSearchParams, + as space included', () => {
    expect(parseQuery('a=1&b=x+y%2Bz&c=%E5%8C%97%E4%BA%AC&d&&e=')).toEqual([
      ['a', '1'],
      ['b', 'x y+z'],
      ['c', '北京'],
      ['d', ''],
      ['e', ''],
    ])
  })

  it('keeps a malformed escape as sent instead of failing', () => {
    expect(parseQuery('a=%E5%8C&b=1')).toEqual([
      ['a', '%E5%8C'],
      ['b', '1'],
    ])
  })

  it('splits like URLSearchParams on raw strings of separators (missing =, empty segments)', () => {
    const raw = fc.string({ unit: fc.constantFrom('a', 'b', '=', '&', '+', 'é') })
    fc.assert(
      fc.property(raw, (qs) => {
        expect(parseQuery(qs)).toEqual([...new URLSearchParams(qs)])
      }),
    )
  })

  it('agrees with URLSearchParams on any encoded pairs', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ minLength: 1 }), fc.string())), (pairs) => {
        const qs = new URLSearchParams(pairs).toString()
        expect(parseQuery(qs)).toEqual([...new URLSearchParams(qs)])
      }),
    )
  })
})
