import fc from 'fast-check'
import { maskPhone, maskPhonesInText } from './mask'

describe('maskPhone', () => {
  it.each([
    ['13800138000', '138****8000'],
    ['+86 138-0013-8000', '138****8000'],
    ['8613800138000', '138****8000'],
    ['0086 13800138000', '138****8000'],
    ['010-6233 4455', '010****4455'],
    ['053182345678', '053****5678'],
    ['700123456789012', '700****9012'],
    ['4001234567', '400****4567'],
  ])('keeps the first 3 and last 4 digits of %s', (input, masked) => {
    expect(maskPhone(input)).toBe(masked)
  })

  it.each([
    ['95013', '***13'],
    ['1234567', '*****67'],
    ['12', '**'],
    ['', ''],
  ])('hides all but the last 2 digits of a short number %s', (input, masked) => {
    expect(maskPhone(input)).toBe(masked)
  })

  it('never shows more than 7 digits of an 11-digit mobile', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^1[3-9]\d{9}$/), (mobile) => {
        const masked = maskPhone(mobile)
        expect(masked).toBe(`${mobile.slice(0, 3)}****${mobile.slice(-4)}`)
        expect(masked.replace(/\D/g, '')).toHaveLength(7)
      }),
    )
  })
})

describe('maskPhonesInText', () => {
  it.each([
    ['PhoneNoA 13800138000 is frozen', 'PhoneNoA 138****8000 is frozen'],
    ['a=+86 138-0013-8000, b=0086 139 0013 9000', 'a=138****8000, b=139****9000'],
    ['号码13800138000已绑定', '号码138****8000已绑定'],
    ['X 01062334455 occupied', 'X 010****4455 occupied'],
    ['[13800138000 13900139000]', '[138****8000 139****9000]'],
    ['expires 2026-11-23 13800138000', 'expires 2026-11-23 138****8000'],
    ['PhoneNoX:17012345678', 'PhoneNoX:170****5678'],
  ])('masks the numbers in %j', (text, masked) => {
    expect(maskPhonesInText(text)).toBe(masked)
  })

  it.each([
    'expires at 2026-11-23 04:17:00',
    'expires at 2026-11-23T04:17:00.000Z',
    'subscription S160817372431596661 not found',
    'RequestId 20231123041700ABCDEF',
    'no answer within 5000 ms',
    'pool NP162245312345 empty',
    'code isv.NO_AVAILABLE_NUMBER',
  ])('leaves dates, ids and short numbers alone: %j', (text) => {
    expect(maskPhonesInText(text)).toBe(text)
  })

  it('leaves no mobile readable in any text that embeds one', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }).filter((s) => !/\d$/.test(s) && !/[\w+]$/.test(s)),
        fc.stringMatching(/^1[3-9]\d{9}$/),
        fc.string({ maxLength: 20 }).filter((s) => !/^\w/.test(s)),
        (before, mobile, after) => {
          expect(maskPhonesInText(before + mobile + after)).not.toContain(mobile)
        },
      ),
    )
  })
})
