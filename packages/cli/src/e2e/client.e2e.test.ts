/**
 * The client against both adapters and the emulator, with faults: the failover rules of
 * DESIGN §2.4 end to end, over real HTTP and real signatures.
 */
import http from 'node:http'
import { inspect } from 'node:util'
import type { AddressInfo } from 'node:net'
import * as E from 'fp-ts/Either'
import {
  createPrivacyNumberClient,
  isUnknownOutcome,
  resolveTransport,
  toPromiseClient,
  PrivacyNumberException,
  type BindRequest,
  type ClientEvent,
  type ClientOptions,
  type HttpTransport,
  type PrivacyNumberError,
  type Provider,
} from '@privacy-number/core'
import { createAliyunProvider } from '@privacy-number/aliyun'
import { startEmulator, type Emulator } from '@privacy-number/emulator'
import { createVolcengineProvider } from '@privacy-number/volcengine'

let emu: Emulator
let seq = 0
const phone = () => `1370${String(++seq).padStart(7, '0')}`
const axb = (extra: Partial<BindRequest> = {}): BindRequest => ({
  kind: 'AXB',
  a: phone(),
  b: phone(),
  expiresAt: new Date(Date.now() + 3_600_000),
  ...extra,
})

/** Counts the HTTP requests a provider sends. */
const counting = () => {
  let count = 0
  const transport =
    (inner: HttpTransport): HttpTransport =>
    (req) => {
      count++
      return inner(req)
    }
  return { count: () => count, transport }
}

const volc = (extra: Partial<Parameters<typeof createVolcengineProvider>[0]> = {}) =>
  createVolcengineProvider({ ...emu.volcengine, timeoutMs: 3000, ...extra })
const ali = (extra: Partial<Parameters<typeof createAliyunProvider>[0]> = {}) =>
  createAliyunProvider({ ...emu.aliyun, timeoutMs: 3000, ...extra })

const client = (providers: ReadonlyArray<Provider>, extra: Partial<ClientOptions> = {}) => {
  const events: ClientEvent[] = []
  const c = createPrivacyNumberClient({
    providers,
    retry: false,
    onEvent: (e) => events.push(e),
    ...extra,
  })
  return { c, events }
}

const left = <A>(r: E.Either<PrivacyNumberError, A>): PrivacyNumberError => {
  if (E.isRight(r)) throw new Error(`expected a failure, got ${JSON.stringify(r.right)}`)
  return r.left
}

beforeAll(async () => {
  emu = await startEmulator()
})
afterAll(async () => {
  await emu.close()
})
afterEach(() => emu.faults.clear())

describe('client secrets', () => {
  it('never shows a secret in JSON.stringify or util.inspect of the client, or in its errors', async () => {
    const canary = 'CANARY-s3cr3t-do-not-leak'
    const v = createVolcengineProvider({ ...emu.volcengine, secretAccessKey: canary })
    const a = createAliyunProvider({ ...emu.aliyun, accessKeySecret: canary })
    const { c, events } = client([v, a])
    const r = await c.bind(axb())()
    const text = [
      JSON.stringify(c),
      inspect(c, { depth: 10, showHidden: true }),
      JSON.stringify(r),
      inspect(r, { depth: 10 }),
      JSON.stringify(events),
    ].join('\n')
    expect(E.isLeft(r) && r.left._tag).toBe('AllProvidersFailed')
    expect(text).not.toContain(canary)
  })
})

describe('client failover against the emulator', () => {
  it('fails over to Aliyun when Volcengine has no number left', async () => {
    const small = await startEmulator({ pools: { volcengine: { '010': 1 } }, pairCapacity: 1 })
    try {
      const v = createVolcengineProvider({ ...small.volcengine })
      const a = createAliyunProvider({ ...small.aliyun })
      const { c, events } = client([v, a])
      const first = await c.bind(axb({ select: { city: '010', strict: true } }))()
      expect(E.isRight(first) && first.right.vendor).toBe('volcengine')
      const second = await c.bind(axb({ select: { city: '010', strict: true } }))()
      expect(E.isRight(second) && second.right.vendor).toBe('aliyun')
      expect(events).toContainEqual(
        expect.objectContaining({
          type: 'failover',
          from: 'volcengine',
          to: 'aliyun',
          errorTag: 'NoAvailableNumber',
        }),
      )
      expect(small.state.liveCount('volcengine')).toBe(1)
      expect(small.state.liveCount('aliyun')).toBe(1)
    } finally {
      await small.close()
    }
  })

  it('fails over on throttling', async () => {
    emu.faults.inject({
      vendor: 'volcengine',
      times: 1,
      fault: { kind: 'error', code: 'OverQpsLimit' },
    })
    const r = await client([volc(), ali()]).c.bind(axb())()
    expect(E.isRight(r) && r.right.vendor).toBe('aliyun')
  })

  it('retries a throttled bind on the same vendor when retries are on', async () => {
    emu.faults.inject({
      vendor: 'aliyun',
      times: 1,
      fault: { kind: 'error', code: 'isv.FLOW_LIMIT' },
    })
    const { c, events } = client([ali(), volc()], { retry: { attempts: 2, baseDelayMs: 10 } })
    const r = await c.bind(axb())()
    expect(E.isRight(r) && r.right.vendor).toBe('aliyun')
    expect(events).toContainEqual(expect.objectContaining({ type: 'retry', vendor: 'aliyun' }))
  })

  it('fails over on a vendor system error answered in its envelope', async () => {
    emu.faults.inject({
      vendor: 'volcengine',
      times: 1,
      fault: { kind: 'error', code: 'SystemError' },
    })
    const r = await client([volc(), ali()]).c.bind(axb())()
    expect(E.isRight(r) && r.right.vendor).toBe('aliyun')
  })

  it("does not fail over on an HTML 5xx with 'fail' (it may have been applied)", async () => {
    emu.faults.inject({ vendor: 'volcengine', times: 1, fault: { kind: 'http', status: 502 } })
    const before = emu.state.liveCount('aliyun')
    const e = left(await client([volc(), ali()]).c.bind(axb())())
    expect(e).toMatchObject({ _tag: 'VendorUnavailable', outcome: 'unknown', vendor: 'volcengine' })
    expect(emu.state.liveCount('aliyun')).toBe(before)
  })

  it("fails over on an HTML 5xx with 'reconcile' once Volcengine says the binding is absent", async () => {
    emu.faults.inject({
      vendor: 'volcengine',
      action: 'SelectNumberAndBindAXB',
      times: 1,
      fault: { kind: 'http', status: 503 },
    })
    const { c, events } = client([volc(), ali()], { failover: { unknownOutcome: 'reconcile' } })
    const r = await c.bind(axb())()
    expect(E.isRight(r) && r.right.vendor).toBe('aliyun')
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'reconciled', vendor: 'volcengine', result: 'absent' }),
    )
  })

  it('fails over when the first vendor refuses connections', async () => {
    const server = http.createServer()
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as AddressInfo).port
    await new Promise<void>((r) => server.close(() => r()))
    const dead = volc({ endpoint: `http://127.0.0.1:${port}` })
    const { c, events } = client([dead, ali()])
    const r = await c.bind(axb())()
    expect(E.isRight(r) && r.right.vendor).toBe('aliyun')
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'failover', from: 'volcengine', errorTag: 'NetworkError' }),
    )
  })

  it('does not fail over on a caller error the vendor reports', async () => {
    emu.faults.inject({
      vendor: 'volcengine',
      times: 1,
      fault: { kind: 'error', code: 'PhoneNoARiskFrozen' },
    })
    const counter = counting()
    const a = ali({ transport: counter.transport(axiosTransportForTest()) })
    const e = left(await client([volc(), a]).c.bind(axb())())
    expect(e._tag).toBe('RiskControlled')
    expect(counter.count()).toBe(0)
  })

  it("reports an unknown outcome with 'fail' and binds nowhere else", async () => {
    emu.faults.inject({ vendor: 'volcengine', times: 1, fault: { kind: 'hang' } })
    const before = emu.state.liveCount('aliyun')
    const req = axb({ outId: 'order-hang' })
    const e = left(await client([volc({ timeoutMs: 300 }), ali()]).c.bind(req)())
    expect(e).toMatchObject({ _tag: 'Timeout', outcome: 'unknown' })
    expect(isUnknownOutcome(e) && e.pending).toMatchObject({
      vendor: 'volcengine',
      outId: 'order-hang',
      a: req.a,
    })
    expect(emu.state.liveCount('aliyun')).toBe(before)
  })

  it("adopts an applied-then-dropped Volcengine binding with 'reconcile'", async () => {
    emu.faults.inject({
      vendor: 'volcengine',
      action: 'SelectNumberAndBindAXB',
      times: 1,
      fault: { kind: 'apply-then-drop' },
    })
    const beforeAli = emu.state.liveCount('aliyun')
    const req = axb({ outId: 'order-dropped' })
    const { c, events } = client([volc(), ali()], { failover: { unknownOutcome: 'reconcile' } })
    const r = await c.bind(req)()
    expect(E.isRight(r) && r.right).toMatchObject({ vendor: 'volcengine', a: req.a })
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'reconciled', result: 'adopted' }),
    )
    expect(
      emu.state.bindings('volcengine').filter((b) => b.outId === 'order-dropped'),
    ).toHaveLength(1)
    expect(emu.state.liveCount('aliyun')).toBe(beforeAli)
  })

  it('reports an applied-then-dropped Aliyun bind as unknown, with what a sweep needs', async () => {
    emu.faults.inject({
      vendor: 'aliyun',
      action: 'BindAxb',
      times: 1,
      fault: { kind: 'apply-then-drop' },
    })
    const { c } = client([ali(), volc()], { failover: { unknownOutcome: 'reconcile' } })
    const req = axb({ outId: 'order-ali-dropped' })
    const e = left(await c.bind(req)())
    expect(isUnknownOutcome(e) && e.pending).toMatchObject({
      vendor: 'aliyun',
      outId: 'order-ali-dropped',
      b: req.b,
    })
    expect(
      emu.state.bindings('aliyun').filter((b) => b.outId === 'order-ali-dropped'),
    ).toHaveLength(1)
    expect(
      emu.state.bindings('volcengine').filter((b) => b.outId === 'order-ali-dropped'),
    ).toHaveLength(0)
  })

  it('sweeps a pending Volcengine bind: finds it by outId and unbinds it', async () => {
    emu.faults.inject({
      vendor: 'volcengine',
      action: 'SelectNumberAndBindAXB',
      times: 1,
      fault: { kind: 'apply-then-drop' },
    })
    const { c } = client([volc(), ali()])
    const e = left(await c.bind(axb({ outId: 'order-sweep' }))())
    if (!isUnknownOutcome(e)) throw new Error('expected an unknown outcome')
    const swept = await c.sweep([e.pending])()
    expect(E.isRight(swept) && swept.right[0]?.status).toBe('released')
    expect(emu.state.bindings('volcengine').filter((b) => b.outId === 'order-sweep')).toHaveLength(
      0,
    )
  })

  it('opens the breaker after consecutive faults, skips the vendor without a call, then half-opens', async () => {
    const counter = counting()
    const v = volc({ transport: counter.transport(axiosTransportForTest()) })
    const realNow = Date.now
    let offset = 0
    const spy = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offset)
    try {
      emu.faults.inject({
        vendor: 'volcengine',
        times: 2,
        fault: { kind: 'error', code: 'SystemError' },
      })
      const { c, events } = client([v, ali()], {
        breaker: { failures: 2, halfOpenAfterMs: 30_000 },
      })
      await c.bind(axb())()
      await c.bind(axb())()
      expect(events).toContainEqual({ type: 'breaker-open', vendor: 'volcengine' })
      const sent = counter.count()
      const skipped = await c.bind(axb())()
      expect(E.isRight(skipped) && skipped.right.vendor).toBe('aliyun')
      expect(counter.count()).toBe(sent)
      offset = 30_001
      const trial = await c.bind(axb())()
      expect(E.isRight(trial) && trial.right.vendor).toBe('volcengine')
      expect(events).toContainEqual({ type: 'breaker-half-open', vendor: 'volcengine' })
      expect(events).toContainEqual({ type: 'breaker-closed', vendor: 'volcengine' })
    } finally {
      spy.mockRestore()
    }
  })

  it('spreads binds round-robin across both vendors', async () => {
    const before = { v: emu.state.liveCount('volcengine'), a: emu.state.liveCount('aliyun') }
    const { c } = client([volc(), ali()], { strategy: 'round-robin' })
    for (let i = 0; i < 6; i++) expect(E.isRight(await c.bind(axb())())).toBe(true)
    expect(emu.state.liveCount('volcengine') - before.v).toBe(3)
    expect(emu.state.liveCount('aliyun') - before.a).toBe(3)
  })

  it('works through the Promise facade: bind, query, unbind, and a rejection with .error', async () => {
    const pc = toPromiseClient(client([volc(), ali()]).c)
    const b = await pc.bind(axb())
    await expect(pc.query(b.ref)).resolves.toMatchObject({
      subscriptionId: b.subscriptionId,
      vendor: b.vendor,
    })
    await pc.unbind(b.ref)
    await expect(pc.query(b.ref)).rejects.toMatchObject({ error: { _tag: 'BindingNotFound' } })
    await expect(pc.bind(axb({ b: 'not a phone' }))).rejects.toBeInstanceOf(PrivacyNumberException)
  })

  it('bindBatch through the client keeps order and fails items over one by one', async () => {
    emu.faults.inject({
      vendor: 'volcengine',
      times: 1,
      fault: { kind: 'error', code: 'NumberNotEnough' },
    })
    const reqs = [axb(), axb({ a: 'bad' }), axb()]
    const r = await client([volc({ batchConcurrency: 1 }), ali()]).c.bindBatch(reqs)()
    const out = E.isRight(r) ? r.right : []
    expect(out).toHaveLength(3)
    expect(out[1] && E.isLeft(out[1]) && out[1].left._tag).toBe('InvalidArgument')
    const vendors = out
      .filter(E.isRight)
      .map((x) => x.right.vendor)
      .sort()
    expect(vendors).toEqual(['aliyun', 'volcengine'])
    expect(out[0] && E.isRight(out[0]) && out[0].right.a).toBe(reqs[0]?.a)
    expect(out[2] && E.isRight(out[2]) && out[2].right.a).toBe(reqs[2]?.a)
  })
})

// The default axios transport, built the way the providers build it, so tests can count requests.
function axiosTransportForTest(): HttpTransport {
  return resolveTransport('axios', { timeoutMs: 3000 })
}
