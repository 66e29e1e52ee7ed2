import type { Emulator, EmulatorOptions } from './emulator'
import { startEmulator } from './emulator'
import { createFaultRegistry } from './faults'
import { aliCall, aliExpiry, volcCall, volcExpiry } from './test-helpers/clients'

const open: Emulator[] = []
const start = async (options: EmulatorOptions = {}): Promise<Emulator> => {
  const emu = await startEmulator(options)
  open.push(emu)
  return emu
}
afterAll(() => Promise.all(open.map((e) => e.close())))

let counter = 0
const volcBind = (emu: Emulator) => {
  counter++
  return volcCall(emu, 'BindAXB', {
    NumberPoolNo: emu.volcengine.numberPoolNo,
    PhoneNoA: `1380000${String(counter).padStart(4, '0')}`,
    PhoneNoB: `1390000${String(counter).padStart(4, '0')}`,
    PhoneNoX: '17000000001',
    ExpireTime: volcExpiry(emu),
  })
}
const aliBind = (emu: Emulator) => {
  counter++
  return aliCall(emu, 'BindAxb', {
    PoolKey: emu.aliyun.poolKey,
    PhoneNoA: `1380000${String(counter).padStart(4, '0')}`,
    PhoneNoB: `1390000${String(counter).padStart(4, '0')}`,
    Expiration: aliExpiry(emu),
  })
}

describe('fault injection', () => {
  it('answers an injected vendor error code in each vendor envelope', async () => {
    const emu = await start()
    emu.faults.inject({
      vendor: 'volcengine',
      times: 1,
      fault: { kind: 'error', code: 'SystemError' },
    })
    const volc = await volcBind(emu)
    expect(volc.status).toBe(200)
    expect(volc.json.ResponseMetadata.Error.Code).toBe('SystemError')
    emu.faults.inject({
      vendor: 'aliyun',
      times: 1,
      fault: { kind: 'error', code: 'isp.SYSTEM_ERROR', message: 'boom' },
    })
    const ali = await aliBind(emu)
    expect(ali.status).toBe(200)
    expect(ali.json).toMatchObject({ Code: 'isp.SYSTEM_ERROR', Message: 'boom' })
    emu.faults.inject({
      vendor: 'aliyun',
      times: 1,
      fault: { kind: 'error', code: 'ServiceUnavailable', httpStatus: 503 },
    })
    const gateway = await aliBind(emu)
    expect(gateway.status).toBe(503)
    expect(gateway.json).toMatchObject({
      Code: 'ServiceUnavailable',
      HostId: 'dyplsapi.aliyuncs.com',
    })
    expect(emu.state.liveCount()).toBe(0)
  })

  it('answers an HTTP status with an HTML body', async () => {
    const emu = await start()
    emu.faults.inject({ vendor: 'volcengine', times: 1, fault: { kind: 'http', status: 502 } })
    const res = await volcBind(emu)
    expect(res.status).toBe(502)
    expect(res.text).toContain('<html>')
    expect(res.json).toBeUndefined()
  })

  it('adds latency, then answers normally', async () => {
    const emu = await start()
    emu.faults.inject({ vendor: 'aliyun', times: 1, fault: { kind: 'latency', ms: 50 } })
    const t0 = performance.now()
    const res = await aliBind(emu)
    expect(res.json.Code).toBe('OK')
    // A lower bound only: a timer never fires early by more than a millisecond.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(45)
  })

  it('hangs without answering until close() drops the connection', async () => {
    const emu = await start()
    emu.faults.inject({ vendor: 'volcengine', fault: { kind: 'hang' } })
    const pending = volcBind(emu)
    const outcome = pending.then(
      () => 'answered',
      () => 'dropped',
    )
    // Give the request time to reach the server, then close: the hung socket must go too.
    await new Promise((r) => setTimeout(r, 50))
    expect(emu.state.liveCount()).toBe(0)
    await emu.close()
    expect(await outcome).toBe('dropped')
  })

  it('resets the connection without applying the request', async () => {
    const emu = await start()
    emu.faults.inject({ vendor: 'volcengine', times: 1, fault: { kind: 'reset' } })
    await expect(volcBind(emu)).rejects.toThrow()
    expect(emu.state.liveCount()).toBe(0)
  })

  it('answers truncated JSON without applying the request', async () => {
    const emu = await start()
    emu.faults.inject({ vendor: 'aliyun', times: 1, fault: { kind: 'malformed' } })
    const res = await aliBind(emu)
    expect(res.status).toBe(200)
    expect(() => JSON.parse(res.text)).toThrow()
    expect(emu.state.liveCount()).toBe(0)
  })

  it('applies the request, then drops the connection before answering', async () => {
    const emu = await start()
    emu.faults.inject({
      vendor: 'aliyun',
      action: 'BindAxb',
      times: 1,
      fault: { kind: 'apply-then-drop' },
    })
    await expect(aliBind(emu)).rejects.toThrow()
    expect(emu.state.liveCount('aliyun')).toBe(1)
    emu.faults.inject({ vendor: 'volcengine', times: 1, fault: { kind: 'apply-then-drop' } })
    await expect(volcBind(emu)).rejects.toThrow()
    expect(emu.state.liveCount('volcengine')).toBe(1)
  })

  it('limits a rule by action and by times, and clears rules', async () => {
    const emu = await start()
    emu.faults.inject({
      vendor: 'volcengine',
      action: 'UnbindAXB',
      fault: { kind: 'error', code: 'SystemError' },
    })
    expect((await volcBind(emu)).json.ResponseMetadata.Error).toBeUndefined()
    const twice = emu.faults.inject({
      vendor: 'aliyun',
      times: 2,
      fault: { kind: 'error', code: 'isp.SYSTEM_ERROR' },
    })
    expect(emu.faults.list().find((r) => r.id === twice)?.times).toBe(2)
    expect((await aliBind(emu)).json.Code).toBe('isp.SYSTEM_ERROR')
    expect((await aliBind(emu)).json.Code).toBe('isp.SYSTEM_ERROR')
    expect((await aliBind(emu)).json.Code).toBe('OK')
    emu.faults.clear()
    expect(emu.faults.list()).toHaveLength(0)
  })

  it('fires a rate-limited rule according to the random source', () => {
    let next = 0.1
    const registry = createFaultRegistry(() => next)
    registry.inject({ vendor: 'aliyun', rate: 0.5, fault: { kind: 'reset' } })
    expect(registry.take('aliyun', 'BindAxb')).toEqual({ kind: 'reset' })
    next = 0.9
    expect(registry.take('aliyun', 'BindAxb')).toBeUndefined()
    expect(registry.take('volcengine', 'BindAXB')).toBeUndefined()
    expect(() => registry.inject({ vendor: 'aliyun', rate: 2, fault: { kind: 'reset' } })).toThrow(
      RangeError,
    )
    expect(() => registry.inject({ vendor: 'aliyun', times: 0, fault: { kind: 'reset' } })).toThrow(
      RangeError,
    )
  })
})

describe('QPS limits', () => {
  it('answers Volcengine OverQpsLimit (HTTP 200) above the limit', async () => {
    const emu = await start({ qps: { volcengine: 2 } })
    const codes = []
    for (let i = 0; i < 3; i++) codes.push((await volcBind(emu)).json.ResponseMetadata.Error?.Code)
    expect(codes).toEqual([undefined, undefined, 'OverQpsLimit'])
    expect(emu.state.liveCount()).toBe(2)
  })

  it('answers Aliyun Throttling.User (HTTP 400, gateway format) above the limit', async () => {
    const emu = await start({ qps: { aliyun: 1 } })
    expect((await aliBind(emu)).json.Code).toBe('OK')
    const throttled = await aliBind(emu)
    expect(throttled.status).toBe(400)
    expect(throttled.json).toMatchObject({
      Code: 'Throttling.User',
      HostId: 'dyplsapi.aliyuncs.com',
    })
  })
})
