/**
 * Call events end to end: the emulator routes a simulated call like the vendor and pushes that
 * vendor's signed call events to a real `createCallbackHandler` on node:http; the normalized
 * events come out.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as E from 'fp-ts/Either'
import { createCallbackHandler, type Binding, type CallEvent } from '@privacy-number/core'
import { startEmulator, type Emulator } from '@privacy-number/emulator'
import { aliyunCallbackRoute, createAliyunProvider } from '@privacy-number/aliyun'
import { createVolcengineProvider, volcengineCallbackRoute } from '@privacy-number/volcengine'

const AUTH_TOKEN = '8D202AC288'
let emu: Emulator
let server: http.Server
let base = ''
const received: CallEvent[] = []
const rejected: string[] = []

beforeAll(async () => {
  const handler = createCallbackHandler({
    volcengine: volcengineCallbackRoute({ authToken: AUTH_TOKEN, path: '/volcengine' }),
    aliyun: aliyunCallbackRoute({
      paths: {
        '/aliyun/start': 'SecretStartReport',
        '/aliyun/report': 'SecretReport',
        '/aliyun/recording': 'SecretRecording',
      },
    }),
    onEvents: (events) => void received.push(...events),
    onError: (e) => void rejected.push('reason' in e ? e.reason : e.message),
  })
  server = http.createServer(handler)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  emu = await startEmulator({
    callbacks: {
      volcengine: { url: `${base}/volcengine`, authToken: AUTH_TOKEN },
      aliyun: {
        SecretStartReport: `${base}/aliyun/start`,
        SecretReport: `${base}/aliyun/report`,
        SecretRecording: `${base}/aliyun/recording`,
      },
    },
  })
})
afterAll(async () => {
  await emu.close()
  await new Promise<void>((r) => server.close(() => r()))
})
beforeEach(() => {
  received.length = 0
  rejected.length = 0
})

const bindVolc = async (record: boolean): Promise<Binding> => {
  const volc = createVolcengineProvider({ ...emu.volcengine })
  const r = await volc.bind({
    kind: 'AXB',
    a: '13900001111',
    b: '13900002222',
    expiresAt: new Date(Date.now() + 3_600_000),
    record,
    outId: 'order-77',
    userData: 'ride 77',
  })()
  await volc.close()
  if (E.isLeft(r)) throw new Error(r.left.message)
  return r.right
}

describe('call events from the emulator through the receiver', () => {
  it('turns a Volcengine A→X call into started, ringing, answered and ended events with a CDR', async () => {
    const binding = await bindVolc(true)
    const call = await emu.simulateCall({ from: '13900001111', to: binding.x, durationSec: 42 })
    expect(call).toMatchObject({ vendor: 'volcengine', routed: true, callee: '13900002222' })
    expect(call.events.every((e) => e.status === 200)).toBe(true)
    const types = received.map((e) => e.type)
    expect(types).toEqual(
      expect.arrayContaining([
        'call-started',
        'ringing',
        'answered',
        'call-ended',
        'recording-ready',
      ]),
    )
    const ended = received.filter((e) => e.type === 'call-ended')
    const cdr = ended.find((e) => e.durationSec !== undefined && e.durationSec > 0)
    expect(cdr).toMatchObject({
      vendor: 'volcengine',
      callId: call.callId,
      subscriptionId: binding.subscriptionId,
      x: binding.x,
      caller: '13900001111',
      callee: '13900002222',
      durationSec: 42,
      releaseCause: { category: 'normal' },
    })
    expect(received.find((e) => e.type === 'recording-ready')?.recordingUrl).toMatch(/^https?:\/\//)
    expect(rejected).toEqual([])
    // And the recording can be fetched again later by call id (QueryAudioRecordFileUrl).
    const volc = createVolcengineProvider({ ...emu.volcengine })
    const url = await volc.recordingUrl({ callId: call.callId })()
    await volc.close()
    expect(E.isRight(url) && url.right).toMatch(new RegExp(`${call.callId}`))
  })

  it('delivers each event once even when the vendor pushes twice', async () => {
    const binding = await bindVolc(false)
    const call = await emu.simulateCall({ from: '13900002222', to: binding.x, answer: false })
    const first = received.length
    expect(first).toBeGreaterThan(0)
    // Replay every push byte for byte, as a vendor retry would.
    for (const e of call.events) await fetch(e.url, { method: 'POST', body: e.body })
    expect(received).toHaveLength(first)
    const ended = received.find((e) => e.type === 'call-ended' && e.durationSec === 0)
    expect(ended?.releaseCause?.category).not.toBe('normal')
  })

  it('turns an Aliyun B→X call into started, ended and recording events with exact ids', async () => {
    const ali = createAliyunProvider({ ...emu.aliyun })
    const bound = await ali.bind({
      kind: 'AXB',
      a: '13900003333',
      b: '13900004444',
      expiresAt: new Date(Date.now() + 3_600_000),
      record: true,
      outId: 'order-88',
    })()
    await ali.close()
    if (E.isLeft(bound)) throw new Error(bound.left.message)
    const call = await emu.simulateCall({ from: '13900004444', to: bound.right.x, durationSec: 15 })
    expect(call).toMatchObject({ vendor: 'aliyun', routed: true, callee: '13900003333' })
    expect(call.events.map((e) => e.status)).toEqual(call.events.map(() => 200))
    expect(received.map((e) => e.type)).toEqual(
      expect.arrayContaining(['call-started', 'call-ended', 'recording-ready']),
    )
    const ended = received.find((e) => e.type === 'call-ended')
    expect(ended).toMatchObject({
      vendor: 'aliyun',
      subscriptionId: bound.right.subscriptionId,
      x: bound.right.x,
      outId: 'order-88',
      durationSec: 15,
    })
    expect(ended?.endedAt).toBeInstanceOf(Date)
    // The recording's download URL, asked by call id and call time (sent as Beijing time).
    const recording = received.find((e) => e.type === 'recording-ready')
    if (recording === undefined) throw new Error('no recording-ready event')
    const again = createAliyunProvider({ ...emu.aliyun })
    const url = await again.recordingUrl({ callId: recording.callId, callTime: recording.at })()
    await again.close()
    expect(E.isRight(url) && url.right).toMatch(/\.mp3$/)
  })

  it('rejects a forged push with 401 and hands nothing over', async () => {
    const body = JSON.stringify({ messageType: 2, callId: 'forged' })
    const ts = Math.floor(Date.now() / 1000)
    const res = await fetch(`${base}/volcengine?timestamp=${ts}&authCode=${'0'.repeat(64)}`, {
      method: 'POST',
      body,
    })
    expect(res.status).toBe(401)
    expect(received).toEqual([])
    expect(rejected).toEqual(['signature'])
  })
})
