import fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { normalizePhone, normalizeX, phoneKind } from './phone'

// ---------------------------------------------------------------------------------------------
// generators: canonical numbers, and the forms a caller may write them in
// ---------------------------------------------------------------------------------------------

const mobile = fc.stringMatching(/^1[3-9]\d{9}$/)
// 0 + area code (10, 2x or a 3-digit code) + a local number that starts with 2–9.
const areaCode = fc.oneof(
  fc.constant('10'),
  fc.stringMatching(/^2\d$/),
  fc.stringMatching(/^[3-9]\d\d$/),
)
const localNumber = fc.oneof(fc.stringMatching(/^[2-9]\d{6}$/), fc.stringMatching(/^[2-9]\d{7}$/))
const fixedLine = fc.record({ area: areaCode, local: localNumber })

const separator = fc.constantFrom('', '', '', ' ', '-', '  ', ' - ', '\u00a0')

/** Inserts a random separator into each gap between the characters of `digits`. */
const spaced = (digits: string) =>
  fc
    .array(separator, { minLength: digits.length - 1, maxLength: digits.length - 1 })
    .map((seps) => [...digits].map((d, i) => d + (seps[i] ?? '')).join(''))

const mobileForm = mobile.chain((canonical) =>
  fc
    .tuple(
      fc.constantFrom('', '+86', '0086', '86', '+86 ', '0086-', '(+86) ', '+86-'),
      spaced(canonical),
    )
    .map(([prefix, body]) => ({ canonical, written: prefix + body })),
)

const fixedForm = fixedLine.chain(({ area, local }) => {
  const canonical = `0${area}${local}`
  return fc
    .tuple(
      fc.constantFrom(
        (a: string, l: string) => `0${a}${l}`,
        (a: string, l: string) => `0${a}-${l}`,
        (a: string, l: string) => `(0${a}) ${l}`,
        (a: string, l: string) => `（0${a}）${l}`,
        (a: string, l: string) => `+86 ${a} ${l}`,
        (a: string, l: string) => `+86-${a}-${l}`,
        (a: string, l: string) => `0086 ${a} ${l}`,
        (a: string, l: string) => `+86 (0${a}) ${l}`,
      ),
      spaced(local),
    )
    .map(([render, l]) => ({ canonical, written: render(area, l) }))
})

// ---------------------------------------------------------------------------------------------
// normalizePhone
// ---------------------------------------------------------------------------------------------

describe('normalizePhone', () => {
  it.each([
    ['13800138000', '13800138000'],
    ['+86 138-0013-8000', '13800138000'],
    ['8613800138000', '13800138000'],
    ['0086 138 0013 8000', '13800138000'],
    ['(+86) 13800138000', '13800138000'],
    ['010-6233 4455', '01062334455'],
    ['(010) 62334455', '01062334455'],
    ['（0531）8234-5678', '053182345678'],
    ['+86 10 6233 4455', '01062334455'],
    ['+86 010 6233 4455', '01062334455'],
    ['0086-571-8888-7777', '057188887777'],
    ['0755 2345678', '07552345678'],
  ])('normalizes %j to %s', (input, canonical) => {
    expect(normalizePhone(input)).toEqual(E.right(canonical))
  })

  it.each([
    ['an empty string', ''],
    ['only separators', ' - ( ) '],
    ['letters', '138abcd8000'],
    ['a mobile of 10 digits', '1380013800'],
    ['a mobile of 12 digits', '138001380001'],
    ['a mobile starting 12', '12800138000'],
    ['a foreign number', '+1 415 555 0100'],
    ['a bare +86', '+86'],
    ['a fixed line whose local number starts with 0', '010-02334455'],
    ['a fixed line whose local number starts with 1', '010-12334455'],
    ['a fixed line that is too short', '010-623344'],
    ['a fixed line that is too long', '010-623344556'],
    ['a number with a dot', '138.0013.8000'],
    ['a 400 number (an X, not a party)', '4001234567'],
    ['a 700 number (an X, not a party)', '700123456789012'],
    ['86 + a fixed line without its 0', '861062334455'],
  ])('rejects %s', (_, input) => {
    const r = normalizePhone(input)
    expect(E.isLeft(r)).toBe(true)
    if (E.isLeft(r)) expect(r.left).toMatch(/\w/)
  })

  it('rejects a value that is not a string, without throwing', () => {
    expect(E.isLeft(normalizePhone(13800138000 as unknown as string))).toBe(true)
    expect(E.isLeft(normalizePhone(undefined as unknown as string))).toBe(true)
  })

  it('normalizes every accepted form of a mobile to the canonical one', () => {
    fc.assert(
      fc.property(mobileForm, ({ canonical, written }) => {
        expect(normalizePhone(written)).toEqual(E.right(canonical))
      }),
    )
  })

  it('normalizes every accepted form of a fixed line to the canonical one', () => {
    fc.assert(
      fc.property(fixedForm, ({ canonical, written }) => {
        expect(normalizePhone(written)).toEqual(E.right(canonical))
      }),
    )
  })

  it('is idempotent', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          mobileForm.map((f) => f.written),
          fixedForm.map((f) => f.written),
          fc.string(),
        ),
        (input) => {
          const once = normalizePhone(input)
          if (E.isRight(once)) expect(normalizePhone(once.right)).toEqual(once)
        },
      ),
    )
  })

  it('never throws on garbage and only ever answers a mobile or a fixed line', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          fc.stringMatching(/^[\d +()-]{0,20}$/),
        ),
        (input) => {
          const r = normalizePhone(input)
          if (E.isRight(r)) expect(phoneKind(r.right)).toBeDefined()
          else expect(typeof r.left).toBe('string')
        },
      ),
    )
  })
})

describe('phoneKind', () => {
  it.each([
    ['13800138000', 'mobile'],
    ['19912345678', 'mobile'],
    ['01062334455', 'fixed'],
    ['02187654321', 'fixed'],
    ['07552345678', 'fixed'],
    ['053182345678', 'fixed'],
    ['12800138000', undefined],
    ['+8613800138000', undefined],
    ['4001234567', undefined],
    ['', undefined],
  ])('says %j is %s', (input, kind) => {
    expect(phoneKind(input)).toBe(kind)
  })
})

// ---------------------------------------------------------------------------------------------
// normalizeX
// ---------------------------------------------------------------------------------------------

describe('normalizeX', () => {
  it.each([
    ['an 11-digit number', '17012345678', '17012345678'],
    ['a fixed line with a hyphen', '010-6233 4455', '01062334455'],
    ['a 95 number', '95013', '95013'],
    ['a 95 number of 8 digits', '95013888', '95013888'],
    ['a 400 number', '400-123-4567', '4001234567'],
    ['a 15-digit 700 number', '700123456789012', '700123456789012'],
    ['a number whose local part starts with 1', '01012334455', '01012334455'],
  ])('accepts %s as opaque digits', (_, input, x) => {
    expect(normalizeX(input)).toEqual(E.right(x))
  })

  it.each([
    ['an empty string', ''],
    ['4 digits', '1234'],
    ['21 digits', '1'.repeat(21)],
    ['letters', '1701234567X'],
    ['a + prefix', '+8617012345678'],
    ['a non-string', 17012345678 as unknown as string],
  ])('rejects %s', (_, input) => {
    expect(E.isLeft(normalizeX(input))).toBe(true)
  })

  it('keeps the digits of X exactly as given, whatever they are', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{5,20}$/), (digits) => {
        expect(normalizeX(digits)).toEqual(E.right(digits))
      }),
    )
  })

  it('never throws on garbage', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (input) => {
        const r = normalizeX(input)
        if (E.isRight(r)) expect(r.right).toMatch(/^\d{5,20}$/)
      }),
    )
  })
})
