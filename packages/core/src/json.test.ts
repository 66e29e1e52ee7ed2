import fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { parseJsonLossless } from './json'

describe('parseJsonLossless', () => {
  it('keeps an Aliyun GroupId beyond 2^53 as its exact decimal string', () => {
    expect(parseJsonLossless('{"GroupId":20000000000000123}')).toEqual(
      E.right({ GroupId: '20000000000000123' }),
    )
  })

  it('keeps every integer beyond the safe range as a string, even one a double holds exactly', () => {
    expect(
      parseJsonLossless(
        '{"a":9007199254740993,"b":20000000000000000,"c":-9007199254740993,"d":12345678901234567890}',
      ),
    ).toEqual(
      E.right({
        a: '9007199254740993',
        b: '20000000000000000',
        c: '-9007199254740993',
        d: '12345678901234567890',
      }),
    )
  })

  it('keeps small numbers, fractions and exponents as numbers', () => {
    expect(
      parseJsonLossless('{"n":42,"max":9007199254740991,"f":0.5,"e":2.5e3,"neg":-7,"zero":0}'),
    ).toEqual(E.right({ n: 42, max: 9007199254740991, f: 0.5, e: 2500, neg: -7, zero: 0 }))
  })

  it('reads receipts: an array of objects with 16-digit ids', () => {
    expect(
      parseJsonLossless('[{"sub_id":1000000000000001,"id":2000000000000000123,"call_id":"abc"}]'),
    ).toEqual(E.right([{ sub_id: 1000000000000001, id: '2000000000000000123', call_id: 'abc' }]))
  })

  it.each([
    ['a 16-digit id inside a string', '{"SubsId":"1234567890123456789","n":7}'],
    ['a string that looks like a long number after a colon', '{"m":"at:1234567890123456","n":7}'],
    ['a nested array of small numbers', '{"l":[1,[2,3],{"x":-4}]}'],
  ])('reads %s as JSON.parse does', (_, text) => {
    expect(parseJsonLossless(text)).toEqual(E.right(JSON.parse(text)))
  })

  it('keeps a long integer as a string at the top level, in arrays and after blanks', () => {
    expect(parseJsonLossless('9007199254740993')).toEqual(E.right('9007199254740993'))
    expect(parseJsonLossless('[ 1, \n 9007199254740993]')).toEqual(E.right([1, '9007199254740993']))
    expect(parseJsonLossless('{"a": -9007199254740993}')).toEqual(
      E.right({ a: '-9007199254740993' }),
    )
  })

  it('reads strings, booleans, null and nesting as JSON.parse does', () => {
    const text = '{"Code":"OK","Message":"成功","ok":true,"none":null,"list":[1,"2",{"x":[]}]}'
    expect(parseJsonLossless(text)).toEqual(E.right(JSON.parse(text)))
  })

  it.each([
    ['an empty string', ''],
    ['truncated JSON', '{"Code":"OK"'],
    ['an HTML error page', '<html><body>502 Bad Gateway</body></html>'],
    ['trailing garbage', '{"a":1} x'],
    ['single quotes', "{'a':1}"],
  ])('is a Left for %s, never a throw', (_, text) => {
    const r = parseJsonLossless(text)
    expect(E.isLeft(r)).toBe(true)
    if (E.isLeft(r)) expect(r.left.length).toBeGreaterThan(0)
  })

  it('agrees with JSON.parse on any JSON whose integers are safe', () => {
    fc.assert(
      // 16+ digit runs are left out: they may be integers beyond the safe range.
      fc.property(
        fc.json({ noUnicodeString: false }).filter((text) => !/\d{16,}/.test(text)),
        (text) => {
          const expected: unknown = JSON.parse(text)
          expect(parseJsonLossless(text)).toEqual(E.right(expected))
        },
      ),
    )
  })

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const r = parseJsonLossless(text)
        expect(E.isLeft(r) || E.isRight(r)).toBe(true)
      }),
    )
  })

  it('returns every integer exactly, as a number when safe and as its digits when not', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), (n) => {
        const r = parseJsonLossless(`{"id":${n}}`)
        const safe = n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= BigInt(Number.MIN_SAFE_INTEGER)
        expect(r).toEqual(E.right({ id: safe ? Number(n) : n.toString() }))
      }),
    )
  })
})
