/**
 * Chaos: a few thousand binds through the client while both vendors inject random faults
 * (errors, hangs, resets, apply-then-drop). Bounded in count and time. The invariants are the
 * promises of DESIGN §2.4: no double bindings, nothing lost, every unknown outcome reported.
 */
import * as E from 'fp-ts/Either'
import {
  createPrivacyNumberClient,
  isUnknownOutcome,
  mapWithConcurrency,
  makeError,
  type Binding,
  type BindRequest,
  type PrivacyNumberError,
} from '@privacy-number/core'
import { createAliyunProvider } from '@privacy-number/aliyun'
import { startEmulator, type Emulator, type Fault } from '@privacy-number/emulator'
import { createVolcengineProvider } from '@privacy-number/volcengine'

const BINDS = 2000
const CONCURRENCY = 16

// A seeded generator (mulberry32) so a failing run can be replayed with the same faults.
function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const FAULTS: ReadonlyArray<[number, Fault]> = [
  [0.04, { kind: 'error', code: 'SystemError' }],
  [0.03, { kind: 'hang' }],
  [0.03, { kind: 'reset' }],
  [0.05, { kind: 'apply-then-drop' }],
]
const ALIYUN_FAULTS: ReadonlyArray<[number, Fault]> = [
  [0.04, { kind: 'error', code: 'isp.SYSTEM_ERROR' }],
  [0.03, { kind: 'hang' }],
  [0.03, { kind: 'reset' }],
  [0.05, { kind: 'apply-then-drop' }],
]

describe('chaos: random faults at both vendors', () => {
  const seed = Number(process.env.PN_CHAOS_SEED ?? 20261123)
  let emu: Emulator

  beforeAll(async () => {
    emu = await startEmulator({
      random: seeded(seed),
      pools: {
        volcengine: { '010': 40, '021': 40, '0531': 40 },
        aliyun: { '010': 40, '021': 40, '0531': 40 },
      },
    })
  })
  afterAll(async () => {
    await emu.close()
  })

  it(`keeps every invariant over ${BINDS} binds (seed ${seed})`, async () => {
    // Faults hit binds only: the client's lookups (reconcile) and the final cleanup see a
    // healthy vendor, as they would once it recovers.
    for (const [rate, fault] of FAULTS)
      emu.faults.inject({ vendor: 'volcengine', action: 'SelectNumberAndBindAXB', rate, fault })
    for (const [rate, fault] of ALIYUN_FAULTS)
      emu.faults.inject({ vendor: 'aliyun', action: 'BindAxb', rate, fault })

    const volc = createVolcengineProvider({
      ...emu.volcengine,
      timeoutMs: 250,
      transport: 'undici',
    })
    const ali = createAliyunProvider({ ...emu.aliyun, timeoutMs: 250, transport: 'undici' })
    const client = createPrivacyNumberClient({
      providers: [volc, ali],
      strategy: 'round-robin',
      failover: { unknownOutcome: 'reconcile' },
      breaker: false,
      retry: false,
    })

    const requests: BindRequest[] = Array.from({ length: BINDS }, (_, i) => ({
      kind: 'AXB',
      a: `135${String(i).padStart(8, '0')}`,
      b: `136${String(i).padStart(8, '0')}`,
      expiresAt: new Date(Date.now() + 3_600_000),
      outId: `chaos-${i}`,
    }))
    const settled = await mapWithConcurrency(
      requests,
      CONCURRENCY,
      (r) => client.bind(r),
      (e) => makeError('Unknown', String(e), {}),
    )()
    const results = E.isRight(settled) ? settled.right : []
    expect(results).toHaveLength(BINDS)
    emu.faults.clear()

    const ok: Binding[] = []
    const unknown: PrivacyNumberError[] = []
    const failed: PrivacyNumberError[] = []
    for (const r of results) {
      if (E.isRight(r)) ok.push(r.right)
      else if (r.left.outcome === 'unknown') unknown.push(r.left)
      else failed.push(r.left)
    }
    const live = () => [...emu.state.bindings('volcengine'), ...emu.state.bindings('aliyun')]

    // 1. Every successful binding is live at exactly the vendor it names.
    const liveNow = live()
    for (const b of ok) {
      const holders = liveNow.filter((l) => l.outId === b.outId)
      expect(holders.map((h) => [h.vendor, h.subscriptionId])).toEqual([
        [b.vendor, b.subscriptionId],
      ])
    }
    // 2. No request left two live bindings.
    const perOutId = new Map<string, number>()
    for (const l of liveNow) perOutId.set(l.outId ?? '', (perOutId.get(l.outId ?? '') ?? 0) + 1)
    expect([...perOutId.values()].filter((n) => n > 1)).toEqual([])
    // 3. Every unknown outcome is reported with what a sweep needs.
    for (const e of unknown) expect(isUnknownOutcome(e)).toBe(true)
    // Not-applied failures left nothing behind.
    const failedOutIds = new Set(
      results.flatMap((r, i) =>
        E.isLeft(r) && r.left.outcome !== 'unknown' ? [`chaos-${i}`] : [],
      ),
    )
    for (const l of liveNow) expect(failedOutIds.has(l.outId ?? '')).toBe(false)

    // 4. Unbind everything reported; what is left is exactly the unknown outcomes that the
    // vendors did apply.
    // Cleanup must not be the flaky part: its own providers, patient timeouts, retries on.
    const cleanup = createPrivacyNumberClient({
      providers: [
        createVolcengineProvider({ ...emu.volcengine, timeoutMs: 10_000 }),
        createAliyunProvider({ ...emu.aliyun, timeoutMs: 10_000 }),
      ],
      retry: { attempts: 5, baseDelayMs: 50 },
      breaker: false,
    })
    const unbound = await mapWithConcurrency(
      ok,
      CONCURRENCY,
      (b) => cleanup.unbind(b.ref),
      (e) => makeError('Unknown', String(e), {}),
    )()
    expect(E.isRight(unbound) && unbound.right.every(E.isRight)).toBe(true)
    const unknownOutIds = new Set(
      unknown.flatMap((e) => (isUnknownOutcome(e) ? [e.pending.outId] : [])),
    )
    const left = live()
    expect(left.filter((l) => !unknownOutIds.has(l.outId ?? ''))).toEqual([])
    const appliedUnknown = [...unknownOutIds].filter((id) => left.some((l) => l.outId === id))
    expect(left).toHaveLength(appliedUnknown.length)

    // And a sweep releases the ones its vendor can find (Volcengine searches by outId).
    const pending = unknown.flatMap((e) => (isUnknownOutcome(e) ? [e.pending] : []))
    const swept = await cleanup.sweep(pending)()
    const sweptResults = E.isRight(swept) ? swept.right : []
    const stillLive = live()
    expect(stillLive.every((l) => l.vendor === 'aliyun')).toBe(true)
    expect(sweptResults.filter((s) => s.status === 'released').length).toBe(
      appliedUnknown.length - stillLive.length,
    )

    // The run exercised what it claims to.
    expect(ok.length).toBeGreaterThan(BINDS * 0.7)
    expect(unknown.length).toBeGreaterThan(0)
    process.stdout.write(
      `chaos seed ${seed}: ${ok.length} bound, ${unknown.length} unknown (${appliedUnknown.length} applied), ${failed.length} failed, ${sweptResults.filter((s) => s.status === 'released').length} swept\n`,
    )
    await volc.close()
    await ali.close()
  }, 120_000)
})
