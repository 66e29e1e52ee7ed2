import diagnostics from 'node:diagnostics_channel'
import * as E from 'fp-ts/Either'
import { makeError, PrivacyNumberException, type PrivacyNumberError } from '../errors'
import type { BindRequest } from '../model'
import {
  CLIENT_EVENTS_CHANNEL,
  createPrivacyNumberClient,
  isUnknownOutcome,
  toPromiseClient,
  type ClientEvent,
  type ClientOptions,
} from './index'
import { scripted, vendorError } from './test-helpers/scripted'

const hour = () => new Date(Date.now() + 3_600_000)
let n = 0
const phone = () => `1380000${String(++n).padStart(4, '0')}`
const axb = (extra: Partial<BindRequest> = {}): BindRequest => ({
  kind: 'AXB',
  a: phone(),
  b: phone(),
  expiresAt: hour(),
  ...extra,
})
const noSleep = { sleep: async () => undefined }

const make = (providers: ClientOptions['providers'], extra: Partial<ClientOptions> = {}) => {
  const events: ClientEvent[] = []
  const client = createPrivacyNumberClient({
    providers,
    onEvent: (e) => events.push(e),
    ...noSleep,
    ...extra,
  })
  return { client, events }
}

const left = <A>(r: E.Either<PrivacyNumberError, A>): PrivacyNumberError => {
  if (E.isRight(r)) throw new Error('expected a failure')
  return r.left
}

describe('client bind: priority and failover rules', () => {
  it('binds at the first provider and calls no other', async () => {
    const [v, a] = [scripted('v'), scripted('a')]
    const r = await make([v, a]).client.bind(axb())()
    expect(E.isRight(r) && r.right.vendor).toBe('v')
    expect(a.calls).toHaveLength(0)
  })

  it.each([
    'NoAvailableNumber',
    'RateLimited',
    'VendorUnavailable',
    'AccountUnavailable',
    'AuthFailed',
    'Unsupported',
  ] as const)('fails over on a not-applied %s', async (tag) => {
    const v = scripted('v', [
      vendorError(tag, 'v', { outcome: 'not-applied' }),
      vendorError(tag, 'v', { outcome: 'not-applied' }),
      vendorError(tag, 'v', { outcome: 'not-applied' }),
    ])
    const a = scripted('a')
    const { client, events } = make([v, a], { retry: false })
    const r = await client.bind(axb())()
    expect(E.isRight(r) && r.right.vendor).toBe('a')
    expect(events).toContainEqual({
      type: 'failover',
      operation: 'bind',
      from: 'v',
      to: 'a',
      errorTag: tag,
    })
  })

  it('fails over on a connection refused before sending', async () => {
    const v = scripted('v', [
      makeError('NetworkError', 'refused', {
        vendor: 'v',
        code: 'ECONNREFUSED',
        outcome: 'not-applied',
      }),
    ])
    const a = scripted('a')
    const r = await make([v, a]).client.bind(axb())()
    expect(E.isRight(r) && r.right.vendor).toBe('a')
  })

  it.each(['BindingConflict', 'RiskControlled'] as const)('never fails over on %s', async (tag) => {
    const v = scripted('v', [vendorError(tag, 'v')])
    const a = scripted('a')
    const r = await make([v, a]).client.bind(axb())()
    expect(left(r)._tag).toBe(tag)
    expect(a.calls).toHaveLength(0)
  })

  it('never fails over on a vendor InvalidArgument', async () => {
    const v = scripted('v', [makeError('InvalidArgument', 'bad', { vendor: 'v', field: 'a' })])
    const a = scripted('a')
    const r = await make([v, a]).client.bind(axb())()
    expect(left(r)._tag).toBe('InvalidArgument')
    expect(a.calls).toHaveLength(0)
  })

  it('sends nothing anywhere when validation fails', async () => {
    const [v, a] = [scripted('v'), scripted('a')]
    const r = await make([v, a]).client.bind(axb({ a: 'garbage' }))()
    expect(left(r)).toMatchObject({ _tag: 'InvalidArgument', field: 'a' })
    expect(v.calls.length + a.calls.length).toBe(0)
  })

  it('binds an explicit x at one provider only and never fails it over', async () => {
    const v = scripted('v', [vendorError('NoAvailableNumber', 'v')])
    const a = scripted('a')
    const r = await make([v, a]).client.bind(axb({ x: '17010000001' }))()
    expect(left(r)._tag).toBe('NoAvailableNumber')
    expect(a.calls).toHaveLength(0)
  })

  it('binds at the pinned vendor only', async () => {
    const v = scripted('v', [vendorError('NoAvailableNumber', 'v')])
    const a = scripted('a', [vendorError('NoAvailableNumber', 'a')])
    const { client } = make([v, a])
    const r = await client.bind(axb({ vendor: 'a' }))()
    expect(left(r)._tag).toBe('NoAvailableNumber')
    expect(v.calls).toHaveLength(0)
    const unknown = await client.bind(axb({ vendor: 'nope' }))()
    expect(left(unknown)).toMatchObject({ _tag: 'InvalidArgument', field: 'vendor' })
  })

  it('sends an outId with every bind, generating one when the caller gave none', async () => {
    const v = scripted('v')
    const { client } = make([v], { generateOutId: () => 'generated-1' })
    await client.bind(axb())()
    await client.bind(axb({ outId: 'mine' }))()
    expect(v.calls.map((c) => c.outId)).toEqual(['generated-1', 'mine'])
  })

  it('reports every attempt in order when all providers fail', async () => {
    const v = scripted('v', [vendorError('NoAvailableNumber', 'v')])
    const a = scripted('a', [vendorError('AccountUnavailable', 'a')])
    const r = await make([v, a]).client.bind(axb())()
    const e = left(r)
    expect(e._tag).toBe('AllProvidersFailed')
    if (e._tag !== 'AllProvidersFailed') return
    expect(e.attempts.map((x) => [x.vendor, x.error._tag])).toEqual([
      ['v', 'NoAvailableNumber'],
      ['a', 'AccountUnavailable'],
    ])
    for (const x of e.attempts) expect(x.durationMs).toBeGreaterThanOrEqual(0)
  })

  it('skips a provider that lacks the kind, as an Unsupported attempt', async () => {
    const v = scripted('v')
    const limited = { ...v, capabilities: { ...v.capabilities, kinds: ['AXB' as const] } }
    const a = scripted('a')
    const r = await make([limited, a]).client.bind({ kind: 'AXN', a: phone(), expiresAt: hour() })()
    expect(E.isRight(r) && r.right.vendor).toBe('a')
    expect(v.calls).toHaveLength(0)
  })

  it('lets a failover predicate override the default rules', async () => {
    const v = scripted('v', [vendorError('BindingConflict', 'v')])
    const a = scripted('a')
    const { client } = make([v, a], { failover: { on: (e) => e._tag === 'BindingConflict' } })
    const r = await client.bind(axb())()
    expect(E.isRight(r) && r.right.vendor).toBe('a')
  })
})

describe('client bind: unknown outcomes', () => {
  it("returns the unknown outcome with 'fail' and tries no other provider", async () => {
    const v = scripted('v', ['applied-unknown'])
    const a = scripted('a')
    const { client, events } = make([v, a])
    const req = axb({ outId: 'order-1' })
    const e = left(await client.bind(req)())
    expect(e).toMatchObject({ _tag: 'Timeout', outcome: 'unknown' })
    expect(isUnknownOutcome(e) && e.pending).toMatchObject({
      vendor: 'v',
      outId: 'order-1',
      a: req.a,
      b: req.b,
    })
    expect(a.calls).toHaveLength(0)
    const ev = events.find((x) => x.type === 'unknown-outcome')
    expect(ev).toMatchObject({
      vendor: 'v',
      outId: 'order-1',
      a: `${req.a.slice(0, 3)}****${req.a.slice(-4)}`,
    })
    expect(JSON.stringify(events)).not.toContain(req.a)
  })

  it("with 'reconcile' adopts the binding the vendor did create", async () => {
    const v = scripted('v', ['applied-unknown'])
    const a = scripted('a')
    const { client, events } = make([v, a], { failover: { unknownOutcome: 'reconcile' } })
    const r = await client.bind(axb())()
    expect(E.isRight(r) && r.right.vendor).toBe('v')
    expect(v.memory.live()).toHaveLength(1)
    expect(a.calls).toHaveLength(0)
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'reconciled', result: 'adopted' }),
    )
  })

  it("with 'reconcile' fails over when the binding is certainly absent", async () => {
    const v = scripted('v', [makeError('Timeout', 'no answer', { vendor: 'v' })])
    const a = scripted('a')
    const r = await make([v, a], { failover: { unknownOutcome: 'reconcile' } }).client.bind(axb())()
    expect(E.isRight(r) && r.right.vendor).toBe('a')
    expect(v.memory.live()).toHaveLength(0)
  })

  it("with 'reconcile' releases a binding that arrives late at the vendor it failed over from", async () => {
    const v = scripted('v', ['late'])
    const a = scripted('a')
    const { client, events } = make([v, a], { failover: { unknownOutcome: 'reconcile' } })
    const r = await client.bind(axb({ outId: 'late-1' }))()
    expect(E.isRight(r) && r.right.vendor).toBe('a')
    expect(v.memory.live()).toHaveLength(0)
    expect(a.memory.live()).toHaveLength(1)
    expect(events).toContainEqual({ type: 'late-binding-released', vendor: 'v', outId: 'late-1' })
  })

  it("with 'reconcile' waits before looking a timed-out request up", async () => {
    const delays: number[] = []
    const v = scripted('v', [makeError('Timeout', 'no answer', { vendor: 'v' })])
    const { client } = make([v, scripted('a')], {
      failover: { unknownOutcome: 'reconcile', reconcileDelayMs: 750 },
      sleep: async (ms) => void delays.push(ms),
    })
    await client.bind(axb())()
    expect(delays).toEqual([750])
  })

  it("with 'reconcile' does not wait before reporting unknown at a vendor that cannot search", async () => {
    const delays: number[] = []
    const v = scripted('v', ['applied-unknown'], { findBindings: false })
    const { client } = make([v, scripted('a')], {
      failover: { unknownOutcome: 'reconcile', reconcileDelayMs: 750 },
      sleep: async (ms) => void delays.push(ms),
    })
    const e = left(await client.bind(axb())())
    expect(e.outcome).toBe('unknown')
    expect(delays).toEqual([])
  })

  it("with 'reconcile' reports unknown when the vendor cannot search", async () => {
    const v = scripted('v', ['applied-unknown'], { findBindings: false })
    const a = scripted('a')
    const e = left(
      await make([v, a], { failover: { unknownOutcome: 'reconcile' } }).client.bind(axb())(),
    )
    expect(e.outcome).toBe('unknown')
    expect(isUnknownOutcome(e)).toBe(true)
    expect(a.calls).toHaveLength(0)
  })

  it('sweeps pending binds: releases found ones, reports absent and unresolved ones', async () => {
    const v = scripted('v', ['applied-unknown'])
    const ali = scripted('ali', ['applied-unknown'], { findBindings: false })
    const { client } = make([v, ali])
    const e1 = left(await client.bind(axb())())
    const e2 = left(await client.bind(axb({ vendor: 'ali' }))())
    if (!isUnknownOutcome(e1) || !isUnknownOutcome(e2)) throw new Error('expected pending binds')
    const absent = { ...e1.pending, outId: 'never-sent' }
    const r = await client.sweep([e1.pending, absent, e2.pending])()
    const statuses = E.isRight(r) ? r.right.map((s) => s.status) : []
    expect(statuses).toEqual(['released', 'absent', 'unresolved'])
    expect(v.memory.live()).toHaveLength(0)
  })
})

describe('client: retries and the breaker', () => {
  it('retries RateLimited on the same provider, honouring retry-after', async () => {
    const v = scripted('v', [
      vendorError('RateLimited', 'v', { retryAfterMs: 120 } as Partial<PrivacyNumberError>),
    ])
    const { client, events } = make([v])
    const r = await client.bind(axb())()
    expect(E.isRight(r)).toBe(true)
    expect(v.calls).toHaveLength(2)
    expect(
      events.filter((e) => e.type === 'retry').map((e) => e.type === 'retry' && e.delayMs),
    ).toEqual([120])
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'retry', vendor: 'v', attempt: 2, delayMs: 120 }),
    )
  })

  it('spends exactly the configured attempts on a RateLimited that persists, with backoff events', async () => {
    const limited = () =>
      vendorError('RateLimited', 'v', { retryAfterMs: 7 } as Partial<PrivacyNumberError>)
    const v = scripted('v', [limited(), limited(), limited(), limited()])
    const { client, events } = make([v], { retry: { attempts: 3 } })
    const r = await client.bind(axb())()
    // RateLimited may fail over; with one provider the answer is AllProvidersFailed.
    expect(left(r)._tag).toBe('AllProvidersFailed')
    expect(v.calls).toHaveLength(3)
    expect(events.flatMap((e) => (e.type === 'retry' ? [[e.attempt, e.delayMs]] : []))).toEqual([
      [2, 7],
      [3, 7],
    ])
    expect(events.filter((e) => e.type === 'attempt-started')).toHaveLength(3)
  })

  it('does not enter the retry policy for a call that succeeds first time', async () => {
    const v = scripted('v')
    const { client, events } = make([v], { retry: { attempts: 3 } })
    expect(E.isRight(await client.bind(axb())())).toBe(true)
    expect(v.calls).toHaveLength(1)
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(0)
  })

  it('never retries a bind on a vendor fault', async () => {
    const v = scripted('v', [vendorError('VendorUnavailable', 'v', { outcome: 'not-applied' })])
    const a = scripted('a')
    await make([v, a]).client.bind(axb())()
    expect(v.calls).toHaveLength(1)
  })

  it('retries an idempotent query on a transient error', async () => {
    const v = scripted('v')
    const { client } = make([v])
    const bound = await client.bind(axb())()
    const ref = E.isRight(bound) ? bound.right.ref : ''
    let failures = 1
    const original = v.query
    v.query = (x) => async () =>
      failures-- > 0 ? E.left(makeError('Timeout', 'slow', { vendor: 'v' })) : original(x)()
    const r = await client.query(ref)()
    expect(E.isRight(r)).toBe(true)
  })

  it('opens a circuit after consecutive failures, skips it without a call, and half-opens later', async () => {
    const fault = () => vendorError('VendorUnavailable', 'v', { outcome: 'not-applied' })
    const v = scripted('v', [fault(), fault(), fault()])
    const a = scripted('a')
    const realNow = Date.now
    let t = realNow()
    const spy = jest.spyOn(Date, 'now').mockImplementation(() => t)
    try {
      const { client, events } = make([v, a], { breaker: { failures: 2, halfOpenAfterMs: 10_000 } })
      await client.bind(axb())()
      await client.bind(axb())()
      expect(events).toContainEqual({ type: 'breaker-open', vendor: 'v' })
      const callsBefore = v.calls.length
      const skipped = await client.bind(axb())()
      expect(E.isRight(skipped) && skipped.right.vendor).toBe('a')
      expect(v.calls).toHaveLength(callsBefore)
      expect(events).toContainEqual(
        expect.objectContaining({ type: 'circuit-skipped', vendor: 'v' }),
      )
      t += 10_001
      v.script.length = 0 // the vendor has recovered
      const trial = await client.bind(axb())()
      expect(E.isRight(trial) && trial.right.vendor).toBe('v')
      expect(events).toContainEqual({ type: 'breaker-half-open', vendor: 'v' })
      expect(events).toContainEqual({ type: 'breaker-closed', vendor: 'v' })
    } finally {
      spy.mockRestore()
    }
  })

  it('lists an open circuit among the attempts of AllProvidersFailed', async () => {
    const fault = () => vendorError('VendorUnavailable', 'only', { outcome: 'not-applied' })
    const only = scripted('only', [fault(), fault()])
    const { client } = make([only], { breaker: { failures: 1, halfOpenAfterMs: 60_000 } })
    await client.bind(axb())()
    const e = left(await client.bind(axb())())
    expect(e._tag).toBe('AllProvidersFailed')
    if (e._tag === 'AllProvidersFailed')
      expect(e.attempts[0]?.error.message).toContain('circuit open')
    expect(only.calls).toHaveLength(1)
  })
})

describe('client: routing by ref, strategies, batches, events', () => {
  it('routes unbind, update and query by the vendor inside the ref', async () => {
    const [v, a] = [scripted('v'), scripted('a')]
    const { client } = make([v, a])
    const bound = await client.bind(axb({ vendor: 'a' }))()
    const ref = E.isRight(bound) ? bound.right.ref : ''
    expect(E.isRight(await client.query(ref)())).toBe(true)
    expect(E.isRight(await client.update(ref, { outId: 'x2' })())).toBe(true)
    expect(E.isRight(await client.unbind(ref)())).toBe(true)
    expect(a.memory.live()).toHaveLength(0)
  })

  it("answers InvalidArgument for a ref of a vendor the client doesn't have", async () => {
    const other = scripted('other')
    const bound = await other.bind(axb())()
    const ref = E.isRight(bound) ? bound.right.ref : ''
    const r = await make([scripted('v')]).client.unbind(ref)()
    expect(left(r)).toMatchObject({ _tag: 'InvalidArgument', field: 'ref' })
  })

  it('spreads binds round-robin', async () => {
    const [v, a] = [scripted('v'), scripted('a')]
    const { client } = make([v, a], { strategy: 'round-robin' })
    for (let i = 0; i < 4; i++) await client.bind(axb())()
    expect([v.calls.length, a.calls.length]).toEqual([2, 2])
  })

  it('orders providers with a strategy function', async () => {
    const [v, a] = [scripted('v'), scripted('a')]
    const { client } = make([v, a], { strategy: (ps) => [...ps].reverse() })
    const r = await client.bind(axb())()
    expect(E.isRight(r) && r.right.vendor).toBe('a')
  })

  it('bindBatch keeps order, fails items over one by one, and stops caller errors', async () => {
    const v = scripted('v', [
      'ok',
      vendorError('NoAvailableNumber', 'v'),
      vendorError('BindingConflict', 'v'),
    ])
    const a = scripted('a')
    const { client } = make([v, a], { batchConcurrency: 1 })
    const reqs = [axb(), axb(), axb(), axb({ a: 'bad' })]
    const r = await client.bindBatch(reqs)()
    const out = E.isRight(r) ? r.right : []
    expect(out.map((x) => (E.isRight(x) ? x.right.vendor : x.left._tag))).toEqual([
      'v',
      'a',
      'BindingConflict',
      'InvalidArgument',
    ])
    expect(out[1] && E.isRight(out[1]) && out[1].right.a).toBe(reqs[1]?.a)
  })

  it('publishes events on the diagnostics channel', async () => {
    const seen: unknown[] = []
    const listener = (m: unknown) => seen.push(m)
    diagnostics.subscribe(CLIENT_EVENTS_CHANNEL, listener)
    try {
      await make([scripted('v')]).client.bind(axb())()
    } finally {
      diagnostics.unsubscribe(CLIENT_EVENTS_CHANNEL, listener)
    }
    expect(seen).toContainEqual(
      expect.objectContaining({ type: 'attempt-finished', vendor: 'v', ok: true }),
    )
  })

  it('survives a listener that throws', async () => {
    const client = createPrivacyNumberClient({
      providers: [scripted('v')],
      onEvent: () => {
        throw new Error('listener bug')
      },
    })
    expect(E.isRight(await client.bind(axb())())).toBe(true)
  })

  it('refuses two providers of the same vendor', () => {
    expect(() => createPrivacyNumberClient({ providers: [scripted('v'), scripted('v')] })).toThrow(
      TypeError,
    )
  })

  it('routes group operations to the named or first capable provider', async () => {
    const [v, a] = [scripted('v'), scripted('a')]
    const { client } = make([v, a])
    const g = await client.createGroup({ name: 'g', numbers: [phone()] }, { vendor: 'a' })()
    expect(E.isRight(g) && g.right.vendor).toBe('a')
    const id = E.isRight(g) ? g.right.groupId : ''
    expect(E.isRight(await client.updateGroup(id, { add: [phone()] }, { vendor: 'a' })())).toBe(
      true,
    )
    expect(E.isRight(await client.deleteGroup(id, { vendor: 'a' })())).toBe(true)
  })
})

describe('toPromiseClient', () => {
  it('resolves with values and rejects with PrivacyNumberException carrying the union value', async () => {
    const pc = toPromiseClient(make([scripted('v')]).client)
    const b = await pc.bind(axb())
    expect(b.vendor).toBe('v')
    await expect(pc.query(b.ref)).resolves.toMatchObject({ subscriptionId: b.subscriptionId })
    const failure = pc.bind(axb({ a: 'nope' }))
    await expect(failure).rejects.toBeInstanceOf(PrivacyNumberException)
    await expect(failure).rejects.toMatchObject({ error: { _tag: 'InvalidArgument', field: 'a' } })
  })
})
