import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { CallbackRejected, CallEvent } from '@privacy-number/core'
import { startEmulator, type Emulator } from '@privacy-number/emulator'
import fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { parseAliyunCallback, parseAliyunMnsMessage } from './callbacks'
import { createAliyunProvider } from './provider'

const events = (
  r: E.Either<CallbackRejected, ReadonlyArray<CallEvent>>,
): ReadonlyArray<CallEvent> => {
  if (E.isLeft(r)) throw new Error(`expected events, got ${r.left.reason}: ${r.left.message}`)
  return r.right
}
const rejected = (r: E.Either<CallbackRejected, ReadonlyArray<CallEvent>>): CallbackRejected => {
  if (E.isRight(r)) throw new Error('expected a rejection')
  return r.left
}

// Records built from the vendor note §5 field lists; ids are raw JSON numbers of 19 digits.
const START = `[{"phone_no":"13800138000","secret_no":"17100000001","peer_no":"13900139000",
 "called_display_no":"17100000001","pool_key":"FC100000000000001","partner_key":"P1","city":"北京",
 "out_id":"order-1","sub_id":1000017838816000123,"id":1234567890123456789,"unconnected_cause":0,
 "call_time":"2021-08-25 20:11:29","call_id":"call-1","call_type":0,"control_type":"CONTINUE"}]`

const RING = `[{"phone_no":"13800138000","secret_no":"17100000001","peer_no":"13900139000",
 "call_type":"1","call_id":"call-2","call_time":"2021-08-25 20:11:29","ring_time":"2021-08-25 20:11:31",
 "pool_key":"FC1","sub_id":"1000017838816000124","city":"北京","out_id":"o2","extension":""}]`

const PICKUP = `[{"phone_no":"13800138000","secret_no":"17100000001","peer_no":"13900139000",
 "call_type":0,"call_id":"call-3","call_time":"2021-08-25 20:11:29","ring_time":"2021-08-25 20:11:31",
 "start_time":"2021-08-25 20:11:40","pool_key":"FC1","sub_id":1000017838816000125,"out_id":"o3"}]`

const report = (extra: Record<string, unknown>): string =>
  JSON.stringify([
    {
      phone_no: '13800138000',
      secret_no: '17100000001',
      peer_no: '13900139000',
      called_display_no: '17100000001',
      pool_key: 'FC1',
      partner_key: 'P1',
      city: '北京',
      out_id: 'o4',
      call_id: 'call-4',
      call_type: 1,
      call_time: '2021-08-25 20:11:29',
      call_out_time: '2021-08-25 20:11:30',
      ring_time: '2021-08-25 20:11:31',
      free_ring_time: '2021-08-25 20:11:32',
      start_time: '2021-08-25 20:11:40',
      release_time: '2021-08-25 20:12:10',
      release_dir: 1,
      release_cause: 16,
      unconnected_cause: 0,
      sms_number: 0,
      record_url: 'https://example.test/rec.mp3',
      ring_record_url: '',
      ...extra,
    },
  ]).replace('"SUB"', '1000017838816000126')

describe('parseAliyunCallback', () => {
  it('maps SecretStartReport to call-started with exact 19-digit ids and Beijing time', () => {
    const [e] = events(parseAliyunCallback({ type: 'SecretStartReport', body: START }))
    expect(e).toMatchObject({
      vendor: 'aliyun',
      type: 'call-started',
      callId: 'call-1',
      subscriptionId: '1000017838816000123',
      x: '17100000001',
      caller: '13800138000',
      callee: '13900139000',
      outId: 'order-1',
    })
    expect(e?.at.toISOString()).toBe('2021-08-25T12:11:29.000Z')
    expect((e?.raw as { id: unknown }).id).toBe('1234567890123456789')
  })

  it('maps SecretRingReport (string call_type and sub_id) to ringing, peer→A', () => {
    const [e] = events(parseAliyunCallback({ type: 'SecretRingReport', body: RING }))
    expect(e).toMatchObject({
      type: 'ringing',
      subscriptionId: '1000017838816000124',
      caller: '13900139000',
      callee: '13800138000',
    })
    expect(e?.at.toISOString()).toBe('2021-08-25T12:11:31.000Z')
  })

  it('maps SecretPickUpReport to answered at start_time', () => {
    const [e] = events(parseAliyunCallback({ type: 'SecretPickUpReport', body: PICKUP }))
    expect(e).toMatchObject({ type: 'answered', subscriptionId: '1000017838816000125' })
    expect(e?.answeredAt?.toISOString()).toBe('2021-08-25T12:11:40.000Z')
  })

  it('maps an answered SecretReport to call-ended with duration, cause and recording', () => {
    const [e] = events(
      parseAliyunCallback({ type: 'SecretReport', body: report({ sub_id: 'SUB' }) }),
    )
    expect(e).toMatchObject({
      type: 'call-ended',
      callId: 'call-4',
      subscriptionId: '1000017838816000126',
      caller: '13900139000',
      callee: '13800138000',
      durationSec: 30,
      releaseCause: { raw: '16', category: 'normal' },
      recordingUrl: 'https://example.test/rec.mp3',
    })
    expect(e?.startedAt?.toISOString()).toBe('2021-08-25T12:11:29.000Z')
    expect(e?.answeredAt?.toISOString()).toBe('2021-08-25T12:11:40.000Z')
    expect(e?.endedAt?.toISOString()).toBe('2021-08-25T12:12:10.000Z')
    expect(e?.at).toEqual(e?.endedAt)
  })

  it.each([
    [{ start_time: '2021-08-25 20:12:10', release_cause: 19, record_url: '' }, 'no-answer', '19'],
    [{ start_time: '2021-08-25 20:12:10', release_cause: 17 }, 'busy', '17'],
    [{ start_time: '2021-08-25 20:12:10', release_cause: 21 }, 'rejected', '21'],
    [{ start_time: '2021-08-25 20:12:10', release_cause: 18 }, 'no-answer', '18'],
    [{ start_time: '2021-08-25 20:12:10', release_cause: 999 }, 'unknown', '999'],
    [
      { start_time: '2021-08-25 20:12:10', release_cause: 31, control_msg: 'NO_SUBS_EXIST' },
      'no-binding',
      '31',
    ],
    [
      { start_time: '2021-08-25 20:12:10', release_cause: 31, unconnected_cause: 2 },
      'no-binding',
      '31',
    ],
    [
      { start_time: '2021-08-25 20:12:10', release_cause: 31, unconnected_cause: 1 },
      'blocked',
      '31',
    ],
  ])('an unanswered SecretReport %j has duration 0 and category %s', (extra, category, raw) => {
    const [e] = events(parseAliyunCallback({ type: 'SecretReport', body: report(extra) }))
    expect(e).toMatchObject({ durationSec: 0, releaseCause: { raw, category } })
    expect(e?.answeredAt).toBeUndefined()
    expect(e?.recordingUrl).toBe(
      'record_url' in extra && extra.record_url === '' ? undefined : 'https://example.test/rec.mp3',
    )
  })

  it('maps SecretRecording (epoch-ms call_time) with either sub_id or subs_id', () => {
    for (const key of ['sub_id', 'subs_id']) {
      const body = `[{"pool_key":"FC1","${key}":1000017838816000127,"call_id":"call-5","call_time":1629893489000,"out_id":"o5"}]`
      const [e] = events(parseAliyunCallback({ type: 'SecretRecording', body }))
      expect(e).toMatchObject({
        type: 'recording-ready',
        callId: 'call-5',
        subscriptionId: '1000017838816000127',
        outId: 'o5',
      })
      expect(e?.at.toISOString()).toBe('2021-08-25T12:11:29.000Z')
    }
  })

  it('keeps several records of one push in order', () => {
    const body = `[${JSON.parse(START)
      .map((r: object) => JSON.stringify(r))
      .join(',')},{"call_id":"c-b","call_time":"2021-08-25 20:11:30","call_type":1}]`
    const list = events(parseAliyunCallback({ type: 'SecretStartReport', body: Buffer.from(body) }))
    expect(list.map((e) => e.callId)).toEqual(['call-1', 'c-b'])
    expect(events(parseAliyunCallback({ type: 'SecretReport', body: '[]' }))).toEqual([])
  })

  it('treats sub_id 0 as no binding', () => {
    const [e] = events(
      parseAliyunCallback({
        type: 'SecretStartReport',
        body: '[{"call_id":"c","call_time":"2021-08-25 20:11:29","sub_id":0}]',
      }),
    )
    expect(e?.subscriptionId).toBeUndefined()
  })

  it.each([
    ['not JSON', '{"call_id":'],
    ['not an array', '{"call_id":"c","call_time":"2021-08-25 20:11:29"}'],
    ['a record without call_id', '[{"call_time":"2021-08-25 20:11:29"}]'],
    ['a bad time', '[{"call_id":"c","call_time":"2021/08/25 20:11:29"}]'],
    ['an impossible date', '[{"call_id":"c","call_time":"2021-02-30 20:11:29"}]'],
    ['a record that is not an object', '[42]'],
  ])('rejects %s as malformed', (_name, body) => {
    expect(rejected(parseAliyunCallback({ type: 'SecretStartReport', body }))).toMatchObject({
      _tag: 'CallbackRejected',
      vendor: 'aliyun',
      reason: 'malformed',
    })
  })

  it('rejects a message type it does not know as unsupported', () => {
    for (const type of ['SecretAsrReport', 'toString', ''])
      expect(rejected(parseAliyunCallback({ type, body: '[]' })).reason).toBe('unsupported')
  })

  it('never throws, whatever the body', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('SecretStartReport', 'SecretReport', 'SecretRecording', 'Nope'),
        fc.oneof(fc.string(), fc.json()),
        (type, body) => {
          expect(() => parseAliyunCallback({ type, body })).not.toThrow()
          expect(() => parseAliyunMnsMessage({ type, body })).not.toThrow()
        },
      ),
      { numRuns: 300 },
    )
  })
})

describe('parseAliyunMnsMessage', () => {
  const record = JSON.parse(
    START.replace('1000017838816000123', '"1000017838816000123"'),
  )[0] as object
  const mnsBody = (json: string) => Buffer.from(json, 'utf8').toString('base64')

  it('decodes a Base64 JSON object, keeping a 19-digit subs_id exact', () => {
    const json = JSON.stringify({ ...record, sub_id: undefined }).replace(
      /}$/,
      ',"subs_id":1000017838816000999}',
    )
    const [e] = events(parseAliyunMnsMessage({ type: 'SecretStartReport', body: mnsBody(json) }))
    expect(e).toMatchObject({
      type: 'call-started',
      subscriptionId: '1000017838816000999',
      callId: 'call-1',
    })
  })

  it('accepts a body some MNS clients already decoded', () => {
    const [e] = events(
      parseAliyunMnsMessage({ type: 'SecretStartReport', body: JSON.stringify(record) }),
    )
    expect(e?.callId).toBe('call-1')
  })

  it('rejects non-Base64, a Base64 array and a Base64 non-JSON body as malformed', () => {
    for (const body of ['%%%not base64%%%', mnsBody('[1,2]'), mnsBody('hello')])
      expect(rejected(parseAliyunMnsMessage({ type: 'SecretReport', body })).reason).toBe(
        'malformed',
      )
  })

  it('rejects an unknown type as unsupported', () => {
    expect(
      rejected(parseAliyunMnsMessage({ type: 'SecretExceptionPhoneReport', body: mnsBody('{}') }))
        .reason,
    ).toBe('unsupported')
  })
})

describe('pushes from the emulator', () => {
  let emu: Emulator
  let receiver: http.Server
  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        res.setHeader('content-type', 'application/json')
        res.end('{"code":0,"msg":"接收成功"}')
      })
    })
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    emu = await startEmulator()
    emu.setCallbacks({
      aliyun: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/ali` },
    })
  })
  afterAll(async () => {
    await emu.close()
    await new Promise<void>((resolve) => receiver.close(() => resolve()))
  })

  it('decodes every receipt of a recorded, answered call', async () => {
    const provider = createAliyunProvider({ ...emu.aliyun })
    const a = '13712345678'
    const b = '13887654321'
    const bound = await provider.bind({
      kind: 'AXB',
      a,
      b,
      expiresAt: new Date(Date.now() + 3_600_000),
      record: true,
      outId: 'emu-out',
    })()
    if (E.isLeft(bound)) throw new Error(bound.left.message)
    const call = await emu.simulateCall({ from: a, to: bound.right.x, durationSec: 42 })
    const parsed = call.events.flatMap((p) =>
      events(parseAliyunCallback({ type: String(p.messageType), body: p.body })),
    )
    expect(parsed.map((e) => e.type)).toEqual(['call-started', 'call-ended', 'recording-ready'])
    for (const e of parsed)
      expect(e).toMatchObject({ subscriptionId: bound.right.subscriptionId, outId: 'emu-out' })
    expect(parsed[1]).toMatchObject({
      caller: a,
      callee: b,
      durationSec: 42,
      releaseCause: { category: 'normal' },
    })
    await provider.unbind(bound.right.ref)()
    await provider.close()
  })
})
