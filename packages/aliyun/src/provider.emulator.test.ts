import {
  axiosTransport,
  undiciTransport,
  type BindRequest,
  type HttpTransport,
  type PrivacyNumberError,
} from '@privacy-number/core'
import { describeProviderContract } from '@privacy-number/core/testing'
import { startEmulator, type Emulator } from '@privacy-number/emulator'
import fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { ALIYUN_CAPABILITIES, createAliyunProvider, type AliyunProvider } from './provider'
import { countingTransport } from './test-helpers/fake-transport'

const right = <A>(r: E.Either<PrivacyNumberError, A>): A => {
  if (E.isLeft(r)) throw new Error(`expected Right, got ${r.left._tag}: ${r.left.message}`)
  return r.right
}
const leftOf = <A>(r: E.Either<PrivacyNumberError, A>): PrivacyNumberError => {
  if (E.isRight(r)) throw new Error('expected Left')
  return r.left
}

let phoneSeq = 0
const phone = (): string => `136${String(10_000_000 + ++phoneSeq * 7919).slice(-8)}`
const hours = (h: number) => new Date(Date.now() + h * 3_600_000)

// ---------------------------------------------------------------------------------------------
// the shared contract, three ways: v1 over axios, v3, and v1 over undici
// ---------------------------------------------------------------------------------------------

const contract = (name: string, signatureVersion: 'v1' | 'v3', make: () => HttpTransport): void => {
  let emu: Emulator | undefined
  let provider: AliyunProvider | undefined
  let counted: ReturnType<typeof countingTransport> | undefined
  describeProviderContract({
    name,
    capabilities: ALIYUN_CAPABILITIES,
    makeProvider: async () => {
      emu = await startEmulator()
      counted = countingTransport(make())
      provider = createAliyunProvider({
        ...emu.aliyun,
        signatureVersion,
        transport: counted.transport,
      })
      return provider
    },
    teardown: async () => {
      await provider?.close()
      await emu?.close()
    },
    requestCount: () => counted?.count() ?? 0,
    phone,
  })
}

contract('aliyun (v1 signatures, axios)', 'v1', () => axiosTransport())
contract('aliyun (v3 signatures)', 'v3', () => axiosTransport())
contract('aliyun (v1 signatures, undici)', 'v1', () => undiciTransport())

// ---------------------------------------------------------------------------------------------
// Aliyun-specific behaviour at the emulator
// ---------------------------------------------------------------------------------------------

describe('aliyun at the emulator', () => {
  let emu: Emulator
  let provider: AliyunProvider
  let v3: AliyunProvider

  beforeAll(async () => {
    emu = await startEmulator()
    provider = createAliyunProvider({ ...emu.aliyun, batchSize: 2, timeoutMs: 2000 })
    v3 = createAliyunProvider({ ...emu.aliyun, signatureVersion: 'v3' })
  })
  afterAll(async () => {
    await provider.close()
    await v3.close()
    await emu.close()
  })
  afterEach(() => emu.faults.clear())

  it('verifies requests signed with random parameter values, v1 and v3', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 40, unit: 'binary' }).filter((s) => s.trim() !== ''),
        fc.boolean(),
        async (name, useV3) => {
          const r = await (useV3 ? v3 : provider).createGroup({ name, numbers: [phone()] })()
          expect(E.isRight(r) ? 'ok' : `${r.left._tag} ${r.left.vendorCode ?? ''}`).toBe('ok')
          if (E.isRight(r)) right(await provider.deleteGroup(r.right.groupId)())
        },
      ),
      { numRuns: 25 },
    )
  })

  it('keeps GroupIds beyond 2^53 exact from CreateAxgGroup through BindAxg and query', async () => {
    const { groupId } = right(
      await provider.createGroup({ name: 'big ids', numbers: [phone(), phone()] })(),
    )
    expect(BigInt(groupId) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true)
    const b = right(
      await provider.bind({
        kind: 'AXG',
        a: phone(),
        expiresAt: hours(2),
        group: { id: groupId },
      })(),
    )
    const q = right(await provider.query(b.ref)())
    expect(q.groupId).toBe(groupId)
    expect(emu.state.groups('aliyun').some((g) => g.id === groupId)).toBe(true)
    right(await provider.unbind(b.ref)())
    right(await provider.deleteGroup(groupId)())
  })

  it('sends Expiration in Beijing time: the emulator stores the same instant', async () => {
    const expiresAt = new Date(Math.floor(hours(3).getTime() / 1000) * 1000)
    const b = right(
      await provider.bind({
        kind: 'AXB',
        a: phone(),
        b: phone(),
        expiresAt,
        select: { city: '0531' },
      })(),
    )
    const stored = emu.state.bindings('aliyun').find((s) => s.subscriptionId === b.subscriptionId)
    expect(stored?.expiresAt.getTime()).toBe(expiresAt.getTime())
    expect(right(await provider.query(b.ref)()).expiresAt.getTime()).toBe(expiresAt.getTime())
    right(await provider.unbind(b.ref)())
  })

  it('binds AXG batches with BindBatchAxg, chunked, one Left among Rights for a bad item', async () => {
    const { groupId } = right(await provider.createGroup({ name: 'batch', numbers: [phone()] })())
    const item = (x?: string): BindRequest => ({
      kind: 'AXG',
      a: phone(),
      expiresAt: hours(1),
      group: { id: groupId },
      ...(x === undefined ? {} : { x }),
    })
    const reqs = [item(), item(), item('17999999999'), item(), item()]
    const results = right(await provider.bindBatch(reqs)())
    expect(results.map(E.isRight)).toEqual([true, true, false, true, true])
    expect(results.map((r) => (E.isRight(r) ? r.right.a : undefined))).toEqual([
      reqs[0]?.a,
      reqs[1]?.a,
      undefined,
      reqs[3]?.a,
      reqs[4]?.a,
    ])
    const bad = leftOf(results[2] ?? E.right(undefined))
    expect(bad).toMatchObject({
      _tag: 'InvalidArgument',
      field: 'x',
      vendorCode: 'isv.FORBIDDEN_ACTION',
    })
    for (const r of results) if (E.isRight(r)) right(await provider.unbind(r.right.ref)())
    right(await provider.deleteGroup(groupId)())
  })

  it('applies every updatable field and reads the result back', async () => {
    const b = right(
      await provider.bind({ kind: 'AXB', a: phone(), b: phone(), expiresAt: hours(1) })(),
    )
    const a2 = phone()
    const b2 = phone()
    const later = new Date(Math.floor(hours(6).getTime() / 1000) * 1000)
    right(
      await provider.update(b.ref, {
        expiresAt: later,
        a: a2,
        b: b2,
        outId: 'o-2',
        record: true,
      })(),
    )
    const q = right(await provider.query(b.ref)())
    expect(q).toMatchObject({ a: a2, b: b2 })
    expect(q.expiresAt.getTime()).toBe(later.getTime())
    const stored = emu.state.bindings('aliyun').find((s) => s.subscriptionId === b.subscriptionId)
    expect(stored).toMatchObject({ outId: 'o-2', record: true })
    right(await provider.unbind(b.ref)())
  })

  it('reports no field applied when the first update step fails', async () => {
    const b = right(
      await provider.bind({ kind: 'AXB', a: phone(), b: phone(), expiresAt: hours(1) })(),
    )
    emu.faults.inject({
      vendor: 'aliyun',
      action: 'UpdateSubscription',
      times: 1,
      fault: { kind: 'error', code: 'isp.SYSTEM_ERROR', message: 'boom' },
    })
    // The fault hits the first UpdateSubscription: nothing applied.
    const e1 = leftOf(await provider.update(b.ref, { outId: 'x', record: true })())
    expect(e1).toMatchObject({ _tag: 'VendorUnavailable', vendorCode: 'isp.SYSTEM_ERROR' })
    expect(e1.applied ?? []).toEqual([])
    right(await provider.unbind(b.ref)())
  })

  it('maps the vendor faults: error code, HTML page, malformed JSON, reset, timeout', async () => {
    const req = (): BindRequest => ({ kind: 'AXB', a: phone(), b: phone(), expiresAt: hours(1) })
    const cases: ReadonlyArray<
      [Parameters<Emulator['faults']['inject']>[0]['fault'], Partial<PrivacyNumberError>]
    > = [
      [
        { kind: 'error', code: 'isv.NO_AVAILABLE_NUMBER' },
        { _tag: 'NoAvailableNumber', outcome: 'not-applied' },
      ],
      [
        { kind: 'error', code: 'Throttling.User', httpStatus: 400 },
        { _tag: 'RateLimited', outcome: 'not-applied', httpStatus: 400 },
      ],
      [
        { kind: 'http', status: 502 },
        { _tag: 'VendorUnavailable', outcome: 'unknown', httpStatus: 502 },
      ],
      [{ kind: 'malformed' }, { _tag: 'InvalidResponse' }],
      [{ kind: 'reset' }, { _tag: 'NetworkError', vendor: 'aliyun' }],
      [{ kind: 'apply-then-drop' }, { _tag: 'NetworkError', outcome: 'unknown' }],
    ]
    for (const [fault, expected] of cases) {
      emu.faults.inject({ vendor: 'aliyun', action: 'BindAxb', times: 1, fault })
      expect(leftOf(await provider.bind(req())())).toMatchObject(expected)
    }
    const quick = createAliyunProvider({ ...emu.aliyun, timeoutMs: 200 })
    emu.faults.inject({ vendor: 'aliyun', action: 'BindAxb', times: 1, fault: { kind: 'hang' } })
    expect(leftOf(await quick.bind(req())())).toMatchObject({ _tag: 'Timeout', outcome: 'unknown' })
    await quick.close()
  })

  it('maps gateway refusals: wrong secret, unknown key, stale clock, reused nonce', async () => {
    const req = (): BindRequest => ({ kind: 'AXB', a: phone(), b: phone(), expiresAt: hours(1) })
    const variants = [
      [{ accessKeySecret: 'wrong' }, 'SignatureDoesNotMatch'],
      [{ accessKeyId: 'LTAIunknown' }, 'InvalidAccessKeyId.NotFound'],
      [{ now: () => new Date(Date.now() - 20 * 60_000) }, 'InvalidTimeStamp.Expired'],
    ] as const
    for (const [override, code] of variants) {
      for (const signatureVersion of ['v1', 'v3'] as const) {
        const p = createAliyunProvider({ ...emu.aliyun, ...override, signatureVersion })
        const e = leftOf(await p.bind(req())())
        expect(e).toMatchObject({ _tag: 'AuthFailed', vendorCode: code, outcome: 'not-applied' })
        await p.close()
      }
    }
    const same = createAliyunProvider({ ...emu.aliyun, nonce: () => 'always-the-same-nonce' })
    right(await same.remainingNumbers()())
    const e = leftOf(await same.remainingNumbers()())
    expect(e).toMatchObject({
      _tag: 'AuthFailed',
      vendorCode: 'SignatureNonceUsed',
      retryable: true,
    })
    await same.close()
  })

  it('counts an unbind of an unknown binding as done', async () => {
    const b = right(await provider.bind({ kind: 'AXN', a: phone(), expiresAt: hours(1) })())
    right(await provider.unbind(b.ref)())
    right(await provider.unbind(b.ref)())
    expect(leftOf(await provider.query(b.ref)())._tag).toBe('BindingNotFound')
  })

  it('reports remaining numbers per city as area codes', async () => {
    const all = right(await provider.remainingNumbers()())
    expect(all.total).toBeGreaterThan(0)
    expect(all.byCity.map((c) => c.city)).toEqual(expect.arrayContaining(['010', '0531']))
    const jinan = right(await provider.remainingNumbers('0531')())
    expect(jinan.byCity).toEqual([{ city: '0531', amount: jinan.total }])
  })
})

describe('aliyun fallback cities at a strict-matching emulator', () => {
  let emu: Emulator
  let provider: AliyunProvider
  beforeAll(async () => {
    emu = await startEmulator({
      strictCity: true,
      pools: { aliyun: { '010': ['17101000001'], '0531': ['17105310001'], '0532': [] } },
    })
    provider = createAliyunProvider({ ...emu.aliyun })
  })
  afterAll(async () => {
    await provider.close()
    await emu.close()
  })

  it('moves from an exhausted city to the provincial capital, then to the next fallback', async () => {
    const first = right(
      await provider.bind({
        kind: 'AXN',
        a: phone(),
        expiresAt: hours(1),
        select: { city: '0532', fallbackCities: ['PROVINCE_CAPITAL', '010'] },
      })(),
    )
    expect(first.x).toBe('17105310001')
    const second = right(
      await provider.bind({
        kind: 'AXN',
        a: phone(),
        expiresAt: hours(1),
        select: { city: '0532', fallbackCities: ['PROVINCE_CAPITAL', '010'] },
      })(),
    )
    expect(second.x).toBe('17101000001')
    const none = leftOf(
      await provider.bind({
        kind: 'AXN',
        a: phone(),
        expiresAt: hours(1),
        select: { city: '0532', fallbackCities: ['PROVINCE_CAPITAL', '010'] },
      })(),
    )
    expect(none._tag).toBe('NoAvailableNumber')
  })
})
