/**
 * `createAliyunProvider()`: the neutral model ⇄ dypls wire mapping (DESIGN §2.1). Every
 * operation validates first (a request that fails validation sends nothing), then signs and
 * sends POSTs with every parameter in the query string, and classifies the answer (HTTP status
 * and body Code both checked).
 */
import { randomUUID } from 'node:crypto'
import {
  applyFieldByField,
  areaCodes,
  formatBeijing,
  formatRef,
  invalidArgument,
  makeError,
  mapWithConcurrency,
  parseBeijing,
  parseRef,
  phoneKind,
  PROVINCE_CAPITAL,
  resolveTransport,
  unsupported,
  validateBindingUpdate,
  validateBindRequest,
  validateGroupChange,
  validateGroupId,
  validateGroupInput,
  type AxiosTransportOptions,
  type Binding,
  type BindingKind,
  type BindingUpdate,
  type BindingUpdateField,
  type BindRequest,
  type GroupChange,
  type GroupInput,
  type HttpTransport,
  type PrivacyNumberError,
  type Provider,
  type ProviderCapabilities,
  type RefParts,
  type RemainingNumbers,
  type ValidBindRequest,
} from '@privacy-number/core'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import type * as t from 'io-ts'
import { mapVendorError, VENDOR } from './errors'
import { signRequest, type Param, type SignedRequest } from './signer'
import {
  BatchAnswer,
  batchItem,
  batchParams,
  BindAnswer,
  bindParams,
  CreateGroupAnswer,
  decodeAnswer,
  DetailAnswer,
  EmptyAnswer,
  params,
  RecordUrlAnswer,
  RemainAnswer,
  type BindWire,
} from './wire'

/** Options of `createAliyunProvider`. */
export interface AliyunProviderOptions {
  readonly accessKeyId: string
  readonly accessKeySecret: string
  /** The number pool (号码池 Key) new bindings are made in. */
  readonly poolKey: string
  /** Default 'https://dyplsapi.aliyuncs.com'; an explicit http:// endpoint (the emulator) is allowed. */
  readonly endpoint?: string
  /** Per-call time limit in ms (default 5000). */
  readonly timeoutMs?: number
  /** 'v1' RPC HMAC-SHA1 (default) or 'v3' ACS3-HMAC-SHA256. */
  readonly signatureVersion?: 'v1' | 'v3'
  /** 'axios' (default), 'undici', or your own transport. */
  readonly transport?: 'axios' | 'undici' | HttpTransport
  /** Your axios instance, for the axios transport. */
  readonly axios?: AxiosTransportOptions['axios']
  /** Items per BindBatchAxg call (default 100). */
  readonly batchSize?: number
  /** Calls in flight for bindBatch (default 8). */
  readonly batchConcurrency?: number
  /** QuerySecretNoRemain SpecId: 1 = 170/171 numbers, 2 = carrier numbers (default), 3 = 95 numbers. */
  readonly remainSpecId?: 1 | 2 | 3
  /** The clock (default `() => new Date()`). */
  readonly now?: () => Date
  /** A fresh SignatureNonce per request (default `crypto.randomUUID`). */
  readonly nonce?: () => string
}

/** The Aliyun provider: a `Provider` plus `close()` to release pooled sockets. */
export interface AliyunProvider extends Provider {
  readonly remainingNumbers: NonNullable<Provider['remainingNumbers']>
  readonly recordingUrl: NonNullable<Provider['recordingUrl']>
  close(): Promise<void>
}

/** Default endpoint (one for every region). */
export const ALIYUN_DEFAULT_ENDPOINT = 'https://dyplsapi.aliyuncs.com'
/**
 * Most bytes the percent-encoded AxgBindList may take in one BindBatchAxg call. Every parameter
 * travels in the query string, and request lines beyond 8–16 KB are refused by common HTTP
 * servers (Node's own limit is 16 KiB; the emulator answers 431 past it). A chunk ends at
 * whichever comes first: `batchSize` items or this many bytes.
 */
export const ALIYUN_MAX_BATCH_LIST_BYTES = 8 * 1024
/** Default BindBatchAxg chunk size. */
export const ALIYUN_DEFAULT_BATCH_SIZE = 100

/** What the Aliyun adapter can do (see docs/providers/aliyun.md). */
export const ALIYUN_CAPABILITIES: ProviderCapabilities = {
  kinds: ['AXB', 'AXN', 'AXG'],
  operations: [
    'bind',
    'bindBatch',
    'unbind',
    'update',
    'query',
    'createGroup',
    'updateGroup',
    'deleteGroup',
    'remainingNumbers',
    'recordingUrl',
  ],
  // DOC19 and the metadata's docRequired mark PhoneNoB required for BindAxb.
  axbWithoutB: false,
  axnWithoutB: true,
  selection: { byCity: true, byParty: false, fallbackCities: 'emulated' },
  updatable: {
    AXB: ['expiresAt', 'a', 'b', 'outId', 'record'],
    AXN: ['expiresAt', 'a', 'b', 'outId', 'record'],
    AXG: ['expiresAt', 'a', 'b', 'groupId', 'outId', 'record'],
  },
  inlineGroups: true,
}

const BIND_ACTION: Readonly<Record<BindingKind, string>> = {
  AXB: 'BindAxb',
  AXN: 'BindAxn',
  AXG: 'BindAxg',
}

/** UpdateSubscription: one OperateType per field, and the parameter that carries the value. */
const UPDATE_OPERATION: Readonly<
  Record<BindingUpdateField, { readonly type: string; readonly param: string }>
> = {
  expiresAt: { type: 'updateExpire', param: 'Expiration' },
  a: { type: 'updateNoA', param: 'PhoneNoA' },
  b: { type: 'updateNoB', param: 'PhoneNoB' },
  groupId: { type: 'updateAxgGroup', param: 'GroupId' },
  outId: { type: 'updateOutId', param: 'OutId' },
  record: { type: 'updateIsRecordingEnabled', param: 'IsRecordingEnabled' },
}

/** A bind prepared for the wire: the calls to try in order (one per candidate city). */
interface PreparedBind {
  readonly request: ValidBindRequest
  /** ExpectCity names in the order to try; empty = let the vendor choose. */
  readonly cities: ReadonlyArray<string>
}

const left = <A = never>(e: PrivacyNumberError): E.Either<PrivacyNumberError, A> => E.left(e)

/** Creates the Aliyun dypls provider. */
export function createAliyunProvider(options: AliyunProviderOptions): AliyunProvider {
  // Secrets stay in this closure: nothing on the returned object holds them.
  const { accessKeyId, accessKeySecret, poolKey } = options
  // Configuration mistakes are programming errors: fail at start-up, not on the first bind.
  for (const [name, value] of [
    ['accessKeyId', accessKeyId],
    ['accessKeySecret', accessKeySecret],
    ['poolKey', poolKey],
  ] as const)
    if (typeof value !== 'string' || value === '')
      throw new TypeError(`createAliyunProvider: ${name} must be a non-empty string`)
  if (options.signatureVersion !== undefined && !['v1', 'v3'].includes(options.signatureVersion))
    throw new TypeError("createAliyunProvider: signatureVersion must be 'v1' or 'v3'")
  const endpoint = checkedEndpoint(options.endpoint ?? ALIYUN_DEFAULT_ENDPOINT)
  const timeoutMs = options.timeoutMs ?? 5000
  const signatureVersion = options.signatureVersion ?? 'v1'
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? ALIYUN_DEFAULT_BATCH_SIZE))
  const maxListBytes = ALIYUN_MAX_BATCH_LIST_BYTES
  const concurrency = Math.max(1, Math.floor(options.batchConcurrency ?? 8))
  const specId = options.remainSpecId ?? 2
  const now = options.now ?? (() => new Date())
  const nonce = options.nonce ?? (() => randomUUID())
  const transport = resolveTransport(options.transport, {
    timeoutMs,
    ...(options.axios === undefined ? {} : { axios: options.axios }),
  })

  // -------------------------------------------------------------------------------------------
  // one call
  // -------------------------------------------------------------------------------------------

  // Written as a plain async task rather than a TE pipeline: it runs on every call, and each
  // fp-ts combinator costs an argument copy and a promise hop (measured by the benchmark).
  const call =
    <A>(
      action: string,
      query: ReadonlyArray<Param>,
      codec: t.Decoder<unknown, A>,
      operation: string,
    ): TE.TaskEither<PrivacyNumberError, A> =>
    async () => {
      let signed: SignedRequest
      try {
        signed = signRequest({
          endpoint,
          action,
          params: query,
          accessKeyId,
          accessKeySecret,
          signatureVersion,
          timestamp: now(),
          nonce: nonce(),
        })
      } catch (e) {
        // Bad input, nothing sent: percent-encoding throws a URIError on a lone UTF-16
        // surrogate; a parameter that is not text (a type hole upstream) throws a TypeError.
        return left(
          invalidArgument(
            'request',
            e instanceof URIError
              ? `${operation}: a text field holds a character that cannot be sent (lone surrogate)`
              : `${operation}: ${e instanceof Error ? e.message : 'the request cannot be signed'}`,
          ),
        )
      }
      // Named fields, not `{ ...signed, timeoutMs }`: a spread plus more properties costs
      // ≈ 0.5 µs on Node 20's V8 (core's validated.ts).
      const res = await transport({
        method: signed.method,
        url: signed.url,
        headers: signed.headers,
        timeoutMs,
      })()
      if (res._tag === 'Left') return left({ ...res.left, vendor: VENDOR })
      return decodeAnswer(res.right, operation, codec)
    }

  // -------------------------------------------------------------------------------------------
  // bind
  // -------------------------------------------------------------------------------------------

  const prepare = (req: BindRequest): E.Either<PrivacyNumberError, PreparedBind> => {
    const valid = validateBindRequest(req, now())
    if (valid._tag === 'Left') return valid
    const r = valid.right
    if (r.kind === 'AXB' && r.b === undefined)
      return left(invalidArgument('b', 'b is required: Aliyun BindAxb needs PhoneNoB'))
    if (r.group !== undefined && 'id' in r.group && !/^\d+$/.test(r.group.id))
      return left(invalidArgument('group.id', 'an Aliyun GroupId is a decimal number'))
    if (r.select?.byParty !== undefined)
      return left(
        unsupported(
          'bind',
          'Aliyun cannot pick X by the city of A or B; pass select.city instead',
          {
            vendor: VENDOR,
          },
        ),
      )
    const cities = expectCities(r)
    return cities._tag === 'Left' ? cities : E.right({ request: r, cities: cities.right })
  }

  const wireOf = (r: ValidBindRequest, city: string | undefined, groupId?: string): BindWire => ({
    a: r.a,
    ...(r.b === undefined ? {} : { b: r.b }),
    ...(r.x === undefined ? {} : { x: r.x }),
    ...(city === undefined ? {} : { expectCity: city }),
    expiresAt: r.expiresAt,
    record: r.record,
    ...(r.outId === undefined ? {} : { outId: r.outId }),
    ...(groupId === undefined ? {} : { groupId }),
  })

  const toBinding = (
    r: ValidBindRequest,
    subscriptionId: string,
    x: string,
    groupId: string | undefined,
  ): Binding => ({
    ref: formatRef({ vendor: VENDOR, pool: poolKey, kind: r.kind, subscriptionId, x }),
    vendor: VENDOR,
    kind: r.kind,
    subscriptionId,
    x,
    a: r.a,
    ...(r.b === undefined ? {} : { b: r.b }),
    ...(groupId === undefined ? {} : { groupId }),
    expiresAt: r.expiresAt,
    ...(r.outId === undefined ? {} : { outId: r.outId }),
  })

  // Aliyun has no degrade list: try each city in order, moving on only after a definite
  // NoAvailableNumber (any other answer, or an unknown outcome, stops).
  const bindInCities = (
    p: PreparedBind,
    groupId: string | undefined,
    startAt = 0,
  ): TE.TaskEither<PrivacyNumberError, Binding> => {
    const action = BIND_ACTION[p.request.kind]
    const attempt = async (i: number): Promise<E.Either<PrivacyNumberError, Binding>> => {
      const city = p.cities[i]
      const r = await call(
        action,
        bindParams(poolKey, wireOf(p.request, city, groupId)),
        BindAnswer,
        'bind',
      )()
      if (r._tag === 'Right')
        return E.right(
          toBinding(
            p.request,
            r.right.SecretBindDTO.SubsId,
            r.right.SecretBindDTO.SecretNo,
            groupId,
          ),
        )
      const e = r.left
      return e._tag === 'NoAvailableNumber' &&
        e.outcome === 'not-applied' &&
        i + 1 < p.cities.length
        ? attempt(i + 1)
        : left(e)
    }
    return () => attempt(startAt)
  }

  const createGroupWire = (
    name: string,
    numbers: ReadonlyArray<string>,
    operation: string,
  ): TE.TaskEither<PrivacyNumberError, string> =>
    pipe(
      call(
        'CreateAxgGroup',
        params({ PoolKey: poolKey, Name: name, Numbers: numbers.join(',') }),
        CreateGroupAnswer,
        operation,
      ),
      TE.map((a) => a.GroupId),
    )

  const deleteGroupWire = (groupId: string, operation: string) =>
    pipe(
      call(
        'DeleteAxgGroup',
        params({ PoolKey: poolKey, GroupId: groupId }),
        EmptyAnswer,
        operation,
      ),
      TE.map(() => undefined),
    )

  // A request with a new inline group creates the group first; if the bind then certainly
  // failed, the group is deleted again (best effort) so failures leave nothing behind.
  const withGroup = (
    r: ValidBindRequest,
    run: (groupId: string | undefined) => TE.TaskEither<PrivacyNumberError, Binding>,
  ): TE.TaskEither<PrivacyNumberError, Binding> => {
    const g = r.group
    if (g === undefined) return run(undefined)
    if ('id' in g) return run(g.id)
    return pipe(
      createGroupWire(g.name, g.numbers, 'bind'),
      TE.chain((groupId) =>
        pipe(
          run(groupId),
          TE.orElse((e) =>
            e.outcome === 'not-applied'
              ? pipe(
                  deleteGroupWire(groupId, 'bind'),
                  TE.fold(
                    () => TE.left(e),
                    () => TE.left(e),
                  ),
                )
              : TE.left(e),
          ),
        ),
      ),
    )
  }

  // Validation runs when the task runs (the expiry window is checked against that moment). Not
  // an async function: it hands on the inner task's promise without an extra await hop.
  const bind =
    (req: BindRequest): TE.TaskEither<PrivacyNumberError, Binding> =>
    () => {
      const p = prepare(req)
      if (p._tag === 'Left') return Promise.resolve(p)
      return withGroup(p.right.request, (groupId) => bindInCities(p.right, groupId))()
    }

  // -------------------------------------------------------------------------------------------
  // bindBatch
  // -------------------------------------------------------------------------------------------

  const defect = (e: unknown): PrivacyNumberError =>
    makeError('Unknown', `bindBatch: unexpected defect: ${String(e)}`, { vendor: VENDOR })

  interface AxgSlot {
    readonly index: number
    readonly prepared: PreparedBind
    readonly groupId: string
  }

  const itemOf = (s: AxgSlot): Record<string, unknown> =>
    batchItem({
      ...wireOf(s.prepared.request, s.prepared.cities[0], s.groupId),
      groupId: s.groupId,
    })

  // Chunks of at most `batchSize` items and ALIYUN_MAX_BATCH_LIST_BYTES encoded bytes, in order.
  const chunked = (slots: ReadonlyArray<AxgSlot>): AxgSlot[][] => {
    const chunks: AxgSlot[][] = []
    let current: AxgSlot[] = []
    let bytes = 2 // the encoded brackets of the JSON array
    for (const slot of slots) {
      const size = encodeURIComponent(JSON.stringify(itemOf(slot))).length + 3 // + encoded comma
      if (current.length > 0 && (current.length >= batchSize || bytes + size > maxListBytes)) {
        chunks.push(current)
        current = []
        bytes = 2
      }
      current.push(slot)
      bytes += size
    }
    if (current.length > 0) chunks.push(current)
    return chunks
  }

  // One BindBatchAxg call for a chunk; each item's own Code decides its Right/Left. A failure of
  // the whole call is every item's failure.
  const sendChunk = (
    chunk: ReadonlyArray<AxgSlot>,
  ): TE.TaskEither<never, ReadonlyArray<E.Either<PrivacyNumberError, Binding>>> =>
    pipe(
      call('BindBatchAxg', batchParams(poolKey, chunk.map(itemOf)), BatchAnswer, 'bindBatch'),
      TE.chainEitherK((answer) => {
        const items = answer.SecretBindList.SecretBind ?? []
        return items.length === chunk.length
          ? E.right(items)
          : left<typeof items>(
              makeError(
                'InvalidResponse',
                `bindBatch: Aliyun answered ${items.length} items for ${chunk.length}`,
                { vendor: VENDOR },
              ),
            )
      }),
      TE.map((items) =>
        chunk.map((slot, i): E.Either<PrivacyNumberError, Binding> => {
          const item = items[i]
          if (item === undefined) return left(defect('missing item'))
          if (item.Code !== 'OK') return left(mapVendorItemError(item.Code, item.Message))
          if (item.SubsId === undefined || item.SecretNo === undefined || item.SecretNo === '')
            return left(
              makeError('InvalidResponse', 'bindBatch: an OK item has no SubsId or SecretNo', {
                vendor: VENDOR,
              }),
            )
          return E.right(toBinding(slot.prepared.request, item.SubsId, item.SecretNo, slot.groupId))
        }),
      ),
      TE.orElseW((e) => TE.right(chunk.map(() => left<Binding>(e)))),
    )

  // After the batch, an item that found no number in its first city moves on to its fallback
  // cities one bind at a time (the batch call has no degrade list either).
  const retryFallbacks = (
    slot: AxgSlot,
    result: E.Either<PrivacyNumberError, Binding>,
  ): TE.TaskEither<PrivacyNumberError, Binding> =>
    E.isLeft(result) && result.left._tag === 'NoAvailableNumber' && slot.prepared.cities.length > 1
      ? bindInCities(slot.prepared, slot.groupId, 1)
      : TE.fromEither(result)

  const bindBatch =
    (
      reqs: ReadonlyArray<BindRequest>,
    ): TE.TaskEither<PrivacyNumberError, ReadonlyArray<E.Either<PrivacyNumberError, Binding>>> =>
    async () => {
      const results: E.Either<PrivacyNumberError, Binding>[] = new Array(reqs.length)
      const axg: Array<{ index: number; prepared: PreparedBind }> = []
      const singles: Array<{ index: number; req: BindRequest }> = []
      reqs.forEach((req, index) => {
        const p = prepare(req)
        if (E.isLeft(p)) results[index] = p
        else if (p.right.request.kind === 'AXG') axg.push({ index, prepared: p.right })
        else singles.push({ index, req })
      })
      // AXG items with a new inline group get their group first, one CreateAxgGroup each.
      const grouped = await mapWithConcurrency(
        axg,
        concurrency,
        ({ prepared }) => {
          const g = prepared.request.group
          if (g === undefined) return TE.left(invalidArgument('group', 'group is required for AXG'))
          return 'id' in g ? TE.right(g.id) : createGroupWire(g.name, g.numbers, 'bindBatch')
        },
        defect,
      )()
      const slots: AxgSlot[] = []
      if (E.isRight(grouped))
        grouped.right.forEach((g, i) => {
          const item = axg[i]
          if (item === undefined) return
          if (E.isLeft(g)) results[item.index] = g
          else slots.push({ index: item.index, prepared: item.prepared, groupId: g.right })
        })
      const chunks = chunked(slots)
      const [chunkResults, singleResults] = await Promise.all([
        mapWithConcurrency(chunks, concurrency, sendChunk, defect)(),
        mapWithConcurrency(singles, concurrency, ({ req }) => bind(req), defect)(),
      ])
      const firstPass: Array<{ slot: AxgSlot; result: E.Either<PrivacyNumberError, Binding> }> = []
      if (E.isRight(chunkResults))
        chunkResults.right.forEach((r, c) => {
          const chunk = chunks[c] ?? []
          chunk.forEach((slot, i) => {
            const result = E.isRight(r)
              ? (r.right[i] ?? left<Binding>(defect('missing item')))
              : left<Binding>(r.left)
            firstPass.push({ slot, result })
          })
        })
      const finalAxg = await mapWithConcurrency(
        firstPass,
        concurrency,
        ({ slot, result }) => retryFallbacks(slot, result),
        defect,
      )()
      if (E.isRight(finalAxg))
        finalAxg.right.forEach((r, i) => {
          const entry = firstPass[i]
          if (entry !== undefined) results[entry.slot.index] = r
        })
      if (E.isRight(singleResults))
        singleResults.right.forEach((r, i) => {
          const entry = singles[i]
          if (entry !== undefined) results[entry.index] = r
        })
      for (let i = 0; i < results.length; i++)
        if (results[i] === undefined) results[i] = left(defect('no result'))
      return E.right(results)
    }

  // -------------------------------------------------------------------------------------------
  // binding operations by ref
  // -------------------------------------------------------------------------------------------

  const refOf = (ref: string): E.Either<PrivacyNumberError, RefParts> =>
    pipe(
      parseRef(ref),
      E.chainW((parts) =>
        parts.vendor === VENDOR
          ? E.right(parts)
          : left<RefParts>(invalidArgument('ref', `ref belongs to ${parts.vendor}, not ${VENDOR}`)),
      ),
    )

  const unbind = (ref: string): TE.TaskEither<PrivacyNumberError, void> =>
    pipe(
      TE.fromEither(refOf(ref)),
      TE.chain((p) =>
        call(
          'UnbindSubscription',
          params({ PoolKey: p.pool, SubsId: p.subscriptionId, SecretNo: p.x }),
          EmptyAnswer,
          'unbind',
        ),
      ),
      TE.map(() => undefined),
      // Not found (or expired) counts as done: the binding is gone either way.
      TE.orElse((e) => (e._tag === 'BindingNotFound' ? TE.right(undefined) : TE.left(e))),
    )

  const update = (ref: string, change: BindingUpdate): TE.TaskEither<PrivacyNumberError, void> =>
    pipe(
      TE.fromEither(
        pipe(
          E.Do,
          E.apS('p', refOf(ref)),
          E.apSW('c', validateBindingUpdate(change, now())),
          E.chainW(({ p, c }) =>
            c.groupId !== undefined && p.kind !== 'AXG'
              ? left<{ p: RefParts; c: BindingUpdate }>(
                  invalidArgument('groupId', `groupId can change only on AXG, not ${p.kind}`),
                )
              : c.groupId !== undefined && !/^\d+$/.test(c.groupId)
                ? left<{ p: RefParts; c: BindingUpdate }>(
                    invalidArgument('groupId', 'an Aliyun GroupId is a decimal number'),
                  )
                : E.right({ p, c }),
          ),
        ),
      ),
      TE.chain(({ p, c }) =>
        applyFieldByField(c, (field) => {
          const op = UPDATE_OPERATION[field]
          const value = c[field]
          const wireValue =
            value instanceof Date ? formatBeijing(value) : value === undefined ? '' : value
          return pipe(
            call(
              'UpdateSubscription',
              params({
                PoolKey: p.pool,
                SubsId: p.subscriptionId,
                PhoneNoX: p.x,
                OperateType: op.type,
                [op.param]: wireValue,
              }),
              EmptyAnswer,
              'update',
            ),
            TE.map(() => undefined),
          )
        }),
      ),
    )

  const query = (ref: string): TE.TaskEither<PrivacyNumberError, Binding> =>
    pipe(
      TE.fromEither(refOf(ref)),
      TE.chain((p) =>
        pipe(
          call(
            'QuerySubscriptionDetail',
            params({ PoolKey: p.pool, SubsId: p.subscriptionId, PhoneNoX: p.x }),
            DetailAnswer,
            'query',
          ),
          TE.chainEitherK((a) => detailToBinding(p, a.SecretBindDetailDTO)),
        ),
      ),
    )

  // -------------------------------------------------------------------------------------------
  // groups
  // -------------------------------------------------------------------------------------------

  const groupIdOf = (id: unknown): E.Either<PrivacyNumberError, string> =>
    pipe(
      validateGroupId(id),
      E.chainW((g) =>
        /^\d+$/.test(g)
          ? E.right(g)
          : left<string>(invalidArgument('groupId', 'an Aliyun GroupId is a decimal number')),
      ),
    )

  const createGroup = (g: GroupInput) =>
    pipe(
      TE.fromEither(validateGroupInput(g, now())),
      TE.chainW((v) => createGroupWire(v.name, v.numbers, 'createGroup')),
      TE.map((groupId) => ({ groupId })),
    )

  const operateGroup = (groupId: string, type: string, numbers: ReadonlyArray<string>) =>
    pipe(
      call(
        'OperateAxgGroup',
        params({
          PoolKey: poolKey,
          GroupId: groupId,
          OperateType: type,
          Numbers: numbers.join(','),
        }),
        EmptyAnswer,
        'updateGroup',
      ),
      TE.map(() => undefined),
    )

  const updateGroup = (
    groupId: string,
    change: GroupChange,
  ): TE.TaskEither<PrivacyNumberError, void> =>
    pipe(
      TE.fromEither(
        pipe(
          E.Do,
          E.apS('id', groupIdOf(groupId)),
          E.apSW('c', validateGroupChange(change)),
          E.chainW(({ id, c }) =>
            c.name !== undefined
              ? left<{ id: string; c: GroupChange }>(
                  unsupported('updateGroup', 'Aliyun G groups cannot be renamed', {
                    vendor: VENDOR,
                  }),
                )
              : E.right({ id, c }),
          ),
        ),
      ),
      TE.chain(({ id, c }) => {
        const steps: Array<readonly [string, string, ReadonlyArray<string>]> = []
        if (c.replace !== undefined) steps.push(['replace', 'overwriteNumbers', c.replace])
        if (c.add !== undefined && c.add.length > 0) steps.push(['add', 'addNumbers', c.add])
        if (c.remove !== undefined && c.remove.length > 0)
          steps.push(['remove', 'deleteNumbers', c.remove])
        return async () => {
          const applied: string[] = []
          for (const [name, type, numbers] of steps) {
            const r = await operateGroup(id, type, numbers)()
            if (E.isLeft(r))
              return applied.length === 0
                ? r
                : E.left({
                    ...r.left,
                    message: `${r.left.message} (already applied: ${applied.join(', ')})`,
                    applied: [...applied],
                  })
            applied.push(name)
          }
          return E.right(undefined)
        }
      }),
    )

  const deleteGroup = (groupId: string): TE.TaskEither<PrivacyNumberError, void> =>
    pipe(
      TE.fromEither(groupIdOf(groupId)),
      TE.chain((id) => deleteGroupWire(id, 'deleteGroup')),
    )

  // -------------------------------------------------------------------------------------------
  // extras
  // -------------------------------------------------------------------------------------------

  const remainingNumbers = (city?: string): TE.TaskEither<PrivacyNumberError, RemainingNumbers> =>
    pipe(
      TE.fromEither(city === undefined ? E.right('全国列表') : cityName(city, 'city')),
      TE.chain((name) =>
        pipe(
          call(
            'QuerySecretNoRemain',
            params({ SpecId: specId, City: name }),
            RemainAnswer,
            'remainingNumbers',
          ),
          TE.map(({ SecretRemainDTO: dto }): RemainingNumbers => {
            const list = dto.RemainDTOList?.remainDTO
            const byCity =
              list !== undefined
                ? list.map((c) => ({
                    city: areaCodes.areaCodeOfCity(c.City) ?? c.City,
                    amount: c.Amount,
                  }))
                : city === undefined
                  ? []
                  : [{ city, amount: dto.Amount }]
            return { total: dto.Amount, byCity }
          }),
        ),
      ),
    )

  // QueryRecordFileDownloadUrl refuses timestamps ("CallTime不支持传入时间戳格式"): the call time
  // travels as Beijing wall-clock time. The URL it answers is valid for 2 hours.
  const recordingUrl = (c: {
    readonly callId: string
    readonly callTime?: Date
  }): TE.TaskEither<PrivacyNumberError, string> => {
    if (typeof c?.callId !== 'string' || c.callId.trim() === '')
      return TE.left(invalidArgument('callId', 'callId must be a non-empty string'))
    if (!(c.callTime instanceof Date) || Number.isNaN(c.callTime.getTime()))
      return TE.left(
        invalidArgument('callTime', 'callTime is required: Aliyun finds a recording by call time'),
      )
    return pipe(
      call(
        'QueryRecordFileDownloadUrl',
        params({ PoolKey: poolKey, CallId: c.callId, CallTime: formatBeijing(c.callTime) }),
        RecordUrlAnswer,
        'recordingUrl',
      ),
      TE.map((a) => a.DownloadUrl),
    )
  }

  const provider: AliyunProvider = {
    specificationVersion: 'v1',
    vendor: VENDOR,
    capabilities: ALIYUN_CAPABILITIES,
    bind,
    bindBatch,
    unbind,
    update,
    query,
    createGroup,
    updateGroup,
    deleteGroup,
    remainingNumbers,
    recordingUrl,
    close: async () => {
      await transport.close?.()
    },
  }
  return provider
}

// ---------------------------------------------------------------------------------------------
// helpers (pure)
// ---------------------------------------------------------------------------------------------

function checkedEndpoint(endpoint: string): string {
  let url: URL
  try {
    url = new URL(endpoint)
  } catch {
    throw new TypeError(`createAliyunProvider: endpoint is not a URL`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new TypeError('createAliyunProvider: endpoint must be http(s)')
  return `${url.protocol}//${url.host}`
}

/** An area code → the city name ExpectCity wants ('0531' → '济南'). */
function cityName(code: string, field: string): E.Either<PrivacyNumberError, string> {
  const name = areaCodes.cityOfAreaCode(code)?.city
  return name === undefined
    ? E.left(invalidArgument(field, `${field} ${code} is not an area code the city table knows`))
    : E.right(name)
}

/**
 * The ExpectCity names to try, in order: `select.city`, then each fallback
 * (`PROVINCE_CAPITAL` = the capital of `select.city`'s province), without repeats.
 */
export function expectCities(
  r: ValidBindRequest,
): E.Either<PrivacyNumberError, ReadonlyArray<string>> {
  const select = r.select
  if (select === undefined) return E.right([])
  const names: string[] = []
  if (select.city !== undefined) {
    const first = cityName(select.city, 'select.city')
    if (E.isLeft(first)) return first
    names.push(first.right)
  }
  for (const [i, c] of select.fallbackCities.entries()) {
    const field = `select.fallbackCities[${i}]`
    let code: string | undefined = c
    if (c === PROVINCE_CAPITAL) {
      code = select.city === undefined ? undefined : areaCodes.provinceCapitalOf(select.city)
      if (code === undefined)
        return E.left(invalidArgument(field, `${field} PROVINCE_CAPITAL needs a known select.city`))
    }
    const name = cityName(code, field)
    if (E.isLeft(name)) return name
    if (!names.includes(name.right)) names.push(name.right)
  }
  return E.right(names)
}

function mapVendorItemError(code: string, message: string | undefined): PrivacyNumberError {
  return mapVendorError(
    { code, httpStatus: 200, ...(message === undefined ? {} : { message }) },
    'bindBatch',
  )
}

/** QuerySubscriptionDetail → Binding (the kind comes from the ref; times are Beijing time). */
function detailToBinding(
  p: RefParts,
  d: t.TypeOf<typeof DetailAnswer>['SecretBindDetailDTO'],
): E.Either<PrivacyNumberError, Binding> {
  // Status 0 = expired: for the caller the binding no longer exists.
  if (d.Status === 0)
    return E.left(
      makeError('BindingNotFound', 'query: the binding has expired', {
        vendor: VENDOR,
        vendorCode: 'Status=0',
      }),
    )
  const expiresAt = parseBeijing(d.ExpireDate)
  if (expiresAt === undefined)
    return E.left(
      makeError('InvalidResponse', `query: ExpireDate is not yyyy-MM-dd HH:mm:ss`, {
        vendor: VENDOR,
      }),
    )
  // AXN without B: the vendor invents a nonexistent B; only a real number is reported as b.
  const b = d.PhoneNoB !== undefined && phoneKind(d.PhoneNoB) !== undefined ? d.PhoneNoB : undefined
  const groupId =
    d.GroupId !== undefined && d.GroupId !== '0' && d.GroupId !== '' ? d.GroupId : undefined
  return E.right({
    ref: formatRef(p),
    vendor: VENDOR,
    kind: p.kind,
    subscriptionId: d.SubsId,
    x: d.PhoneNoX === '' ? p.x : d.PhoneNoX,
    a: d.PhoneNoA,
    ...(b === undefined ? {} : { b }),
    ...(groupId === undefined ? {} : { groupId }),
    expiresAt,
  })
}
