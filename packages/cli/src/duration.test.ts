import fc from 'fast-check'
import { parseDuration } from './duration'

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    [' 15m ', 900_000],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it.each(['', '30', 'm', '5x', '1.5h', '-5m', '0m', '30 m', 'PT30M', '1h 30m'])(
    'refuses %j',
    (text) => {
      expect(parseDuration(text)).toBeUndefined()
    },
  )

  it('adds up the parts of any well-formed duration', () => {
    const unit = fc.constantFrom(['s', 1_000], ['m', 60_000], ['h', 3_600_000], ['d', 86_400_000])
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 999 }), unit), { minLength: 1, maxLength: 4 }),
        (parts) => {
          const text = parts.map(([n, [u]]) => `${n}${u}`).join('')
          const ms = parts.reduce((sum, [n, [, k]]) => sum + n * (k as number), 0)
          expect(parseDuration(text)).toBe(ms)
        },
      ),
    )
  })
})
