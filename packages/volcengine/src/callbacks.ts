/**
 * Volcengine call-event pushes (vendor note §7): verify the `authCode` the platform appends to
 * the callback URL, then decode call status (messageType 1), CDR (2) and recording (3) records
 * into the neutral `CallEvent`. Pure and total: a bad push is a `CallbackRejected`, never a
 * throw.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import {
  callbackRejected,
  fromEpoch,
  type CallbackRoute,
  parseJsonLossless,
  StringOrNumber,
  IntegerLike,
  type CallbackRejected,
  type CallEvent,
  type CallEventType,
  type ReleaseCategory,
} from '@privacy-number/core'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'

const VENDOR = 'volcengine'

/** What a receiver hands over: the raw body and the URL query (`timestamp`, `authCode`). */
export interface VolcengineCallbackInput {
  /** The raw request body, exactly as received (the signature covers its bytes). */
  readonly body: string | Buffer
  /** The query string parameters, as a record (Express, Fastify) or `URLSearchParams`. */
  readonly query:
    URLSearchParams | Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
  /** The account's callback token (10–20 characters, set in the console's 基础设置). */
  readonly authToken: string
  /** Clock for the replay window; default `() => new Date()`. */
  readonly now?: () => Date
  /** Accepted distance between `timestamp` and now; default 300 s. */
  readonly toleranceSeconds?: number
}

// ---------------------------------------------------------------------------------------------
// tables
// ---------------------------------------------------------------------------------------------

/** Status push `eventType` → neutral event type (D:187779). */
const STATUS_EVENTS: Readonly<Record<number, CallEventType>> = {
  1: 'call-started',
  2: 'ringing',
  3: 'answered',
  4: 'call-ended',
}

/** CDR `callResult` (vendor note §7, D:173383) → release category. */
export const VOLCENGINE_CALL_RESULTS: Readonly<Record<number, ReleaseCategory>> = {
  1: 'normal', // connected
  2: 'unreachable', // powered off
  3: 'unreachable', // suspended
  4: 'unreachable', // empty number
  5: 'no-answer', // caller hung up before the answer
  6: 'unreachable',
  7: 'no-answer',
  8: 'busy',
  9: 'rejected',
  10: 'unreachable', // callee unreachable
  11: 'busy', // line busy
  12: 'blocked', // no permission
  13: 'no-binding',
  14: 'failed', // network busy
  15: 'failed', // routing failed
  16: 'failed', // X abnormal
  17: 'blocked', // outbound restricted
  18: 'blocked', // inbound restricted
  19: 'no-answer', // timeout
  20: 'failed', // platform error
  // 21, 22: "hang-up variants", not described further: left 'unknown'.
  23: 'blocked', // risk-limited (A→B, B restricted)
  24: 'blocked',
  25: 'blocked',
  26: 'blocked',
  27: 'blocked', // carrier blacklist / over-frequency
  28: 'no-answer', // not picked up in time
  29: 'blocked', // callee blacklist
  30: 'blocked', // call over-frequency
  31: 'failed', // account concurrency
  32: 'failed', // trunk concurrency
  33: 'failed', // validation failed
  34: 'failed', // no number selected
  35: 'failed', // decryption failed
}

// ---------------------------------------------------------------------------------------------
// codecs
// ---------------------------------------------------------------------------------------------

const Parties = t.partial({
  caller: StringOrNumber,
  callee: StringOrNumber,
  phoneNoX: StringOrNumber,
  phoneNoA: StringOrNumber,
  phoneNoB: StringOrNumber,
  subscriptionId: StringOrNumber,
  userData: t.union([t.string, t.null]),
  outId: t.union([t.string, t.null]),
})

const Kind = t.type({ messageType: IntegerLike })

const StatusRecord = t.intersection([
  t.type({ callId: StringOrNumber, eventType: IntegerLike, eventTime: IntegerLike }),
  Parties,
])

const CdrRecord = t.intersection([
  t.type({ callId: StringOrNumber }),
  t.partial({
    beginCallTime: IntegerLike,
    ringTime: IntegerLike,
    startTime: IntegerLike,
    endTime: IntegerLike,
    cdrCreateTime: IntegerLike,
    callDuration: IntegerLike,
    callResult: IntegerLike,
  }),
  Parties,
])

const RecordingRecord = t.intersection([
  t.type({ callId: StringOrNumber }),
  t.partial({
    audioRecordUrl: t.union([t.string, t.null]),
    audioRecordLeftUrl: t.union([t.string, t.null]),
    audioRecordRightUrl: t.union([t.string, t.null]),
  }),
  Parties,
])

// ---------------------------------------------------------------------------------------------
// decoding
// ---------------------------------------------------------------------------------------------

type Result = E.Either<CallbackRejected, CallEvent>

const malformed = (why: string): E.Either<CallbackRejected, never> =>
  E.left(callbackRejected(VENDOR, 'malformed', `volcengine push ${why}`))

const set = (s: string | null | undefined): s is string => s !== undefined && s !== null && s !== ''

// Epoch-ms fields use 0 for "did not happen" (startTime of an unanswered call).
const msTime = (v: number | undefined): Date | undefined =>
  v === undefined || v <= 0 ? undefined : fromEpoch(v, 'ms')

const common = (r: t.TypeOf<typeof Parties> & { callId: string }, raw: unknown) => ({
  vendor: VENDOR,
  callId: r.callId,
  ...(set(r.subscriptionId) ? { subscriptionId: r.subscriptionId } : {}),
  ...(set(r.phoneNoX) ? { x: r.phoneNoX } : {}),
  ...(set(r.caller) ? { caller: r.caller } : {}),
  ...(set(r.callee) ? { callee: r.callee } : {}),
  ...(set(r.outId) ? { outId: r.outId } : {}),
  ...(set(r.userData) ? { userData: r.userData } : {}),
  raw,
})

const decodeWith = <A>(codec: t.Decoder<unknown, A>, u: unknown, what: string) => {
  const r = codec.decode(u)
  return E.isLeft(r) ? malformed(`is not a valid ${what} record`) : E.right(r.right)
}

const statusEvent = (u: unknown): Result =>
  E.chain((r: t.TypeOf<typeof StatusRecord>): Result => {
    const type = STATUS_EVENTS[r.eventType]
    if (type === undefined)
      return E.left(
        callbackRejected(VENDOR, 'unsupported', `volcengine eventType ${r.eventType} is unknown`),
      )
    const at = fromEpoch(r.eventTime, 's')
    if (at === undefined) return malformed('has an invalid eventTime')
    return E.right({ ...common(r, u), type, at })
  })(decodeWith(StatusRecord, u, 'call status'))

const cdrEvent = (u: unknown): Result =>
  E.chain((r: t.TypeOf<typeof CdrRecord>): Result => {
    const endedAt = msTime(r.endTime)
    const at = endedAt ?? msTime(r.cdrCreateTime)
    if (at === undefined) return malformed('CDR has neither endTime nor cdrCreateTime')
    const startedAt = msTime(r.beginCallTime)
    const answeredAt = msTime(r.startTime)
    const category =
      r.callResult === undefined ? undefined : (VOLCENGINE_CALL_RESULTS[r.callResult] ?? 'unknown')
    return E.right({
      ...common(r, u),
      type: 'call-ended',
      at,
      ...(startedAt === undefined ? {} : { startedAt }),
      ...(answeredAt === undefined ? {} : { answeredAt }),
      ...(endedAt === undefined ? {} : { endedAt }),
      durationSec: r.callDuration ?? 0,
      ...(r.callResult === undefined || category === undefined
        ? {}
        : { releaseCause: { raw: String(r.callResult), category } }),
    })
  })(decodeWith(CdrRecord, u, 'CDR'))

const recordingEvent =
  (now: Date) =>
  (u: unknown): Result =>
    E.chain((r: t.TypeOf<typeof RecordingRecord>): Result => {
      // Split-track recordings leave the mixed URL empty; the left track is the caller's.
      const url = set(r.audioRecordUrl)
        ? r.audioRecordUrl
        : set(r.audioRecordLeftUrl)
          ? r.audioRecordLeftUrl
          : undefined
      if (url === undefined) return malformed('recording has no audioRecordUrl')
      // The record carries no time of its own: it is ready now.
      return E.right({ ...common(r, u), type: 'recording-ready', at: now, recordingUrl: url })
    })(decodeWith(RecordingRecord, u, 'recording'))

const BY_MESSAGE_TYPE = (now: Date): Readonly<Record<number, (u: unknown) => Result>> => ({
  1: statusEvent,
  2: cdrEvent,
  3: recordingEvent(now),
})

const decodeRecord = (u: unknown, now: Date): Result => {
  const kind = Kind.decode(u)
  if (E.isLeft(kind)) return malformed('record has no messageType')
  const decode = BY_MESSAGE_TYPE(now)[kind.right.messageType]
  return decode === undefined
    ? E.left(
        callbackRejected(
          VENDOR,
          'unsupported',
          `volcengine messageType ${kind.right.messageType} is not a call event`,
        ),
      )
    : decode(u)
}

// ---------------------------------------------------------------------------------------------
// verification
// ---------------------------------------------------------------------------------------------

const queryValue = (q: VolcengineCallbackInput['query'], name: string): string | undefined => {
  if (q instanceof URLSearchParams) return q.get(name) ?? undefined
  if (typeof q !== 'object' || q === null) return undefined
  const v = (q as Readonly<Record<string, unknown>>)[name]
  if (typeof v === 'string') return v
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0]
  return undefined
}

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex')

/** The authCode for a push: hex(sha256(timestamp + hex(sha256(body)) + authToken)). */
export function volcengineAuthCode(
  timestamp: string,
  body: string | Buffer,
  authToken: string,
): string {
  return sha256Hex(timestamp + sha256Hex(body) + authToken)
}

const sameCode = (expected: string, given: string): boolean => {
  const a = Buffer.from(expected, 'utf8')
  const b = Buffer.from(given.toLowerCase(), 'utf8')
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * Verifies and decodes one Volcengine push: the `authCode` (constant-time compare), the
 * `timestamp` window (replay), then the record(s) — one object or an array — into `CallEvent`s.
 */
export function parseVolcengineCallback(
  input: VolcengineCallbackInput,
): E.Either<CallbackRejected, ReadonlyArray<CallEvent>> {
  if (typeof input !== 'object' || input === null)
    return E.left(callbackRejected(VENDOR, 'malformed', 'no callback input'))
  const { body, query, authToken } = input
  if (typeof body !== 'string' && !Buffer.isBuffer(body))
    return E.left(callbackRejected(VENDOR, 'malformed', 'body must be the raw string or Buffer'))
  if (typeof authToken !== 'string' || authToken === '')
    return E.left(callbackRejected(VENDOR, 'signature', 'no authToken to verify the push with'))
  const timestamp = queryValue(query, 'timestamp')
  const authCode = queryValue(query, 'authCode')
  if (timestamp === undefined || authCode === undefined || authCode === '')
    return E.left(callbackRejected(VENDOR, 'signature', 'timestamp or authCode is missing'))
  if (!sameCode(volcengineAuthCode(timestamp, body, authToken), authCode))
    return E.left(callbackRejected(VENDOR, 'signature', 'authCode does not match'))
  const now = (input.now ?? (() => new Date()))()
  const tolerance = input.toleranceSeconds ?? 300
  const signedAt = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : NaN
  if (!Number.isFinite(signedAt) || Math.abs(now.getTime() / 1000 - signedAt) > tolerance)
    return E.left(
      callbackRejected(VENDOR, 'stale', `timestamp is outside the ±${tolerance} s window`),
    )
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : body
  const parsed = parseJsonLossless(text)
  if (E.isLeft(parsed)) return malformed('body is not JSON')
  const records: ReadonlyArray<unknown> = Array.isArray(parsed.right)
    ? parsed.right
    : [parsed.right]
  if (records.length === 0) return malformed('body is an empty array')
  const events: CallEvent[] = []
  for (const record of records) {
    if (typeof record !== 'object' || record === null || Array.isArray(record))
      return malformed('record is not an object')
    const r = decodeRecord(record, now)
    if (E.isLeft(r)) return r
    events.push(r.right)
  }
  return E.right(events)
}

// ---------------------------------------------------------------------------------------------
// receiver route
// ---------------------------------------------------------------------------------------------

/** Options of `volcengineCallbackRoute`. */
export interface VolcengineCallbackRouteOptions {
  /** The account's callback token. */
  readonly authToken: string
  /** Only pushes to this path (default: every path whose query carries `authCode`). */
  readonly path?: string
  readonly toleranceSeconds?: number
  readonly now?: () => Date
}

/**
 * The Volcengine route for core's `createCallbackHandler`: recognises pushes by their
 * `authCode` query parameter (or a path), verifies and parses them, and answers a plain 200
 * (the vendor looks only at the status code).
 */
export function volcengineCallbackRoute(options: VolcengineCallbackRouteOptions): CallbackRoute {
  return {
    vendor: 'volcengine',
    matches: (req) =>
      options.path === undefined ? req.query.has('authCode') : req.path === options.path,
    parse: (req) =>
      parseVolcengineCallback({
        body: req.body,
        query: req.query,
        authToken: options.authToken,
        ...(options.now === undefined ? {} : { now: options.now }),
        ...(options.toleranceSeconds === undefined
          ? {}
          : { toleranceSeconds: options.toleranceSeconds }),
      }),
    accepted: { status: 200, contentType: 'application/json', body: '{"code":0}' },
  }
}
