import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import * as E from 'fp-ts/Either'
import { parseAliyunCallback } from './callbacks'
import { bindParams, batchItem } from './wire'

const run = promisify(execFile)

// Instants chosen around the edges: UTC midnight (Beijing is already the next day), a US DST
// switch, a leap day, New Year in Beijing but not in UTC.
const CASES: ReadonlyArray<readonly [string, string]> = [
  ['2030-01-01T00:00:00.000Z', '2030-01-01 08:00:00'],
  ['2026-03-08T10:30:00.000Z', '2026-03-08 18:30:00'],
  ['2026-11-01T09:00:59.999Z', '2026-11-01 17:00:59'],
  ['2028-02-28T16:00:00.000Z', '2028-02-29 00:00:00'],
  ['2026-12-31T16:00:00.000Z', '2027-01-01 00:00:00'],
  ['2027-06-30T23:59:59.000Z', '2027-07-01 07:59:59'],
]

const expirationOf = (iso: string): string | undefined =>
  Object.fromEntries(
    bindParams('FC1', { a: '13800138000', expiresAt: new Date(iso), record: false }),
  )['Expiration']

// The child runs the same pure builder from the sources through ts-node (installed at the root),
// with '@privacy-number/core' pointed at the parts of core's sources it needs: no build needed.
const CHILD = `
const Module = require('node:module')
const resolve = Module._resolveFilename
Module._resolveFilename = function (request, ...rest) {
  if (request === '@privacy-number/core') request = process.env.PN_CORE
  return resolve.call(this, request, ...rest)
}
require(process.env.PN_TS_NODE).register({
  transpileOnly: true,
  compilerOptions: { module: 'commonjs', moduleResolution: 'node' },
})
const { bindParams, batchItem } = require(process.env.PN_WIRE)
const { parseAliyunCallback } = require(process.env.PN_CALLBACKS)
const instants = JSON.parse(process.env.PN_INSTANTS)
const out = instants.map((iso) => {
  const w = { a: '13800138000', expiresAt: new Date(iso), record: false }
  return [
    Object.fromEntries(bindParams('FC1', w)).Expiration,
    batchItem({ ...w, groupId: '1' }).Expiration,
  ]
})
const pushed = parseAliyunCallback({ type: 'SecretReport', body: process.env.PN_REPORT })
const times = pushed.right.map((e) => [e.startedAt, e.answeredAt, e.endedAt].map((d) => d.toISOString()))
process.stdout.write(
  JSON.stringify({ tz: Intl.DateTimeFormat().resolvedOptions().timeZone, out, times }),
)
`

const REPORT = JSON.stringify([
  {
    call_id: 'c',
    call_type: 0,
    call_time: '2026-03-08 09:59:59',
    start_time: '2026-03-08 10:00:05',
    release_time: '2026-03-08 10:01:05',
    release_cause: 16,
  },
])
const REPORT_TIMES = [
  '2026-03-08T01:59:59.000Z',
  '2026-03-08T02:00:05.000Z',
  '2026-03-08T02:01:05.000Z',
]

describe('Expiration and receipt times are Beijing time whatever TZ is', () => {
  it.each(CASES)('formats %s as %s in this process', (iso, beijing) => {
    expect(expirationOf(iso)).toBe(beijing)
    expect(
      batchItem({ a: '1', groupId: '1', expiresAt: new Date(iso), record: false })['Expiration'],
    ).toBe(beijing)
  })

  it('gives identical strings and receipt instants under TZ=UTC, America/Los_Angeles and Asia/Shanghai', async () => {
    const root = path.resolve(__dirname, '../../..')
    const zones = ['UTC', 'America/Los_Angeles', 'Asia/Shanghai']
    const results = await Promise.all(
      zones.map(async (tz) => {
        const { stdout } = await run(process.execPath, ['-e', CHILD], {
          cwd: root,
          env: {
            ...process.env,
            TZ: tz,
            PN_CORE: path.join(__dirname, 'test-helpers/core-time-shim.ts'),
            PN_TS_NODE: require.resolve('ts-node', { paths: [root] }),
            PN_WIRE: path.join(__dirname, 'wire.ts'),
            PN_INSTANTS: JSON.stringify(CASES.map(([iso]) => iso)),
            PN_CALLBACKS: path.join(__dirname, 'callbacks.ts'),
            PN_REPORT: REPORT,
          },
          timeout: 60_000,
        })
        return JSON.parse(stdout) as {
          tz: string
          out: Array<[string, string]>
          times: string[][]
        }
      }),
    )
    const expected = CASES.map(([, beijing]) => [beijing, beijing])
    results.forEach((r, i) => {
      // The child really ran in the zone it was given.
      expect(r.tz).toEqual(
        zones[i] === 'UTC' ? expect.stringMatching(/^(UTC|Etc\/UTC)$/) : zones[i],
      )
      expect(r.out).toEqual(expected)
      // Receipt times are read as Beijing time in every zone.
      expect(r.times).toEqual([REPORT_TIMES])
    })
  })
})

describe('receipt times in this process', () => {
  it('reads SecretReport times as Beijing time', () => {
    const r = parseAliyunCallback({ type: 'SecretReport', body: REPORT })
    expect(
      E.isRight(r) &&
        r.right.map((e) => [e.startedAt, e.answeredAt, e.endedAt].map((d) => d?.toISOString())),
    ).toEqual([REPORT_TIMES])
  })
})
