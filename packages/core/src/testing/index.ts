/**
 * `@privacy-number/core/testing`: the behaviours every `Provider` must show, as one jest suite,
 * gated by the provider's declared capabilities (in the spirit of unstorage's `testDriver()`).
 * Adapters run it against the emulator; users can run it against a real account.
 */
import * as E from 'fp-ts/Either'
import type { PrivacyNumberError } from '../errors'
import type { Binding, BindingKind, BindRequest, Provider, ProviderCapabilities } from '../model'
import { parseRef } from '../ref'

/** Options of the contract suite. */
export interface ProviderContractOptions {
  /** Suite title. */
  readonly name: string
  /** Creates the provider under test (called once, in `beforeAll`). */
  readonly makeProvider: () => Provider | Promise<Provider>
  /** The capabilities the provider declares; tests are registered (or not) from these. */
  readonly capabilities: ProviderCapabilities
  /** Called once after all tests (close servers, transports). */
  readonly teardown?: () => void | Promise<void>
  /** HTTP requests (or vendor operations) sent so far: proves validation sends nothing. */
  readonly requestCount?: () => number
  /** Area code with numbers in the pool, for selection by city (default '010'). */
  readonly city?: string
  /** A fresh, unique real mobile number per call (default: a counter in 139xxxxxxxx). */
  readonly phone?: () => string
  /** The clock the provider uses (default `Date.now`), for expiries. */
  readonly now?: () => Date
}

let counter = Math.floor(Math.random() * 1_000_000)
const defaultPhone = (): string => `139${String(++counter % 100_000_000).padStart(8, '0')}`

const expectRight = <A>(r: E.Either<PrivacyNumberError, A>): A => {
  if (E.isLeft(r)) throw new Error(`expected success, got ${r.left._tag}: ${r.left.message}`)
  return r.right
}

/** Registers the contract suite for one provider. */
export function describeProviderContract(options: ProviderContractOptions): void {
  const phone = options.phone ?? defaultPhone
  const now = options.now ?? (() => new Date())
  const city = options.city ?? '010'
  const hours = (h: number): Date => new Date(now().getTime() + h * 3_600_000)

  describe(`Provider contract: ${options.name}`, () => {
    let provider: Provider
    const caps = options.capabilities
    const has = (op: ProviderCapabilities['operations'][number]) => caps.operations.includes(op)
    const when = (cond: boolean) => (cond ? it : () => undefined)

    beforeAll(async () => {
      provider = await options.makeProvider()
    })

    it('declares the capabilities the suite was given', () => {
      expect(provider.specificationVersion).toBe('v1')
      expect(provider.capabilities).toEqual(caps)
    })
    afterAll(async () => {
      await options.teardown?.()
    })

    const requestFor = async (kind: BindingKind): Promise<BindRequest> => {
      const base = {
        a: phone(),
        expiresAt: hours(2),
        select: { city },
        outId: `contract-${++counter}`,
      }
      if (kind === 'AXB') return { ...base, kind, b: phone() }
      if (kind === 'AXN') return { ...base, kind, b: phone() }
      return { ...base, kind, group: { name: `contract ${counter}`, numbers: [phone(), phone()] } }
    }

    const wellFormed = (b: Binding, req: BindRequest) => {
      expect(b.vendor).toBe(provider.vendor)
      expect(b.kind).toBe(req.kind)
      expect(typeof b.subscriptionId).toBe('string')
      expect(b.subscriptionId.length).toBeGreaterThan(0)
      expect(b.x).toMatch(/^\d{5,20}$/)
      expect(b.a).toBe(req.a)
      const parts = expectRight(parseRef(b.ref))
      expect(parts).toMatchObject({
        vendor: b.vendor,
        kind: b.kind,
        subscriptionId: b.subscriptionId,
        x: b.x,
      })
      expect(b.expiresAt).toBeInstanceOf(Date)
    }

    for (const kind of ['AXB', 'AXN', 'AXG'] as const) {
      it(`binds ${kind} (or answers Unsupported when the provider lacks it)`, async () => {
        const req = await requestFor(kind)
        const r = await provider.bind(req)()
        if (!caps.kinds.includes(kind)) {
          expect(E.isLeft(r) && r.left._tag).toBe('Unsupported')
          return
        }
        const binding = expectRight(r)
        wellFormed(binding, req)
        expect(Math.abs(binding.expiresAt.getTime() - req.expiresAt.getTime())).toBeLessThan(1000)
        if (kind === 'AXB') expect(binding.b).toBe(req.b)
        if (kind === 'AXG') expect(typeof binding.groupId).toBe('string')
        expectRight(await provider.unbind(binding.ref)())
      })
    }

    it('queries a binding after binding it', async () => {
      const kind = caps.kinds[0] ?? 'AXB'
      const req = await requestFor(kind)
      const bound = expectRight(await provider.bind(req)())
      const got = expectRight(await provider.query(bound.ref)())
      expect(got).toMatchObject({
        vendor: bound.vendor,
        kind: bound.kind,
        subscriptionId: bound.subscriptionId,
        x: bound.x,
        a: bound.a,
      })
      if (bound.b !== undefined) expect(got.b).toBe(bound.b)
      expectRight(await provider.unbind(bound.ref)())
    })

    const expiryKind = caps.kinds.find((k) => caps.updatable[k].includes('expiresAt'))
    when(expiryKind !== undefined)('updates the expiry of a binding', async () => {
      const kind = expiryKind ?? 'AXB'
      const bound = expectRight(await provider.bind(await requestFor(kind))())
      const later = new Date(Math.floor(hours(5).getTime() / 1000) * 1000)
      expectRight(await provider.update(bound.ref, { expiresAt: later })())
      const got = expectRight(await provider.query(bound.ref)())
      expect(Math.abs(got.expiresAt.getTime() - later.getTime())).toBeLessThan(1000)
      expectRight(await provider.unbind(bound.ref)())
    })

    it('unbinds, and unbinding again counts as done', async () => {
      const bound = expectRight(await provider.bind(await requestFor(caps.kinds[0] ?? 'AXB'))())
      expectRight(await provider.unbind(bound.ref)())
      expectRight(await provider.unbind(bound.ref)())
      const gone = await provider.query(bound.ref)()
      expect(E.isLeft(gone) && gone.left._tag).toBe('BindingNotFound')
    })

    it('answers InvalidArgument for bad input and sends no request', async () => {
      const before = options.requestCount?.()
      const cases: ReadonlyArray<[BindRequest, string]> = [
        [{ kind: 'AXB', a: '12345', b: phone(), expiresAt: hours(1) }, 'a'],
        [
          { kind: 'AXB', a: phone(), b: phone(), expiresAt: new Date(now().getTime() + 10_000) },
          'expiresAt',
        ],
        [
          { kind: 'AXB', a: phone(), b: phone(), expiresAt: hours(1), userData: 'x'.repeat(2049) },
          'userData',
        ],
        [
          {
            kind: 'AXB',
            a: phone(),
            expiresAt: hours(1),
            select: { fallbackCities: ['010', '021', '020', '0755', '0571', '0531'] },
          },
          'select.fallbackCities',
        ],
        [{ kind: 'AXG', a: phone(), expiresAt: hours(1) }, 'group'],
        [{ kind: 'AXB', a: phone(), expiresAt: hours(1), group: { id: '1' } }, 'group'],
      ]
      for (const [req, field] of cases) {
        const r = await provider.bind(req)()
        expect(E.isLeft(r) && r.left._tag).toBe('InvalidArgument')
        expect(E.isLeft(r) && r.left._tag === 'InvalidArgument' && r.left.field).toBe(field)
        expect(E.isLeft(r) && r.left.outcome).toBe('not-applied')
      }
      const garbage = await provider.unbind('not-a-ref')()
      expect(E.isLeft(garbage) && garbage.left._tag).toBe('InvalidArgument')
      if (before !== undefined) expect(options.requestCount?.()).toBe(before)
    })

    const optional = ['findBindings', 'remainingNumbers', 'recordingUrl'] as const
    const missing = optional.filter((op) => !has(op))
    when(missing.length > 0)(
      'answers Unsupported for an operation it does not declare',
      async () => {
        expect.hasAssertions()
        for (const op of missing) {
          const fn = provider[op]
          if (fn === undefined) continue // absent methods are the other honest answer
          const r =
            op === 'findBindings'
              ? await (fn as NonNullable<Provider['findBindings']>).call(provider, { a: phone() })()
              : op === 'remainingNumbers'
                ? await (fn as NonNullable<Provider['remainingNumbers']>).call(provider)()
                : await (fn as NonNullable<Provider['recordingUrl']>).call(provider, {
                    callId: 'c',
                  })()
          expect(E.isLeft(r) && r.left._tag).toBe('Unsupported')
        }
        if (missing.every((op) => provider[op] === undefined))
          expect(missing.length).toBeGreaterThan(0)
      },
    )

    it('offers every optional operation it declares', () => {
      for (const op of optional)
        expect(typeof provider[op]).toBe(has(op) ? 'function' : typeof provider[op])
      expect(caps.operations).toEqual(
        expect.arrayContaining(['bind', 'bindBatch', 'unbind', 'update', 'query']),
      )
    })

    it('bindBatch keeps input order and isolates item failures', async () => {
      const kind = caps.kinds[0] ?? 'AXB'
      const first = await requestFor(kind)
      const bad: BindRequest = { ...(await requestFor(kind)), a: 'not a phone' }
      const third = await requestFor(kind)
      const results = expectRight(await provider.bindBatch([first, bad, third])())
      expect(results).toHaveLength(3)
      const [r0, r1, r2] = results
      expect(r0 && E.isRight(r0) && r0.right.a).toBe(first.a)
      expect(r1 && E.isLeft(r1) && r1.left._tag).toBe('InvalidArgument')
      expect(r2 && E.isRight(r2) && r2.right.a).toBe(third.a)
      for (const r of results) if (E.isRight(r)) expectRight(await provider.unbind(r.right.ref)())
    })

    when(!has('createGroup'))(
      'answers Unsupported to createGroup when it lacks groups',
      async () => {
        const r = await provider.createGroup({ name: 'g', numbers: [phone()] })()
        expect(E.isLeft(r) && r.left._tag).toBe('Unsupported')
      },
    )

    when(has('createGroup') && caps.kinds.includes('AXG'))(
      'creates, changes and deletes a G group, and binds AXG to it',
      async () => {
        const { groupId } = expectRight(
          await provider.createGroup({ name: 'contract group', numbers: [phone(), phone()] })(),
        )
        expect(typeof groupId).toBe('string')
        expectRight(await provider.updateGroup(groupId, { add: [phone()] })())
        const bound = expectRight(
          await provider.bind({
            kind: 'AXG',
            a: phone(),
            expiresAt: hours(2),
            group: { id: groupId },
          })(),
        )
        expect(bound.groupId).toBe(groupId)
        expectRight(await provider.unbind(bound.ref)())
        expectRight(await provider.deleteGroup(groupId)())
      },
    )

    when(has('findBindings'))('finds a binding by its outId', async () => {
      if (provider.findBindings === undefined)
        throw new Error('findBindings is declared but absent')
      const req = await requestFor(caps.kinds[0] ?? 'AXB')
      const bound = expectRight(await provider.bind(req)())
      const found = expectRight(await provider.findBindings({ outId: req.outId ?? '' })())
      expect(found.map((b) => b.subscriptionId)).toContain(bound.subscriptionId)
      expectRight(await provider.unbind(bound.ref)())
    })
  })
}
