/**
 * `createPrivacyNumberClient` (DESIGN §2.4): runtime choice between providers and failover that
 * never double-binds. A strategy only orders the providers; one loop decides what to try.
 * Breaker and retry come from cockatiel 3 (maintained, Node 20) rather than being hand-written.
 */
import { randomUUID } from 'node:crypto'
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  DelegateBackoff,
  circuitBreaker,
  handleWhenResult,
  retry,
  type IRetryBackoffContext,
  type RetryPolicy,
  type CircuitBreakerPolicy,
} from 'cockatiel'
import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'
import { mapWithConcurrency } from '../batch'
import {
  invalidArgument,
  makeError,
  shouldFailover,
  type ErrorTag,
  type PrivacyNumberError,
  type ProviderAttempt,
} from '../errors'
import { maskPhone } from '../mask'
import type {
  Binding,
  BindingKind,
  BindingUpdate,
  BindRequest,
  GroupChange,
  GroupInput,
  Provider,
} from '../model'
import { parseRef } from '../ref'
import { markValidated } from '../validated'
import { validateBindRequest, type ValidBindRequest } from '../validation'
import { createEventSink, type ClientEvent, type ClientOperation } from './events'

// ---------------------------------------------------------------------------------------------
// options and model
// ---------------------------------------------------------------------------------------------

/** Orders the providers for one request (it never decides what to try: the client does). */
export type Strategy = (
  providers: ReadonlyArray<Provider>,
  request: BindRequest,
) => ReadonlyArray<Provider>

/** Options of `createPrivacyNumberClient`. */
export interface ClientOptions {
  /** Order = priority. */
  readonly providers: ReadonlyArray<Provider>
  /** 'priority' (default), 'round-robin', or your own ordering. */
  readonly strategy?: 'priority' | 'round-robin' | Strategy
  readonly failover?: {
    /** Overrides `shouldFailover` (outcome 'unknown' is still never failed over). */
    readonly on?: (error: PrivacyNumberError) => boolean
    /** After a timeout/reset/5xx: stop ('fail', default) or look the binding up ('reconcile'). */
    readonly unknownOutcome?: 'fail' | 'reconcile'
    /**
     * How long to let a timed-out request settle at the vendor before looking it up (default
     * 1000 ms): a request the client gave up on may still be on its way and be applied later.
     */
    readonly reconcileDelayMs?: number
  }
  /** One circuit per provider; `false` disables. Default 5 failures, 30 s half-open. */
  readonly breaker?: { readonly failures: number; readonly halfOpenAfterMs: number } | false
  /** Retries on the same provider (RateLimited; idempotent operations). `false` disables. */
  readonly retry?:
    | { readonly attempts?: number; readonly baseDelayMs?: number; readonly maxDelayMs?: number }
    | false
  readonly onEvent?: (event: ClientEvent) => void
  /** Clock for validation (default `() => new Date()`). */
  readonly now?: () => Date
  /** Generates the outId sent with a bind that has none (default `pn-` + UUID). */
  readonly generateOutId?: () => string
  /** How many items of a client `bindBatch` run at once per provider (default 8). */
  readonly batchConcurrency?: number
  /** Waits before a reconciliation lookup (default setTimeout); injectable for tests. */
  readonly sleep?: (ms: number) => Promise<void>
}

/** A bind whose outcome is unknown: enough to find (and release) it later with `sweep`. */
export interface PendingBinding {
  readonly vendor: string
  readonly kind: BindingKind
  readonly outId: string
  readonly a: string
  readonly b?: string
  readonly x?: string
  readonly expiresAt: Date
}

/** An error whose bind may have been applied, with what `sweep` needs. */
export type UnknownOutcomeError = PrivacyNumberError & { readonly pending: PendingBinding }

/** What `sweep` found for one pending bind. */
export interface SweepResult {
  readonly pending: PendingBinding
  /** released: found and unbound; absent: certainly not there; unresolved: cannot tell yet. */
  readonly status: 'released' | 'absent' | 'unresolved'
  readonly released: ReadonlyArray<string>
  readonly error?: PrivacyNumberError
}

/** Per-call options of the client's group operations. */
export interface GroupCallOptions {
  /** The vendor that holds (or will hold) the group; default the first provider offering it. */
  readonly vendor?: string
}

/** The client: the Provider operations across several providers, plus `sweep`. */
export interface PrivacyNumberClient {
  readonly providers: ReadonlyArray<Provider>
  bind(req: BindRequest): TE.TaskEither<PrivacyNumberError, Binding>
  bindBatch(
    reqs: ReadonlyArray<BindRequest>,
  ): TE.TaskEither<PrivacyNumberError, ReadonlyArray<E.Either<PrivacyNumberError, Binding>>>
  unbind(ref: string): TE.TaskEither<PrivacyNumberError, void>
  update(ref: string, change: BindingUpdate): TE.TaskEither<PrivacyNumberError, void>
  query(ref: string): TE.TaskEither<PrivacyNumberError, Binding>
  createGroup(
    group: GroupInput,
    options?: GroupCallOptions,
  ): TE.TaskEither<PrivacyNumberError, { readonly groupId: string; readonly vendor: string }>
  updateGroup(
    groupId: string,
    change: GroupChange,
    options?: GroupCallOptions,
  ): TE.TaskEither<PrivacyNumberError, void>
  deleteGroup(groupId: string, options?: GroupCallOptions): TE.TaskEither<PrivacyNumberError, void>
  /** Looks up pending binds (unknown outcomes) and unbinds the ones that were created. */
  sweep(pending: ReadonlyArray<PendingBinding>): TE.TaskEither<never, ReadonlyArray<SweepResult>>
}

/** True when an error carries a `pending` bind (an unknown outcome the caller should sweep). */
export function isUnknownOutcome(e: PrivacyNumberError): e is UnknownOutcomeError {
  return e.outcome === 'unknown' && typeof (e as { pending?: unknown }).pending === 'object'
}

// ---------------------------------------------------------------------------------------------
// the client
// ---------------------------------------------------------------------------------------------

// Errors that count against a provider's circuit: the vendor is unwell. Caller errors
// (bad input, conflicts, not found) say nothing about the vendor's health.
const BREAKER_TAGS: ReadonlySet<ErrorTag> = new Set([
  'VendorUnavailable',
  'Timeout',
  'NetworkError',
  'InvalidResponse',
])
// Idempotent operations may be retried on any transient error; others only on RateLimited,
// which says the request was refused before it was applied.
const TRANSIENT_TAGS: ReadonlySet<ErrorTag> = new Set([
  'RateLimited',
  'VendorUnavailable',
  'Timeout',
  'NetworkError',
])
const IDEMPOTENT: ReadonlySet<ClientOperation> = new Set(['query', 'unbind', 'findBindings'])

type Result<A> = E.Either<PrivacyNumberError, A>

/** Creates the multi-provider client. */
export function createPrivacyNumberClient(options: ClientOptions): PrivacyNumberClient {
  const providers = [...options.providers]
  if (providers.length === 0) throw new TypeError('createPrivacyNumberClient: no providers')
  const vendors = new Set<string>()
  for (const p of providers) {
    if (vendors.has(p.vendor))
      throw new TypeError(`createPrivacyNumberClient: two ${p.vendor} providers`)
    vendors.add(p.vendor)
  }
  const emit = createEventSink(options.onEvent)
  const now = options.now ?? (() => new Date())
  const newOutId = options.generateOutId ?? (() => `pn-${randomUUID()}`)
  const unknownMode = options.failover?.unknownOutcome ?? 'fail'
  const reconcileDelayMs = options.failover?.reconcileDelayMs ?? 1000
  const failoverOn = options.failover?.on ?? shouldFailover
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
  const retryCfg =
    options.retry === false
      ? { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 }
      : {
          attempts: Math.max(1, options.retry?.attempts ?? 3),
          baseDelayMs: options.retry?.baseDelayMs ?? 100,
          maxDelayMs: options.retry?.maxDelayMs ?? 5_000,
        }
  const byVendor = new Map(providers.map((p) => [p.vendor, p]))

  // One circuit per provider. The policy sees Either results: a Left with a vendor-side tag
  // counts as a failure (cockatiel's result-based handling), nothing is thrown through it.
  const breakers = new Map<string, CircuitBreakerPolicy>()
  if (options.breaker !== false) {
    const cfg = options.breaker ?? { failures: 5, halfOpenAfterMs: 30_000 }
    for (const p of providers) {
      const policy = circuitBreaker(
        handleWhenResult((r) => {
          const res = r as Result<unknown>
          return E.isLeft(res) && BREAKER_TAGS.has(res.left._tag)
        }),
        { halfOpenAfter: cfg.halfOpenAfterMs, breaker: new ConsecutiveBreaker(cfg.failures) },
      )
      policy.onStateChange((state) => {
        if (state === CircuitState.Open) emit({ type: 'breaker-open', vendor: p.vendor })
        else if (state === CircuitState.HalfOpen)
          emit({ type: 'breaker-half-open', vendor: p.vendor })
        else if (state === CircuitState.Closed) emit({ type: 'breaker-closed', vendor: p.vendor })
      })
      breakers.set(p.vendor, policy)
    }
  }

  const circuitOpenError = (vendor: string) =>
    makeError('VendorUnavailable', `${vendor}: circuit open, not called`, {
      vendor,
      outcome: 'not-applied',
      retryable: true,
    })

  const defect = (vendor: string) => (e: unknown) =>
    makeError(
      'Unknown',
      `${vendor}: unexpected failure: ${e instanceof Error ? e.message : String(e)}`,
      {
        vendor,
        outcome: 'unknown',
      },
    )

  /** One call to one provider, through its circuit, with events. Never rejects. */
  const attempt = async <A>(
    p: Provider,
    operation: ClientOperation,
    call: () => TE.TaskEither<PrivacyNumberError, A>,
  ): Promise<{ result: Result<A>; durationMs: number }> => {
    const started = performance.now()
    // The two per-attempt events are built only when someone listens (they are on every call).
    if (emit.active()) emit({ type: 'attempt-started', vendor: p.vendor, operation })
    let result: Result<A>
    try {
      const breaker = breakers.get(p.vendor)
      result = breaker === undefined ? await call()() : await breaker.execute(() => call()())
    } catch (e) {
      if (e instanceof BrokenCircuitError) {
        emit({ type: 'circuit-skipped', vendor: p.vendor, operation })
        return {
          result: E.left(circuitOpenError(p.vendor)),
          durationMs: performance.now() - started,
        }
      }
      result = E.left(defect(p.vendor)(e))
    }
    const durationMs = performance.now() - started
    if (emit.active())
      emit({
        type: 'attempt-finished',
        vendor: p.vendor,
        operation,
        durationMs,
        ok: E.isRight(result),
        ...(E.isLeft(result) ? { errorTag: result.left._tag, outcome: result.left.outcome } : {}),
      })
    return { result, durationMs }
  }

  // Same-provider retries (DESIGN §2.4 rule 6) as cockatiel retry policies, one per provider
  // and operation (built on first use): RateLimited for every operation, transient faults for
  // idempotent ones; the delay honours the vendor's retry-after hint.
  interface RetryPlan {
    readonly policy: RetryPolicy
    /** The policy's own predicate: would this result be retried? */
    readonly retries: (r: unknown) => boolean
  }
  const retryPlans = new Map<string, RetryPlan>()
  const retryPlanFor = (p: Provider, operation: ClientOperation): RetryPlan | undefined => {
    if (retryCfg.attempts <= 1) return undefined
    const key = `${p.vendor}\u0000${operation}`
    const existing = retryPlans.get(key)
    if (existing !== undefined) return existing
    const idempotent = IDEMPOTENT.has(operation)
    const leftOf = (r: unknown): PrivacyNumberError | undefined => {
      const res = r as Result<unknown>
      return E.isLeft(res) ? res.left : undefined
    }
    const retries = (r: unknown): boolean => {
      const e = leftOf(r)
      if (e === undefined || e.message.includes('circuit open')) return false
      return e._tag === 'RateLimited' || (idempotent && TRANSIENT_TAGS.has(e._tag))
    }
    const policy = retry(handleWhenResult(retries), {
      maxAttempts: retryCfg.attempts - 1,
      backoff: new DelegateBackoff((ctx: IRetryBackoffContext<unknown>) => {
        const e = 'value' in ctx.result ? leftOf(ctx.result.value) : undefined
        const hinted = e?._tag === 'RateLimited' ? e.retryAfterMs : undefined
        return Math.min(
          retryCfg.maxDelayMs,
          hinted ?? retryCfg.baseDelayMs * 2 ** Math.max(0, ctx.attempt - 1),
        )
      }),
    })
    policy.onRetry((ev) => {
      const e = 'value' in ev ? leftOf(ev.value) : undefined
      emit({
        type: 'retry',
        vendor: p.vendor,
        operation,
        attempt: ev.attempt + 1,
        delayMs: ev.delay,
        errorTag: e?._tag ?? 'Unknown',
      })
    })
    const plan = { policy, retries }
    retryPlans.set(key, plan)
    return plan
  }

  /**
   * `attempt` plus same-provider retries. Never rejects. The first attempt runs outside the
   * retry policy; only a result the policy would retry enters it, as the policy's own first
   * attempt (replayed, not sent again), so the backoff, the attempt count and the `retry` events
   * are the policy's. A call that needs no retry (nearly all of them) skips the policy's
   * machinery (10–20 µs a call under load in two bench/layers.mjs runs; a noisy figure).
   */
  const withRetry = async <A>(
    p: Provider,
    operation: ClientOperation,
    call: () => TE.TaskEither<PrivacyNumberError, A>,
  ): Promise<{ result: Result<A>; durationMs: number }> => {
    const started = performance.now()
    let result: Result<A>
    try {
      const first = await attempt(p, operation, call)
      const plan = retryPlanFor(p, operation)
      // No retry (nearly every call): the attempt's own outcome and duration are the answer.
      if (plan === undefined || !plan.retries(first.result)) return first
      let replay: Result<A> | undefined = first.result
      result = await plan.policy.execute(async (): Promise<Result<A>> => {
        if (replay !== undefined) {
          const again = replay
          replay = undefined
          return again
        }
        return (await attempt(p, operation, call)).result
      })
    } catch (e) {
      result = E.left(defect(p.vendor)(e))
    }
    return { result, durationMs: performance.now() - started }
  }

  // ----- ordering ---------------------------------------------------------------------------

  let rr = 0
  const ordered = (req: BindRequest): ReadonlyArray<Provider> => {
    const s = options.strategy ?? 'priority'
    if (s === 'priority') return providers
    if (s === 'round-robin') {
      const start = rr++ % providers.length
      return [...providers.slice(start), ...providers.slice(0, start)]
    }
    // A user strategy may only reorder (or drop) our providers, never add strangers.
    return s(providers, req).filter((p) => providers.includes(p))
  }

  /** The providers a bind may go to, in order, or why it can go nowhere. */
  const candidates = (
    req: ValidBindRequest,
    raw: BindRequest,
  ): Result<{ list: ReadonlyArray<Provider>; pinned: boolean }> => {
    if (req.vendor !== undefined) {
      const p = byVendor.get(req.vendor)
      return p === undefined
        ? E.left(
            invalidArgument(
              'vendor',
              `vendor '${req.vendor}' is not one of this client's providers`,
            ),
          )
        : E.right({ list: [p], pinned: true })
    }
    const list = ordered(raw)
    // An explicit X (or an existing group) lives at one vendor: bind there only (rule 3).
    const pinned = req.x !== undefined || (req.group !== undefined && 'id' in req.group)
    return E.right({ list: pinned ? list.slice(0, 1) : list, pinned })
  }

  // ----- reconcile --------------------------------------------------------------------------

  const pendingOf = (p: Provider, r: ValidBindRequest, outId: string): PendingBinding => ({
    vendor: p.vendor,
    kind: r.kind,
    outId,
    a: r.a,
    ...(r.b === undefined ? {} : { b: r.b }),
    ...(r.x === undefined ? {} : { x: r.x }),
    expiresAt: r.expiresAt,
  })

  /** Looks for the binding an unknown-outcome bind may have created. */
  const reconcile = async (
    p: Provider,
    r: ValidBindRequest,
    outId: string,
  ): Promise<{ kind: 'adopted'; binding: Binding } | { kind: 'absent' } | { kind: 'unknown' }> => {
    const find = p.findBindings
    if (find === undefined || !p.capabilities.operations.includes('findBindings'))
      return { kind: 'unknown' }
    const started = performance.now()
    const { result } = await withRetry(p, 'findBindings', () => find.call(p, { outId, a: r.a }))
    const matches = E.isRight(result)
      ? result.right
          .filter((b) => b.outId === undefined || b.outId === outId)
          .filter((b) => b.kind === r.kind)
      : []
    const verdict = E.isLeft(result) ? 'unknown' : matches.length > 0 ? 'adopted' : 'absent'
    emit({
      type: 'reconciled',
      vendor: p.vendor,
      outId,
      result: verdict,
      durationMs: performance.now() - started,
    })
    if (verdict === 'adopted' && matches[0] !== undefined) {
      // Never leave two: if the vendor somehow holds more than one, keep the first, release the rest.
      for (const extra of matches.slice(1)) await p.unbind(extra.ref)()
      return { kind: 'adopted', binding: matches[0] }
    }
    return { kind: verdict === 'absent' ? 'absent' : 'unknown' }
  }

  const unknownOutcome = (
    p: Provider,
    e: PrivacyNumberError,
    r: ValidBindRequest,
    outId: string,
    operation: ClientOperation,
  ): UnknownOutcomeError => {
    emit({
      type: 'unknown-outcome',
      vendor: p.vendor,
      operation,
      outId,
      a: maskPhone(r.a),
      ...(r.b === undefined ? {} : { b: maskPhone(r.b) }),
      errorTag: e._tag,
    })
    return { ...e, outcome: 'unknown', pending: pendingOf(p, r, outId) }
  }

  const allFailed = (attempts: ReadonlyArray<ProviderAttempt>): PrivacyNumberError =>
    makeError(
      'AllProvidersFailed',
      `all providers failed: ${attempts.map((a) => `${a.vendor} ${a.error._tag}`).join(', ')}`,
      {
        attempts,
        retryable: attempts.some((a) => a.error.retryable),
        outcome: attempts.some((a) => a.error.outcome === 'unknown') ? 'unknown' : 'not-applied',
      },
    )

  const unsupportedKind = (p: Provider, kind: BindingKind) =>
    makeError('Unsupported', `${p.vendor} does not offer ${kind}`, {
      vendor: p.vendor,
      operation: 'bind',
    })

  /**
   * A provider found "absent" after an unknown outcome may still apply the lost request later.
   * Once the bind has ended elsewhere (or everywhere failed), look again and release anything
   * that arrived late, so one request never leaves two live bindings.
   */
  const releaseLate = async (
    suspects: ReadonlyArray<Provider>,
    r: ValidBindRequest,
    outId: string,
  ): Promise<void> => {
    for (const p of suspects) {
      const find = p.findBindings
      if (find === undefined) continue
      const { result } = await withRetry(p, 'findBindings', () => find.call(p, { outId, a: r.a }))
      if (E.isLeft(result)) continue
      for (const late of result.right.filter((b) => b.outId === outId)) {
        const u = await withRetry(p, 'unbind', () => p.unbind(late.ref))
        if (E.isRight(u.result)) emit({ type: 'late-binding-released', vendor: p.vendor, outId })
      }
    }
  }

  /** What to do with one provider's failure of one bind item. */
  type Step =
    | { next: 'return'; value: Result<Binding> }
    | { next: 'failover'; error: PrivacyNumberError; suspect: boolean }

  const afterFailure = async (
    p: Provider,
    e: PrivacyNumberError,
    r: ValidBindRequest,
    outId: string,
    operation: ClientOperation,
  ): Promise<Step> => {
    if (e.outcome === 'unknown') {
      // Reconcile only where the vendor can be searched; elsewhere waiting would only add delay.
      const searchable =
        p.findBindings !== undefined && p.capabilities.operations.includes('findBindings')
      if (unknownMode === 'reconcile' && searchable) {
        if (reconcileDelayMs > 0) await sleep(reconcileDelayMs)
        const found = await reconcile(p, r, outId)
        if (found.kind === 'adopted') return { next: 'return', value: E.right(found.binding) }
        if (found.kind === 'absent')
          return { next: 'failover', error: { ...e, outcome: 'not-applied' }, suspect: true }
      }
      return { next: 'return', value: E.left(unknownOutcome(p, e, r, outId, operation)) }
    }
    return failoverOn(e)
      ? { next: 'failover', error: e, suspect: false }
      : { next: 'return', value: E.left(e) }
  }

  // ----- bind -------------------------------------------------------------------------------

  const bindOne = async (raw: BindRequest): Promise<Result<Binding>> => {
    const validated = validateBindRequest(raw, now())
    if (E.isLeft(validated)) return validated
    const r = validated.right
    const outId = r.outId ?? newOutId()
    const cands = candidates(r, raw)
    if (E.isLeft(cands)) return cands
    const { list, pinned } = cands.right
    const attempts: ProviderAttempt[] = []
    const suspects: Provider[] = []
    // The validated request plus the outId, marked so the provider's own validation is a
    // re-check of the expiry window rather than a second full pass.
    const sent: BindRequest = markValidated(r, outId)
    // Not an async function: with no suspect to release (nearly every call) the value goes back
    // as it is, without another promise hop.
    const done = (value: Result<Binding>): Result<Binding> | Promise<Result<Binding>> =>
      suspects.length === 0 ? value : releaseLate(suspects, r, outId).then(() => value)
    for (let i = 0; i < list.length; i++) {
      const p = list[i] as Provider
      let failure: PrivacyNumberError
      let durationMs = 0
      if (!p.capabilities.kinds.includes(r.kind)) failure = unsupportedKind(p, r.kind)
      else {
        const out = await withRetry(p, 'bind', () => p.bind(sent))
        durationMs = out.durationMs
        if (E.isRight(out.result)) return done(out.result)
        failure = out.result.left
      }
      const step = await afterFailure(p, failure, r, outId, 'bind')
      if (step.next === 'return') {
        if (E.isRight(step.value) || pinned || attempts.length === 0) return done(step.value)
        attempts.push({ vendor: p.vendor, error: step.value.left, durationMs })
        return done(
          E.left({
            ...allFailed(attempts),
            ...(isUnknownOutcome(step.value.left) ? { pending: step.value.left.pending } : {}),
          }),
        )
      }
      if (step.suspect) suspects.push(p)
      attempts.push({ vendor: p.vendor, error: step.error, durationMs })
      if (pinned) return done(E.left(step.error))
      const to = list[i + 1]
      emit({
        type: 'failover',
        operation: 'bind',
        from: p.vendor,
        ...(to ? { to: to.vendor } : {}),
        errorTag: step.error._tag,
      })
    }
    return done(E.left(allFailed(attempts)))
  }

  // ----- bindBatch --------------------------------------------------------------------------

  const bindBatch =
    (
      reqs: ReadonlyArray<BindRequest>,
    ): TE.TaskEither<PrivacyNumberError, ReadonlyArray<Result<Binding>>> =>
    async () => {
      interface Item {
        readonly index: number
        readonly raw: BindRequest
        readonly valid: ValidBindRequest
        readonly outId: string
        readonly list: ReadonlyArray<Provider>
        readonly pinned: boolean
        readonly attempts: ProviderAttempt[]
        readonly suspects: Provider[]
      }
      const results: Result<Binding>[] = new Array(reqs.length)
      let open: Item[] = []
      reqs.forEach((raw, index) => {
        const v = validateBindRequest(raw, now())
        if (E.isLeft(v)) return void (results[index] = v)
        const c = candidates(v.right, raw)
        if (E.isLeft(c)) return void (results[index] = c)
        open.push({
          index,
          raw,
          valid: v.right,
          outId: v.right.outId ?? newOutId(),
          ...c.right,
          attempts: [],
          suspects: [],
        })
      })
      const all = [...open]
      // Round k sends every still-open item to its k-th provider, one bindBatch per provider,
      // so vendors with native batches (Aliyun BindBatchAxg) keep using them.
      for (let round = 0; open.length > 0; round++) {
        const groups = new Map<Provider, Item[]>()
        for (const item of open) {
          const p = item.list[round]
          if (p === undefined) {
            results[item.index] = E.left(
              item.pinned && item.attempts.length === 1
                ? (item.attempts[0] as ProviderAttempt).error
                : allFailed(item.attempts),
            )
            continue
          }
          groups.set(p, [...(groups.get(p) ?? []), item])
        }
        const still: Item[] = []
        for (const [p, items] of groups) {
          const supported = items.filter((it) => p.capabilities.kinds.includes(it.valid.kind))
          for (const it of items.filter((x) => !supported.includes(x)))
            it.attempts.push({
              vendor: p.vendor,
              error: unsupportedKind(p, it.valid.kind),
              durationMs: 0,
            })
          const sent = supported.map((it) => markValidated(it.valid, it.outId))
          const out =
            sent.length === 0
              ? { result: E.right([] as ReadonlyArray<Result<Binding>>), durationMs: 0 }
              : await attempt(p, 'bindBatch', () => p.bindBatch(sent))
          const perItem: ReadonlyArray<Result<Binding>> = E.isRight(out.result)
            ? out.result.right
            : supported.map(() => out.result as Result<Binding>)
          const settle = async (it: Item, r: Result<Binding> | undefined): Promise<void> => {
            if (r === undefined) {
              results[it.index] = E.left(
                makeError('InvalidResponse', `${p.vendor}: batch result missing`, {
                  vendor: p.vendor,
                }),
              )
              return
            }
            if (E.isRight(r)) {
              results[it.index] = r
              return
            }
            const step = await afterFailure(p, r.left, it.valid, it.outId, 'bindBatch')
            if (step.next === 'return') results[it.index] = step.value
            else {
              if (step.suspect) it.suspects.push(p)
              it.attempts.push({ vendor: p.vendor, error: step.error, durationMs: out.durationMs })
              if (it.pinned) results[it.index] = E.left(step.error)
              else still.push(it)
            }
          }
          await mapWithConcurrency(
            supported,
            options.batchConcurrency ?? 8,
            (it, k) => async () => E.right(await settle(it, perItem[k])),
            defect(p.vendor),
          )()
          for (const it of items.filter((x) => !supported.includes(x))) {
            if (it.pinned) results[it.index] = E.left((it.attempts[0] as ProviderAttempt).error)
            else still.push(it)
          }
          if (still.length > 0)
            emit({
              type: 'failover',
              operation: 'bindBatch',
              from: p.vendor,
              errorTag: still[0]?.attempts.at(-1)?.error._tag ?? 'Unknown',
            })
        }
        open = still
      }
      const suspected = all.filter((it) => it.suspects.length > 0)
      await mapWithConcurrency(
        suspected,
        options.batchConcurrency ?? 8,
        (it) => async () => E.right(await releaseLate(it.suspects, it.valid, it.outId)),
        defect('client'),
      )()
      return E.right(results)
    }

  // ----- ref-routed operations --------------------------------------------------------------

  const routed =
    <A>(
      ref: string,
      operation: ClientOperation,
      call: (p: Provider) => TE.TaskEither<PrivacyNumberError, A>,
    ): TE.TaskEither<PrivacyNumberError, A> =>
    async () => {
      const parts = parseRef(ref)
      if (E.isLeft(parts)) return parts
      const p = byVendor.get(parts.right.vendor)
      if (p === undefined)
        return E.left(
          invalidArgument(
            'ref',
            `ref belongs to '${parts.right.vendor}', which this client does not have`,
          ),
        )
      return (await withRetry(p, operation, () => call(p))).result
    }

  const groupProvider = (
    op: 'createGroup' | 'updateGroup' | 'deleteGroup',
    o?: GroupCallOptions,
  ): Result<Provider> => {
    if (o?.vendor !== undefined) {
      const p = byVendor.get(o.vendor)
      return p === undefined
        ? E.left(
            invalidArgument('vendor', `vendor '${o.vendor}' is not one of this client's providers`),
          )
        : E.right(p)
    }
    const p = providers.find((x) => x.capabilities.operations.includes(op))
    return p === undefined
      ? E.left(makeError('Unsupported', `no provider offers ${op}`, { operation: op }))
      : E.right(p)
  }

  const onGroupProvider =
    <A>(
      op: 'createGroup' | 'updateGroup' | 'deleteGroup',
      o: GroupCallOptions | undefined,
      call: (p: Provider) => TE.TaskEither<PrivacyNumberError, A>,
    ): TE.TaskEither<PrivacyNumberError, A> =>
    async () => {
      const p = groupProvider(op, o)
      if (E.isLeft(p)) return p
      return (await withRetry(p.right, op, () => call(p.right))).result
    }

  // ----- sweep ------------------------------------------------------------------------------

  const sweepOne = async (pending: PendingBinding): Promise<SweepResult> => {
    const p = byVendor.get(pending.vendor)
    if (p === undefined)
      return {
        pending,
        status: 'unresolved',
        released: [],
        error: invalidArgument('vendor', `no provider for '${pending.vendor}'`),
      }
    const find = p.findBindings
    if (find === undefined || !p.capabilities.operations.includes('findBindings')) {
      // The vendor cannot search by outId or parties: the binding, if any, ends at its expiry.
      return pending.expiresAt.getTime() <= now().getTime()
        ? { pending, status: 'absent', released: [] }
        : { pending, status: 'unresolved', released: [] }
    }
    const { result } = await withRetry(p, 'findBindings', () =>
      find.call(p, { outId: pending.outId, a: pending.a }),
    )
    if (E.isLeft(result)) return { pending, status: 'unresolved', released: [], error: result.left }
    const found = result.right.filter((b) => b.outId === undefined || b.outId === pending.outId)
    if (found.length === 0) return { pending, status: 'absent', released: [] }
    const released: string[] = []
    for (const b of found) {
      const u = (await withRetry(p, 'unbind', () => p.unbind(b.ref))).result
      if (E.isLeft(u)) return { pending, status: 'unresolved', released, error: u.left }
      released.push(b.ref)
    }
    return { pending, status: 'released', released }
  }

  return {
    providers,
    bind: (req) => () => bindOne(req),
    bindBatch,
    unbind: (ref) => routed(ref, 'unbind', (p) => p.unbind(ref)),
    update: (ref, change) => routed(ref, 'update', (p) => p.update(ref, change)),
    query: (ref) => routed(ref, 'query', (p) => p.query(ref)),
    createGroup: (group, o) => async () => {
      const p = groupProvider('createGroup', o)
      if (E.isLeft(p)) return p
      const { result } = await withRetry(p.right, 'createGroup', () => p.right.createGroup(group))
      return E.isRight(result)
        ? E.right({ groupId: result.right.groupId, vendor: p.right.vendor })
        : result
    },
    updateGroup: (groupId, change, o) =>
      onGroupProvider('updateGroup', o, (p) => p.updateGroup(groupId, change)),
    deleteGroup: (groupId, o) => onGroupProvider('deleteGroup', o, (p) => p.deleteGroup(groupId)),
    sweep: (pending) => async () => {
      const out: SweepResult[] = []
      for (const item of pending) out.push(await sweepOne(item))
      return E.right(out)
    },
  }
}
