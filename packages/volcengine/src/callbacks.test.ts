import { createServer, type Server } from 'node:http'
import type { CallbackRejected, CallEvent } from '@privacy-number/core'
import { startEmulator, type Emulator } from '@privacy-number/emulator'
import fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { parseVolcengineCallback, volcengineAuthCode } from './callbacks'
import { createVolcengineProvider } from './provider'

const TOKEN = '8D202AC288'
const TS = '1622539884'
const AT = () => new Date(Number(TS) * 1000)

/** Signs a body the way the platform does and parses it back. */
const push = (
  body: string | Buffer,
  extra: { token?: string; ts?: string; now?: () => Date; authCode?: string } = {},
) => {
  const ts = extra.ts ?? TS
  const authCode = extra.authCode ?? volcengineAuthCode(ts, body, extra.token ?? TOKEN)
  return parseVolcengineCallback({
    body,
    query: { timestamp: ts, authCode },
    authToken: TOKEN,
    now: extra.now ?? AT,
  })
}

const events = (r: E.Either<CallbackRejected, ReadonlyArray<CallEvent>>) => {
  if (E.isLeft(r)) throw new Error(`expected events, got ${r.left.reason}: ${r.left.message}`)
  return r.right
}
const reason = (r: E.Either<CallbackRejected, ReadonlyArray<CallEvent>>) =>
  E.isLeft(r) ? r.left.reason : 'accepted'

const status = (eventType: number, extra: Record<string, unknown> = {}) => ({
  accountId: '2100000001',
  callId: 'call-1',
  serviceType: 200,
  caller: '13800138000',
  callee: '13900139000',
  eventTime: '1622539880',
  allEventType: [1, 2, 3, 4],
  eventType,
  phoneNoX: '17000000001',
  phoneNoA: '13800138000',
  phoneNoB: '13900139000',
  subscriptionId: 'S1600000000000000001',
  userData: 'ud',
  messageType: 1,
  ...extra,
})

const cdr = (extra: Record<string, unknown> = {}) => ({
  accountId: '2100000001',
  callId: 'call-1',
  serviceType: 200,
  subServiceType: 201,
  numberPoolNo: 'NP1',
  caller: '13800138000',
  callee: '13900139000',
  beginCallTime: 1622539870000,
  ringTime: 1622539872000,
  startTime: 1622539875000,
  endTime: 1622539880000,
  releaseType: 1,
  callDuration: 5,
  callResult: 1,
  audioRecordFlag: 0,
  cdrCreateTime: 1622539881000,
  outId: 'order-7',
  phoneNoX: '17000000001',
  phoneNoA: '13800138000',
  phoneNoB: '13900139000',
  subscriptionId: 'S1600000000000000001',
  userData: '',
  secretCallType: 11,
  messageType: 2,
  ...extra,
})

describe('authCode', () => {
  it('reproduces the documented example', () => {
    expect(volcengineAuthCode(TS, '{"callId":"abcdefg","accountId":"123456789"}', TOKEN)).toBe(
      '8090de7b7bab3d9e626280f635a60a8453d2ba75403f13aac3f4d5dccf6c2264',
    )
  })

  it('accepts the documented push with its documented authCode (then: not a call event)', () => {
    const r = parseVolcengineCallback({
      body: '{"callId":"abcdefg","accountId":"123456789"}',
      query: new URLSearchParams({
        timestamp: TS,
        authCode: '8090de7b7bab3d9e626280f635a60a8453d2ba75403f13aac3f4d5dccf6c2264',
      }),
      authToken: TOKEN,
      now: AT,
    })
    // The signature verifies; the body has no messageType, so it is not a call event.
    expect(reason(r)).toBe('malformed')
  })

  it('rejects a forged authCode', () => {
    expect(reason(push(JSON.stringify(status(1)), { token: 'not-the-token' }))).toBe('signature')
  })

  it('rejects a tampered body', () => {
    const body = JSON.stringify(status(1))
    const authCode = volcengineAuthCode(TS, body, TOKEN)
    expect(reason(push(body.replace('13900139000', '13900139001'), { authCode }))).toBe('signature')
  })

  it('rejects a tampered timestamp', () => {
    const body = JSON.stringify(status(1))
    const authCode = volcengineAuthCode(TS, body, TOKEN)
    expect(reason(push(body, { authCode, ts: String(Number(TS) + 1) }))).toBe('signature')
  })

  it('rejects a missing authCode or timestamp', () => {
    const body = JSON.stringify(status(1))
    for (const query of [
      {},
      { timestamp: TS },
      { authCode: 'abc' },
      { timestamp: TS, authCode: '' },
    ])
      expect(reason(parseVolcengineCallback({ body, query, authToken: TOKEN, now: AT }))).toBe(
        'signature',
      )
  })

  it('rejects a push outside the ±300 s window, and honours toleranceSeconds', () => {
    const body = JSON.stringify(status(1))
    const later = () => new Date((Number(TS) + 301) * 1000)
    const earlier = () => new Date((Number(TS) - 301) * 1000)
    expect(reason(push(body, { now: later }))).toBe('stale')
    expect(reason(push(body, { now: earlier }))).toBe('stale')
    expect(reason(push(body, { now: () => new Date((Number(TS) + 299) * 1000) }))).toBe('accepted')
    const authCode = volcengineAuthCode(TS, body, TOKEN)
    const wide = parseVolcengineCallback({
      body,
      query: { timestamp: TS, authCode },
      authToken: TOKEN,
      now: later,
      toleranceSeconds: 600,
    })
    expect(reason(wide)).toBe('accepted')
  })

  it('accepts an upper-case authCode, a Buffer body and array-valued query records', () => {
    const body = Buffer.from(JSON.stringify(status(2)), 'utf8')
    const authCode = volcengineAuthCode(TS, body, TOKEN).toUpperCase()
    const r = parseVolcengineCallback({
      body,
      query: { timestamp: [TS], authCode: [authCode] },
      authToken: TOKEN,
      now: AT,
    })
    expect(events(r)[0]?.type).toBe('ringing')
  })

  it('rejects everything when no authToken is configured', () => {
    const body = JSON.stringify(status(1))
    const r = parseVolcengineCallback({
      body,
      query: { timestamp: TS, authCode: volcengineAuthCode(TS, body, '') },
      authToken: '',
      now: AT,
    })
    expect(reason(r)).toBe('signature')
  })
})

describe('call status (messageType 1)', () => {
  it.each([
    [1, 'call-started'],
    [2, 'ringing'],
    [3, 'answered'],
    [4, 'call-ended'],
  ] as const)('maps eventType %i to %s', (eventType, type) => {
    const [e] = events(push(JSON.stringify(status(eventType))))
    expect(e).toEqual({
      vendor: 'volcengine',
      type,
      callId: 'call-1',
      subscriptionId: 'S1600000000000000001',
      x: '17000000001',
      caller: '13800138000',
      callee: '13900139000',
      userData: 'ud',
      at: new Date(1622539880 * 1000),
      raw: status(eventType),
    })
  })

  it('answers unsupported for an unknown eventType', () => {
    expect(reason(push(JSON.stringify(status(9))))).toBe('unsupported')
  })
})

describe('CDR (messageType 2)', () => {
  it('maps an answered call with epoch-ms times, duration and release cause', () => {
    const [e] = events(push(JSON.stringify(cdr())))
    expect(e).toMatchObject({
      type: 'call-ended',
      callId: 'call-1',
      outId: 'order-7',
      subscriptionId: 'S1600000000000000001',
      x: '17000000001',
      at: new Date(1622539880000),
      startedAt: new Date(1622539870000),
      answeredAt: new Date(1622539875000),
      endedAt: new Date(1622539880000),
      durationSec: 5,
      releaseCause: { raw: '1', category: 'normal' },
    })
    expect(e?.userData).toBeUndefined()
  })

  it.each([
    [7, 'no-answer'],
    [8, 'busy'],
    [9, 'rejected'],
    [13, 'no-binding'],
    [2, 'unreachable'],
    [29, 'blocked'],
    [20, 'failed'],
    [21, 'unknown'],
    [99, 'unknown'],
  ] as const)('maps callResult %i to %s', (callResult, category) => {
    const [e] = events(push(JSON.stringify(cdr({ callResult, startTime: 0, callDuration: 0 }))))
    expect(e?.releaseCause).toEqual({ raw: String(callResult), category })
    expect(e?.answeredAt).toBeUndefined()
    expect(e?.durationSec).toBe(0)
  })
})

describe('recording (messageType 3)', () => {
  const rec = {
    accountId: '2100000001',
    callId: 'call-1',
    serviceType: 200,
    audioRecordUrl: 'https://example.com/call-1.mp3',
    audioRecordLeftUrl: '',
    audioRecordRightUrl: '',
    messageType: 3,
    audioRecordModel: 3,
    userData: 'u',
  }

  it('maps to recording-ready with the recording URL', () => {
    const [e] = events(push(JSON.stringify(rec)))
    expect(e).toEqual({
      vendor: 'volcengine',
      type: 'recording-ready',
      callId: 'call-1',
      userData: 'u',
      recordingUrl: 'https://example.com/call-1.mp3',
      at: AT(),
      raw: rec,
    })
  })

  it('falls back to the left track of a split recording', () => {
    const split = { ...rec, audioRecordUrl: '', audioRecordLeftUrl: 'https://e/l.wav' }
    expect(events(push(JSON.stringify(split)))[0]?.recordingUrl).toBe('https://e/l.wav')
  })
})

describe('bodies', () => {
  it('accepts an array of records, in order', () => {
    const got = events(push(JSON.stringify([status(1), status(3), cdr()])))
    expect(got.map((e) => e.type)).toEqual(['call-started', 'answered', 'call-ended'])
  })

  it.each([
    ['not JSON', 'hello'],
    ['truncated JSON', '{"callId":"c","messageType":1,'],
    ['a bare number', '42'],
    ['null', 'null'],
    ['an empty array', '[]'],
    ['an array holding a string', '["x"]'],
    ['no messageType', '{"callId":"c"}'],
    ['a status without callId', JSON.stringify({ ...status(1), callId: undefined })],
    ['a status with an object eventTime', JSON.stringify(status(1, { eventTime: {} }))],
    ['a CDR without times', JSON.stringify(cdr({ endTime: undefined, cdrCreateTime: undefined }))],
    ['a recording without URL', '{"callId":"c","messageType":3}'],
  ])('rejects %s as malformed', (_name, body) => {
    expect(reason(push(body))).toBe('malformed')
  })

  it('answers unsupported for an unknown messageType', () => {
    expect(reason(push(JSON.stringify({ ...status(1), messageType: 7 })))).toBe('unsupported')
  })

  it('never throws, whatever the body and query', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v) ?? ''),
        ),
        fc.dictionary(fc.string(), fc.string()),
        (body, query) => {
          const signed = push(body)
          const unsigned = parseVolcengineCallback({ body, query, authToken: TOKEN, now: AT })
          expect(E.isLeft(signed) || E.isRight(signed)).toBe(true)
          expect(E.isLeft(unsigned) || E.isRight(unsigned)).toBe(true)
        },
      ),
    )
  })
})

describe('pushes from the emulator', () => {
  const token = 'EmuToken1234'
  let emu: Emulator
  let server: Server
  const received: Array<{ url: string; body: string }> = []

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        received.push({ url: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') })
        res.writeHead(200).end()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    const port = typeof address === 'object' && address !== null ? address.port : 0
    emu = await startEmulator({
      callbacks: { volcengine: { url: `http://127.0.0.1:${port}/hook`, authToken: token } },
    })
  })

  afterAll(async () => {
    await emu.close()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  it('verifies and decodes status, CDR and recording pushes of a recorded call', async () => {
    const p = createVolcengineProvider({ ...emu.volcengine })
    const bound = await p.bind({
      kind: 'AXB',
      a: '13512340001',
      b: '13512340002',
      expiresAt: new Date(Date.now() + 3_600_000),
      record: true,
      outId: 'emu-order',
    })()
    if (E.isLeft(bound)) throw new Error(bound.left.message)
    await emu.simulateCall({ from: '13512340001', to: bound.right.x, durationSec: 12 })
    const parsed = received.flatMap(({ url, body }) =>
      events(
        parseVolcengineCallback({
          body,
          query: new URL(url, 'http://receiver').searchParams,
          authToken: token,
        }),
      ),
    )
    expect(parsed.map((e) => e.type)).toEqual([
      'call-started',
      'ringing',
      'answered',
      'call-ended',
      'call-ended',
      'recording-ready',
    ])
    const ended = parsed[4]
    expect(ended).toMatchObject({
      subscriptionId: bound.right.subscriptionId,
      x: bound.right.x,
      caller: '13512340001',
      callee: '13512340002',
      outId: 'emu-order',
      durationSec: 12,
      releaseCause: { category: 'normal' },
    })
    expect(parsed[5]?.recordingUrl).toMatch(/\.mp3$/)
    const forged = received[0]!
    const r = parseVolcengineCallback({
      body: forged.body,
      query: new URL(forged.url, 'http://receiver').searchParams,
      authToken: 'WrongToken99',
    })
    expect(reason(r)).toBe('signature')
    await p.unbind(bound.right.ref)()
    await p.close()
  })
})
