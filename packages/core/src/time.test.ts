import { execFileSync } from 'node:child_process'
import path from 'node:path'
import fc from 'fast-check'
import { formatBeijing, fromEpoch, parseBeijing, toUnixSeconds } from './time'

const HOUR = 3_600_000
// The same computation by hand: Beijing time is UTC+8 with no DST.
const byHand = (instant: Date) =>
  new Date(instant.getTime() + 8 * HOUR).toISOString().slice(0, 19).replace('T', ' ')

const instant = fc.date({
  min: new Date('1900-01-01T00:00:00Z'),
  max: new Date('2099-12-31T00:00:00Z'),
  noInvalidDate: true,
})

describe('formatBeijing', () => {
  it.each([
    ['2026-01-01T00:00:00.000Z', '2026-01-01 08:00:00'],
    ['2025-12-31T16:00:00.000Z', '2026-01-01 00:00:00'],
    ['2037-12-31T15:59:59.999Z', '2037-12-31 23:59:59'],
    ['2024-02-28T16:30:05.000Z', '2024-02-29 00:30:05'],
    // Asia/Shanghai had DST in 1986–1991; the vendors' Beijing time never does.
    ['1988-06-01T00:00:00.000Z', '1988-06-01 08:00:00'],
  ])('formats %s as %s', (iso, text) => {
    expect(formatBeijing(new Date(iso))).toBe(text)
  })

  it('equals the UTC+8 computation done by hand for any instant', () => {
    fc.assert(
      fc.property(instant, (d) => {
        expect(formatBeijing(d)).toBe(byHand(d))
      }),
    )
  })
})

describe('parseBeijing', () => {
  it('reads a Beijing wall-clock string as the instant 8 hours earlier in UTC', () => {
    expect(parseBeijing('2026-01-01 08:00:00')?.toISOString()).toBe('2026-01-01T00:00:00.000Z')
    expect(parseBeijing('2038-01-01 00:00:00')?.toISOString()).toBe('2037-12-31T16:00:00.000Z')
  })

  it.each([
    ['an empty string', ''],
    ['a date without time', '2026-01-01'],
    ['single-digit fields', '2026-1-1 8:00:00'],
    ['an ISO string', '2026-01-01T08:00:00'],
    ['February 30', '2026-02-30 00:00:00'],
    ['February 29 of a common year', '2025-02-29 00:00:00'],
    ['month 13', '2026-13-01 00:00:00'],
    ['hour 24', '2026-01-01 24:00:00'],
    ['minute 60', '2026-01-01 23:60:00'],
    ['trailing text', '2026-01-01 08:00:00Z'],
    ['leading space', ' 2026-01-01 08:00:00'],
  ])('rejects %s', (_, text) => {
    expect(parseBeijing(text)).toBeUndefined()
  })

  it('round-trips formatBeijing to the second', () => {
    fc.assert(
      fc.property(instant, (d) => {
        const back = parseBeijing(formatBeijing(d))
        expect(back?.getTime()).toBe(Math.floor(d.getTime() / 1000) * 1000)
      }),
    )
  })

  it('never throws, and whatever it accepts formats back to the same text', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)),
        (text) => {
          const d = parseBeijing(text)
          if (d !== undefined) expect(formatBeijing(d)).toBe(text)
        },
      ),
    )
  })
})

describe('Beijing time whatever TZ the host runs in', () => {
  // process.env.TZ cannot be changed inside a jest worker, so each zone gets its own process.
  const repo = path.resolve(__dirname, '../../..')
  const script = `
    const t = require(${JSON.stringify(path.join(__dirname, 'time.ts'))})
    const instants = ['2026-03-08T10:30:00Z', '2026-11-01T08:30:00Z', '2026-06-30T16:00:00Z', '1988-06-01T00:00:00Z']
    const texts = ['2026-03-08 02:30:00', '2026-11-01 01:30:00', '2026-07-01 00:00:00']
    process.stdout.write(JSON.stringify({
      formatted: instants.map((i) => t.formatBeijing(new Date(i))),
      parsed: texts.map((s) => t.parseBeijing(s).toISOString()),
    }))`
  const run = (tz: string): unknown =>
    JSON.parse(
      execFileSync(process.execPath, ['-r', 'ts-node/register', '-e', script], {
        cwd: repo,
        env: { ...process.env, TZ: tz, TS_NODE_TRANSPILE_ONLY: '1' },
        encoding: 'utf8',
      }),
    )

  it.each(['UTC', 'America/Los_Angeles', 'Asia/Shanghai'])(
    'gives the same strings under TZ=%s',
    (tz) => {
      expect(run(tz)).toEqual({
        formatted: [
          '2026-03-08 18:30:00',
          '2026-11-01 16:30:00',
          '2026-07-01 00:00:00',
          '1988-06-01 08:00:00',
        ],
        parsed: [
          '2026-03-07T18:30:00.000Z',
          '2026-10-31T17:30:00.000Z',
          '2026-06-30T16:00:00.000Z',
        ],
      })
    },
  )
})

describe('toUnixSeconds', () => {
  it('truncates to whole seconds', () => {
    expect(toUnixSeconds(new Date('2026-01-01T00:00:00.999Z'))).toBe(1767225600)
    expect(toUnixSeconds(new Date(0))).toBe(0)
  })

  it('is the inverse of fromEpoch in seconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800 }), (s) => {
        expect(toUnixSeconds(fromEpoch(s, 's')!)).toBe(s)
      }),
    )
  })
})

describe('fromEpoch', () => {
  it.each([
    [1767225600, 's', '2026-01-01T00:00:00.000Z'],
    ['1767225600', 's', '2026-01-01T00:00:00.000Z'],
    [1767225600123, 'ms', '2026-01-01T00:00:00.123Z'],
    ['1767225600123', 'ms', '2026-01-01T00:00:00.123Z'],
  ] as const)('reads %j in %s', (value, unit, iso) => {
    expect(fromEpoch(value, unit)?.toISOString()).toBe(iso)
  })

  it.each([
    ['an empty string', ''],
    ['a decimal string', '1767225600.5'],
    ['a negative string', '-1'],
    ['text', 'yesterday'],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['an instant beyond the Date range', 1e16],
  ])('is undefined for %s', (_, value) => {
    expect(fromEpoch(value, 's')).toBeUndefined()
  })
})
