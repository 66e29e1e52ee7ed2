import { createServer } from 'node:http'
import type { Server } from 'node:http'
import { volcAuthCode } from './calls'
import type { Emulator } from './emulator'
import { startEmulator } from './emulator'
import { aliCall, aliExpiry, volcCall, volcExpiry } from './test-helpers/clients'

interface Received {
  readonly url: string
  readonly body: string
}

let receiver: Server
let received: Received[] = []
let receiverUrl = ''
let emu: Emulator

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received.push({ url: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') })
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":0}')
    })
  })
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
  const address = receiver.address()
  receiverUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  emu = await startEmulator({
    callbacks: {
      volcengine: { url: `${receiverUrl}/volc`, authToken: '8D202AC288' },
      aliyun: { url: `${receiverUrl}/ali` },
    },
  })
})
beforeEach(() => {
  received = []
})
afterAll(async () => {
  await emu.close()
  await new Promise((r) => receiver.close(r))
})

const volcBind = async (action: string, params: Record<string, unknown>) =>
  (
    await volcCall(emu, action, {
      NumberPoolNo: emu.volcengine.numberPoolNo,
      ExpireTime: volcExpiry(emu),
      ...params,
    })
  ).json.Result

describe('Volcengine callback authCode', () => {
  it('matches the documented example', () => {
    expect(
      volcAuthCode('1622539884', '{"callId":"abcdefg","accountId":"123456789"}', '8D202AC288'),
    ).toBe('8090de7b7bab3d9e626280f635a60a8453d2ba75403f13aac3f4d5dccf6c2264')
  })
})

describe('simulateCall on Volcengine', () => {
  it('routes A→X to B and pushes four status events, a CDR and a recording, each signed', async () => {
    const r = await volcBind('BindAXB', {
      PhoneNoA: '13800000001',
      PhoneNoB: '13900000001',
      PhoneNoX: '17000000001',
      OutId: 'o1',
    })
    const call = await emu.simulateCall({ from: '13800000001', to: '17000000001', durationSec: 42 })
    expect(call).toMatchObject({
      vendor: 'volcengine',
      routed: true,
      callee: '13900000001',
      subscriptionId: r.SubId,
    })
    const bodies = received.map((m) => JSON.parse(m.body) as Record<string, unknown>)
    expect(bodies.map((b) => [b['messageType'], b['eventType']])).toEqual([
      [1, 1],
      [1, 2],
      [1, 3],
      [1, 4],
      [2, undefined],
      [3, undefined],
    ])
    for (const m of received) {
      const url = new URL(m.url, receiverUrl)
      const ts = url.searchParams.get('timestamp') ?? ''
      expect(url.pathname).toBe('/volc')
      expect(url.searchParams.get('authCode')).toBe(volcAuthCode(ts, m.body, '8D202AC288'))
    }
    const cdr = bodies[4] as Record<string, unknown>
    expect(cdr).toMatchObject({
      callResult: 1,
      callDuration: 42,
      subscriptionId: r.SubId,
      phoneNoA: '13800000001',
      phoneNoB: '13900000001',
      phoneNoX: '17000000001',
      outId: 'o1',
      secretCallType: 11,
    })
    expect(typeof cdr['beginCallTime']).toBe('number')
    expect(bodies[5]?.['audioRecordUrl']).toContain(`${call.callId}.mp3`)
    expect(call.events.every((e) => e.status === 200)).toBe(true)
  })

  it('routes B→X to A and reports no answer with callResult 7 and no recording', async () => {
    await volcBind('BindAXB', {
      PhoneNoA: '13800000002',
      PhoneNoB: '13900000002',
      PhoneNoX: '17000000001',
      AudioRecordFlag: 0,
    })
    const call = await emu.simulateCall({ from: '13900000002', to: '17000000001', answer: false })
    expect(call.callee).toBe('13800000002')
    const bodies = received.map((m) => JSON.parse(m.body) as Record<string, unknown>)
    expect(bodies.map((b) => b['eventType'] ?? b['messageType'])).toEqual([1, 2, 4, 2])
    expect(bodies[3]).toMatchObject({ callResult: 7, secretCallType: 10 })
  })

  it('routes any N→X on AXN to A, and a G member→X on AXG to A', async () => {
    await volcBind('BindAXN', { PhoneNoA: '13800000003', PhoneNoX: '17000000002' })
    expect((await emu.simulateCall({ from: '13600000000', to: '17000000002' })).callee).toBe(
      '13800000003',
    )
    await volcBind('BindAXG', {
      PhoneNoA: '13800000004',
      PhoneNoX: '17000000003',
      GroupName: 'g',
      GroupNumbers: ['13700000001'],
    })
    expect((await emu.simulateCall({ from: '13700000001', to: '17000000003' })).callee).toBe(
      '13800000004',
    )
    expect((await emu.simulateCall({ from: '13700000009', to: '17000000003' })).routed).toBe(false)
  })

  it('reports a call to an X without binding with callResult 13', async () => {
    const call = await emu.simulateCall({ from: '13800000009', to: '17000000009' })
    expect(call).toMatchObject({ vendor: 'volcengine', routed: false })
    const cdr = received
      .map((m) => JSON.parse(m.body) as Record<string, unknown>)
      .find((b) => b['messageType'] === 2)
    expect(cdr?.['callResult']).toBe(13)
  })
})

describe('simulateCall on Aliyun', () => {
  it('pushes SecretStartReport, SecretReport and SecretRecording as JSON arrays with raw sub_id', async () => {
    const bound = await aliCall(emu, 'BindAxb', {
      PoolKey: emu.aliyun.poolKey,
      PhoneNoA: '13800000001',
      PhoneNoB: '13900000001',
      Expiration: aliExpiry(emu),
      IsRecordingEnabled: 'true',
      OutId: 'order-1',
    })
    const dto = bound.json.SecretBindDTO
    const call = await emu.simulateCall({ from: '13900000001', to: dto.SecretNo })
    expect(call).toMatchObject({ vendor: 'aliyun', routed: true, callee: '13800000001' })
    expect(call.events.map((e) => e.messageType)).toEqual([
      'SecretStartReport',
      'SecretReport',
      'SecretRecording',
    ])
    for (const m of received) {
      expect(m.url).toBe('/ali')
      expect(m.body.startsWith('[')).toBe(true)
      expect(m.body).toContain(`"sub_id":${dto.SubsId}`)
    }
    const report = (JSON.parse(received[1]?.body ?? '[]') as Array<Record<string, unknown>>)[0]
    expect(report).toMatchObject({
      phone_no: '13800000001',
      secret_no: dto.SecretNo,
      peer_no: '13900000001',
      call_type: 1,
      release_cause: 16,
      out_id: 'order-1',
      call_id: call.callId,
    })
    expect(report?.['call_time']).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)
    const recording = (JSON.parse(received[2]?.body ?? '[]') as Array<Record<string, unknown>>)[0]
    expect(typeof recording?.['call_time']).toBe('number')
  })

  it('reports NO_SUBS_EXIST for an X without binding and release_cause 19 when unanswered', async () => {
    const unbound = await emu.simulateCall({ from: '13800000009', to: '17100000006' })
    expect(unbound.routed).toBe(false)
    expect(received.some((m) => m.body.includes('"control_msg":"NO_SUBS_EXIST"'))).toBe(true)
    received = []
    const bound = await aliCall(emu, 'BindAxb', {
      PoolKey: emu.aliyun.poolKey,
      PhoneNoA: '13800000005',
      PhoneNoB: '13900000005',
      Expiration: aliExpiry(emu),
    })
    const call = await emu.simulateCall({
      from: '13800000005',
      to: bound.json.SecretBindDTO.SecretNo,
      answer: false,
    })
    expect(call.events.map((e) => e.messageType)).toEqual(['SecretStartReport', 'SecretReport'])
    expect(received[1]?.body).toContain('"release_cause":19')
  })

  it('returns routed=false and pushes nothing for a number neither vendor holds', async () => {
    expect(await emu.simulateCall({ from: '13800000001', to: '19900000000' })).toMatchObject({
      routed: false,
      events: [],
    })
    expect(received).toHaveLength(0)
  })
})

describe('recordings', () => {
  it('serves the recording URL of a simulated call, and both vendors query it', async () => {
    await volcBind('BindAXB', {
      PhoneNoA: '13800000011',
      PhoneNoB: '13900000011',
      PhoneNoX: '17000000004',
    })
    const call = await emu.simulateCall({ from: '13800000011', to: '17000000004' })
    const pushed = call.events.find((e) => e.messageType === 3)
    const url =
      (JSON.parse(pushed?.body ?? '{}') as { audioRecordUrl?: string }).audioRecordUrl ?? ''
    const audio = await fetch(url)
    expect(audio.status).toBe(200)
    expect(audio.headers.get('content-type')).toBe('audio/mpeg')
    const volc = await volcCall(emu, 'QueryAudioRecordFileUrl', { CallId: call.callId })
    expect(volc.json.Result.AudioRecordFileUrl).toBe(url)
    const ali = await aliCall(emu, 'QueryRecordFileDownloadUrl', {
      PoolKey: emu.aliyun.poolKey,
      CallId: call.callId,
      CallTime: '2030-01-01 08:00:00',
    })
    expect(ali.json.DownloadUrl).toBe(`${emu.aliyun.endpoint}/recordings/${call.callId}.mp3`)
    const epoch = await aliCall(emu, 'QueryRecordFileDownloadUrl', {
      PoolKey: emu.aliyun.poolKey,
      CallId: call.callId,
      CallTime: '1893456000000',
    })
    expect(epoch.json.Code).toBe('isv.INVALID_PARAMETERS')
  })
})
