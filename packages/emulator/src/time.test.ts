import fc from 'fast-check'
import { compactBeijing, formatBeijing, parseBeijing } from './time'

describe('Beijing wall-clock time', () => {
  it('formats an instant as UTC+8 whatever the host zone is', () => {
    expect(formatBeijing(Date.UTC(2030, 0, 1, 16, 30, 5))).toBe('2030-01-02 00:30:05')
    expect(compactBeijing(Date.UTC(2030, 0, 1, 16, 30, 5))).toBe('20300102003005')
  })

  it('parses a wall-clock string as UTC+8', () => {
    expect(parseBeijing('2030-01-02 00:30:05')).toBe(Date.UTC(2030, 0, 1, 16, 30, 5))
  })

  it('rejects malformed and impossible dates', () => {
    for (const s of [
      '2030-01-02T00:30:05',
      '2030-1-2 00:30:05',
      '2030-02-30 00:00:00',
      '2030-01-01 24:00:00',
      '',
    ]) {
      expect(parseBeijing(s)).toBeUndefined()
    }
  })

  it('round-trips every second-precise instant', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.UTC(2037, 11, 31) / 1000 }), (sec) => {
        expect(parseBeijing(formatBeijing(sec * 1000))).toBe(sec * 1000)
      }),
    )
  })
})
