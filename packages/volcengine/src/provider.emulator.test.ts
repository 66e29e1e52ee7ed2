import { createServer } from 'node:net'
import { inspect } from 'node:util'
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
import { VOLCENGINE_ERROR_CODES } from './errors'
import {
  createVolcengineProvider,
  VOLCENGINE_CAPABILITIES,
  type VolcengineProvider,
  type VolcengineProviderOptions,
} from './provider'

const CANARY = 'CANARY-volc-secret-5d1e'

let emu: Emulator

beforeAll(async () => {
  emu = await startEmulator({
    credentials: { volcengine: { secretAccessKey: CANARY } },
  })
})

afterAll(async () => {
  await emu.close()
})

/** Wraps a transport so tests can count what was sent. */
const counting = (inner: HttpTransport) => {
  let count = 0
  const transport: HttpTransport = Object.assign(
    (req: Parameters<HttpTransport>[0]) => {
      count++
      return inner(req)
    },
    { close: async () => inner.close?.() },
  )
  return { transport, count: () => count }
}

const connect = (extra: Partial<VolcengineProviderOptions> = {}): VolcengineProvider =>
  createVolcengineProvider({
    endpoint: emu.volcengine.endpoint,
    accessKeyId: emu.volcengine.accessKeyId,
    secretAccessKey: emu.volcengine.secretAccessKey,
    numberPoolNo: emu.volcengine.numberPoolNo,
    ...extra,
  })

let seq = 0
const phone = (): string => `135${String(++seq + 40_000_000).padStart(8, '0')}`
const hours = (h: number) => new Date(Date.now() + h * 3_600_000)

const right = <A>(r: E.Either<PrivacyNumberError, A>): A => {
  if (E.isLeft(r)) throw new Error(`expected Right, got ${r.left._tag}: ${r.left.message}`)
  return r.right
}
const left = <A>(r: E.Either<PrivacyNumberError, A>): PrivacyNumberError => {
  if (E.isRight(r)) throw new Error('expected Left')
  return r.left
}

// ---------------------------------------------------------------------------------------------
// the contract, three ways
// ---------------------------------------------------------------------------------------------

const contract = (
  name: string,
  extra: Partial<VolcengineProviderOptions>,
  make: () => HttpTransport,
) => {
  let counter: ReturnType<typeof counting> | undefined
  let provider: VolcengineProvider | undefined
  describeProviderContract({
    name,
    capabilities: VOLCENGINE_CAPABILITIES,
    makeProvider: () => {
      counter = counting(make())
      provider = connect({ ...extra, transport: counter.transport })
      return provider
    },
    requestCount: () => counter?.count() ?? 0,
    teardown: async () => {
      await provider?.close()
    },
  })
}

contract('volcengine (emulator)', {}, () => axiosTransport({ timeoutMs: 5000 }))
contract('volcengine (emulator, form encoding)', { encoding: 'form' }, () =>
  axiosTransport({ timeoutMs: 5000 }),
)
contract('volcengine (emulator, undici)', {}, () => undiciTransport({ timeoutMs: 5000 }))

// ---------------------------------------------------------------------------------------------
// signatures verify at the emulator
// ---------------------------------------------------------------------------------------------

describe('signed requests at the emulator', () => {
  // Free text as users write it: Unicode, spaces and the characters that break encoders.
  const text = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.stringMatching(/^[ *~+%&=a-z0-9\u4e2d\u6587]{0,30}$/),
  )

  it.each(['json', 'form'] as const)(
    'verifies for random user data, out ids and empty optional fields (%s)',
    async (encoding) => {
      const p = connect({ encoding })
      await fc.assert(
        fc.asyncProperty(
          fc.option(text, { nil: undefined }),
          fc.option(
            text.filter((s) => s.trim() !== ''),
            { nil: undefined },
          ),
          fc.boolean(),
          fc.boolean(),
          async (userData, outId, withB, record) => {
            const req: BindRequest = {
              kind: 'AXB',
              a: phone(),
              ...(withB ? { b: phone() } : {}),
              expiresAt: hours(1),
              record,
              ...(userData === undefined ? {} : { userData }),
              ...(outId === undefined ? {} : { outId }),
              select: { city: '021' },
            }
            const bound = right(await p.bind(req)())
            const stored = emu.state
              .bindings('volcengine')
              .find((b) => b.subscriptionId === bound.subscriptionId)
            expect(stored?.record).toBe(record)
            expect(stored?.userData ?? '').toBe(userData ?? '')
            expect(stored?.outId).toBe(outId)
            if (outId !== undefined) {
              const found = right(await p.findBindings!({ outId, a: req.a })())
              expect(found.map((b) => b.subscriptionId)).toEqual([bound.subscriptionId])
            }
            right(await p.unbind(bound.ref)())
          },
        ),
        { numRuns: 25 },
      )
      await p.close()
    },
  )

  it('is refused as AuthFailed with a wrong secret, a wrong key or a skewed clock', async () => {
    const cases: Array<[Partial<VolcengineProviderOptions>, string]> = [
      [{ secretAccessKey: 'wrong' }, 'SignatureDoesNotMatch'],
      [{ accessKeyId: 'AKLTnobody' }, 'InvalidAccessKey'],
      [{ now: () => hours(1) }, 'InvalidTimestamp'],
    ]
    for (const [extra, code] of cases) {
      const p = connect(extra)
      const e = left(await p.bind({ kind: 'AXB', a: phone(), expiresAt: hours(2) })())
      expect(e).toMatchObject({ _tag: 'AuthFailed', vendorCode: code, outcome: 'not-applied' })
      expect(e.requestId).toEqual(expect.any(String))
      await p.close()
    }
  })
})

// ---------------------------------------------------------------------------------------------
// vendor behaviour
// ---------------------------------------------------------------------------------------------

describe('vendor semantics at the emulator', () => {
  let p: VolcengineProvider
  beforeAll(() => {
    p = connect()
  })
  afterAll(async () => {
    await p.close()
  })

  it('sends AudioRecordFlag 0 by default, so the vendor does not record', async () => {
    const bound = right(
      await p.bind({ kind: 'AXB', a: phone(), b: phone(), expiresAt: hours(1) })(),
    )
    const stored = emu.state
      .bindings('volcengine')
      .find((b) => b.subscriptionId === bound.subscriptionId)
    expect(stored?.record).toBe(false)
    right(await p.unbind(bound.ref)())
  })

  it('binds AXN without B (the vendor fills in a placeholder B)', async () => {
    const bound = right(await p.bind({ kind: 'AXN', a: phone(), expiresAt: hours(1) })())
    expect(bound.b).toBeUndefined()
    const got = right(await p.query(bound.ref)())
    expect(got.kind).toBe('AXN')
    right(await p.unbind(bound.ref)())
  })

  it('gives an AX binding its B through UpgradeAXToAXB', async () => {
    const bound = right(await p.bind({ kind: 'AXB', a: phone(), expiresAt: hours(1) })())
    const b = phone()
    right(await p.update(bound.ref, { b, outId: 'upgraded' })())
    const got = right(await p.query(bound.ref)())
    expect(got).toMatchObject({ b, outId: 'upgraded' })
    right(await p.unbind(bound.ref)())
  })

  it('updates A, B and expiry of an AXN binding', async () => {
    const bound = right(
      await p.bind({ kind: 'AXN', a: phone(), b: phone(), expiresAt: hours(1) })(),
    )
    const change = {
      a: phone(),
      b: phone(),
      expiresAt: new Date(Math.floor(hours(3).getTime() / 1000) * 1000),
    }
    right(await p.update(bound.ref, change)())
    expect(right(await p.query(bound.ref)())).toMatchObject(change)
    right(await p.unbind(bound.ref)())
  })

  it('binds AXG with an inline group and moves it to another group', async () => {
    const bound = right(
      await p.bind({
        kind: 'AXG',
        a: phone(),
        expiresAt: hours(1),
        select: { city: '0531' },
        group: { name: '测试 G 组 *~+%&=', numbers: [phone(), phone()] },
      })(),
    )
    expect(bound.groupId).toEqual(expect.any(String))
    const { groupId } = right(
      await p.createGroup({ name: 'second', numbers: [phone()], expiresAt: hours(5) })(),
    )
    right(await p.update(bound.ref, { groupId })())
    expect(right(await p.query(bound.ref)()).groupId).toBe(groupId)
    right(await p.unbind(bound.ref)())
    right(await p.updateGroup(groupId, { name: 'renamed', replace: [phone()] })())
    expect(emu.state.groups('volcengine').find((g) => g.id === groupId)?.name).toBe('renamed')
    right(await p.deleteGroup(groupId)())
  })

  it('falls back through DegradeCityList, PNPC included', async () => {
    const bound = right(
      await p.bind({
        kind: 'AXB',
        a: phone(),
        expiresAt: hours(1),
        select: { city: '0999', fallbackCities: ['0755'] },
      })(),
    )
    expect(bound.xCity).toBe('0755')
    right(await p.unbind(bound.ref)())
  })

  it('answers NoAvailableNumber when the city and its fallbacks have none', async () => {
    const e = left(
      await p.bind({ kind: 'AXB', a: phone(), expiresAt: hours(1), select: { city: '0999' } })(),
    )
    expect(e).toMatchObject({
      _tag: 'NoAvailableNumber',
      vendorCode: 'NumberNotEnough',
      city: '0999',
    })
  })

  it('answers BindingConflict when a party is already on that X', async () => {
    const a = phone()
    const first = right(
      await p.bind({ kind: 'AXB', a, b: phone(), expiresAt: hours(1), select: { city: '020' } })(),
    )
    const e = left(await p.bind({ kind: 'AXB', a, b: phone(), x: first.x, expiresAt: hours(1) })())
    expect(e._tag).toBe('BindingConflict')
    right(await p.unbind(first.ref)())
  })

  it('finds bindings by A, B and X', async () => {
    const a = phone()
    const b = phone()
    const bound = right(
      await p.bind({ kind: 'AXN', a, b, expiresAt: hours(1), outId: 'find-me' })(),
    )
    const found = right(await p.findBindings!({ a, b, x: bound.x })())
    expect(found).toEqual([
      expect.objectContaining({
        subscriptionId: bound.subscriptionId,
        kind: 'AXN',
        a,
        b,
        outId: 'find-me',
      }),
    ])
    right(await p.unbind(bound.ref)())
    expect(right(await p.findBindings!({ a })())).toEqual([])
  })
})

// ---------------------------------------------------------------------------------------------
// faults
// ---------------------------------------------------------------------------------------------

describe('faults at the emulator', () => {
  let p: VolcengineProvider
  beforeAll(() => {
    p = connect({ timeoutMs: 300 })
  })
  afterAll(async () => {
    await p.close()
  })
  afterEach(() => emu.faults.clear())

  const bindOnce = () =>
    p.bind({ kind: 'AXB', a: phone(), b: phone(), expiresAt: hours(1), outId: `o-${++seq}` })()

  it('maps every code of the table when the vendor answers it', async () => {
    for (const [code, row] of Object.entries(VOLCENGINE_ERROR_CODES)) {
      emu.faults.inject({
        vendor: 'volcengine',
        action: 'SelectNumberAndBindAXB',
        times: 1,
        fault: { kind: 'error', code },
      })
      const e = left(await bindOnce())
      expect([code, e._tag, e.vendorCode]).toEqual([code, row.tag, code])
    }
  })

  it('maps an unknown vendor code to Unknown with the code kept', async () => {
    emu.faults.inject({
      vendor: 'volcengine',
      times: 1,
      fault: { kind: 'error', code: 'NeverSeenBefore' },
    })
    expect(left(await bindOnce())).toMatchObject({ _tag: 'Unknown', vendorCode: 'NeverSeenBefore' })
  })

  it('answers VendorUnavailable (outcome unknown) for an HTML 502 page', async () => {
    emu.faults.inject({ vendor: 'volcengine', times: 1, fault: { kind: 'http', status: 502 } })
    expect(left(await bindOnce())).toMatchObject({
      _tag: 'VendorUnavailable',
      httpStatus: 502,
      outcome: 'unknown',
      retryable: true,
    })
  })

  it('answers RateLimited for HTTP 429', async () => {
    emu.faults.inject({ vendor: 'volcengine', times: 1, fault: { kind: 'http', status: 429 } })
    expect(left(await bindOnce())).toMatchObject({ _tag: 'RateLimited', outcome: 'not-applied' })
  })

  it('answers InvalidResponse (outcome unknown) for truncated JSON, keeping the body', async () => {
    emu.faults.inject({ vendor: 'volcengine', times: 1, fault: { kind: 'malformed' } })
    const e = left(await bindOnce())
    expect(e).toMatchObject({ _tag: 'InvalidResponse', outcome: 'unknown' })
    expect(e._tag === 'InvalidResponse' && e.body).toContain('EMULATOR-MALFORMED')
  })

  it('answers Timeout (outcome unknown) when the vendor hangs', async () => {
    emu.faults.inject({ vendor: 'volcengine', times: 1, fault: { kind: 'hang' } })
    expect(left(await bindOnce())).toMatchObject({
      _tag: 'Timeout',
      vendor: 'volcengine',
      outcome: 'unknown',
      retryable: true,
    })
  })

  it('answers NetworkError (outcome unknown) for a reset after sending', async () => {
    emu.faults.inject({ vendor: 'volcengine', times: 1, fault: { kind: 'reset' } })
    expect(left(await bindOnce())).toMatchObject({ _tag: 'NetworkError', outcome: 'unknown' })
  })

  it('finds, with the right kind, a binding whose answer was dropped', async () => {
    emu.faults.inject({ vendor: 'volcengine', times: 1, fault: { kind: 'apply-then-drop' } })
    const a = phone()
    const r = await p.bind({ kind: 'AXN', a, expiresAt: hours(1), outId: 'dropped-1' })()
    expect(left(r).outcome).toBe('unknown')
    const [found] = right(await p.findBindings!({ a, outId: 'dropped-1' })())
    expect(found?.kind).toBe('AXN')
    right(await p.unbind(found!.ref)())
    expect(emu.state.bindings('volcengine').some((b) => b.a === a)).toBe(false)
  })

  it('answers NetworkError (outcome not-applied) when the connection is refused', async () => {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    const port = typeof address === 'object' && address !== null ? address.port : 0
    await new Promise<void>((resolve) => server.close(() => resolve()))
    for (const transport of ['axios', 'undici'] as const) {
      const q = connect({ endpoint: `http://127.0.0.1:${port}`, transport })
      const e = left(await q.bind({ kind: 'AXB', a: phone(), expiresAt: hours(1) })())
      expect(e).toMatchObject({
        _tag: 'NetworkError',
        code: 'ECONNREFUSED',
        vendor: 'volcengine',
        outcome: 'not-applied',
      })
      await q.close()
    }
  })

  it('never shows the secret in the provider or in any error', async () => {
    const faults = [
      { kind: 'error', code: 'SignatureDoesNotMatch' },
      { kind: 'http', status: 503 },
      { kind: 'malformed' },
      { kind: 'hang' },
      { kind: 'reset' },
    ] as const
    const texts = [JSON.stringify(p), inspect(p, { depth: 10, showHidden: true })]
    for (const fault of faults) {
      emu.faults.inject({ vendor: 'volcengine', times: 1, fault })
      const e = left(await bindOnce())
      texts.push(JSON.stringify(e), inspect(e, { depth: 10, showHidden: true }), e.message)
    }
    const wrong = connect({ secretAccessKey: `${CANARY}-wrong` })
    const e = left(await wrong.bind({ kind: 'AXB', a: phone(), expiresAt: hours(1) })())
    texts.push(JSON.stringify(e), inspect(e, { depth: 10, showHidden: true }), inspect(wrong))
    await wrong.close()
    for (const t of texts) expect(t).not.toContain(CANARY)
  })
})
