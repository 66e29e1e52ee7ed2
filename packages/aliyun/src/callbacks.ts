/**
 * Aliyun call receipts (回执消息, vendor note §5) → core `CallEvent`s. Two deliveries carry the
 * same records: the HTTP batch push (a JSON array per request) and MNS queue messages (Base64
 * of one JSON object). Aliyun does not sign its HTTP pushes, so there is nothing to verify;
 * records are decoded with io-ts after a lossless JSON parse, because `sub_id` and `id` are
 * 16+ digit numbers that must stay exact. Decoding never throws.
 */
import {
  fields,
  callbackRejected,
  fromEpoch,
  parseBeijing,
  type CallbackRoute,
  parseJsonLossless,
  StringOrNumber,
  type CallbackRejected,
  type CallEvent,
  type CallEventType,
  type ReleaseCategory,
} from '@privacy-number/core'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import type * as t from 'io-ts'
import { VENDOR } from './errors'

/** The receipt types this parser understands. */
export type AliyunReceiptType =
  | 'SecretStartReport'
  | 'SecretRingReport'
  | 'SecretPickUpReport'
  | 'SecretReport'
  | 'SecretRecording'

/** A push as received: the message type the endpoint (or queue) is configured for, and the body. */
export interface AliyunCallbackInput {
  readonly type: string
  readonly body: string | Uint8Array
}

/** The receipt type → the neutral event type. */
export const ALIYUN_EVENT_TYPES: Readonly<Record<AliyunReceiptType, CallEventType>> = {
  SecretStartReport: 'call-started',
  SecretRingReport: 'ringing',
  SecretPickUpReport: 'answered',
  SecretReport: 'call-ended',
  SecretRecording: 'recording-ready',
}

/** SecretReport `release_cause` (Q.850-style) → category; anything else is 'unknown'. */
export const ALIYUN_RELEASE_CAUSES: Readonly<Record<string, ReleaseCategory>> = {
  '1': 'unreachable', // unallocated number
  '3': 'unreachable', // no route to destination
  '16': 'normal', // normal call clearing
  '17': 'busy', // user busy
  '18': 'no-answer', // no user responding
  '19': 'no-answer', // no answer (alerted)
  '20': 'unreachable', // subscriber absent (powered off)
  '21': 'rejected', // call rejected
  '22': 'unreachable', // number changed
  '27': 'unreachable', // destination out of order
  '28': 'failed', // invalid number format
  '31': 'normal', // normal, unspecified
  '34': 'failed', // no circuit available
  '38': 'failed', // network out of order
  '41': 'failed', // temporary failure
  '42': 'failed', // switching equipment congestion
  '44': 'failed', // requested circuit not available
  '102': 'no-answer', // recovery on timer expiry
  '127': 'failed', // interworking, unspecified
}

/** `unconnected_cause` (0 normal) → why the platform did not connect the call. */
export const ALIYUN_UNCONNECTED_CAUSES: Readonly<Record<string, ReleaseCategory>> = {
  '1': 'blocked', // blacklist
  '2': 'no-binding', // no binding on this X for the caller
  '3': 'blocked', // call restriction
  '4': 'failed', // other
}

// ---------------------------------------------------------------------------------------------
// codecs
// ---------------------------------------------------------------------------------------------

const Receipt = fields(
  { call_id: StringOrNumber },
  {
    phone_no: StringOrNumber,
    secret_no: StringOrNumber,
    peer_no: StringOrNumber,
    out_id: StringOrNumber,
    sub_id: StringOrNumber,
    subs_id: StringOrNumber,
    id: StringOrNumber,
    pool_key: StringOrNumber,
    call_type: StringOrNumber,
    call_time: StringOrNumber,
    ring_time: StringOrNumber,
    start_time: StringOrNumber,
    release_time: StringOrNumber,
    release_cause: StringOrNumber,
    unconnected_cause: StringOrNumber,
    control_msg: StringOrNumber,
    record_url: StringOrNumber,
  },
)
type Receipt = t.TypeOf<typeof Receipt>

// ---------------------------------------------------------------------------------------------
// mapping
// ---------------------------------------------------------------------------------------------

const isReceiptType = (s: string): s is AliyunReceiptType =>
  Object.prototype.hasOwnProperty.call(ALIYUN_EVENT_TYPES, s)

const present = (s: string | undefined): string | undefined =>
  s === undefined || s.trim() === '' ? undefined : s

const beijing = (s: string | undefined): Date | undefined =>
  present(s) === undefined ? undefined : parseBeijing((s ?? '').trim())

// call_type 0: A called the peer; 1: the peer (B, an N, a G member) called A.
const parties = (r: Receipt): { caller?: string; callee?: string } => {
  const a = present(r.phone_no)
  const peer = present(r.peer_no)
  const pair = (caller?: string, callee?: string) => ({
    ...(caller === undefined ? {} : { caller }),
    ...(callee === undefined ? {} : { callee }),
  })
  if (r.call_type === '0') return pair(a, peer)
  if (r.call_type === '1') return pair(peer, a)
  return {}
}

const releaseCategory = (r: Receipt): ReleaseCategory => {
  if (r.control_msg === 'NO_SUBS_EXIST') return 'no-binding'
  const unconnected = ALIYUN_UNCONNECTED_CAUSES[r.unconnected_cause ?? '0']
  if (unconnected !== undefined) return unconnected
  return ALIYUN_RELEASE_CAUSES[r.release_cause ?? ''] ?? 'unknown'
}

type Timed = Pick<
  CallEvent,
  'at' | 'startedAt' | 'answeredAt' | 'endedAt' | 'durationSec' | 'releaseCause' | 'recordingUrl'
>

// Each type's times: which field is "when this happened", and the extra call-ended data.
const TIMES: Readonly<Record<AliyunReceiptType, (r: Receipt) => E.Either<string, Timed>>> = {
  SecretStartReport: (r) => at(beijing(r.call_time), 'call_time'),
  SecretRingReport: (r) => at(beijing(r.ring_time) ?? beijing(r.call_time), 'ring_time'),
  SecretPickUpReport: (r) =>
    pipe(
      at(beijing(r.start_time) ?? beijing(r.call_time), 'start_time'),
      E.map((timed) => ({ ...timed, answeredAt: timed.at })),
    ),
  SecretReport: (r) => {
    const endedAt = beijing(r.release_time)
    if (endedAt === undefined) return E.left('release_time is not yyyy-MM-dd HH:mm:ss')
    const startedAt = beijing(r.call_time)
    const talkStart = beijing(r.start_time)
    // start_time equals release_time when the call was not answered: talk time 0.
    const durationSec =
      talkStart === undefined
        ? 0
        : Math.max(0, Math.round((endedAt.getTime() - talkStart.getTime()) / 1000))
    const recordingUrl = present(r.record_url)
    return E.right({
      at: endedAt,
      ...(startedAt === undefined ? {} : { startedAt }),
      ...(durationSec > 0 && talkStart !== undefined ? { answeredAt: talkStart } : {}),
      endedAt,
      durationSec,
      releaseCause: { raw: r.release_cause ?? '', category: releaseCategory(r) },
      ...(recordingUrl === undefined ? {} : { recordingUrl }),
    })
  },
  // SecretRecording's call_time is epoch milliseconds (older pages show the Beijing string).
  SecretRecording: (r) =>
    at(
      r.call_time !== undefined && /^\d+$/.test(r.call_time)
        ? fromEpoch(r.call_time, 'ms')
        : beijing(r.call_time),
      'call_time',
    ),
}

function at(d: Date | undefined, field: string): E.Either<string, Timed> {
  return d === undefined ? E.left(`${field} is missing or not a valid time`) : E.right({ at: d })
}

const toEvent = (
  type: AliyunReceiptType,
  raw: unknown,
  index: number,
): E.Either<string, CallEvent> =>
  pipe(
    Receipt.decode(raw),
    E.mapLeft((errors) => {
      const e = errors[0]
      const key = e?.context[e.context.length - 1]?.key ?? 'record'
      return `record ${index}: ${key} ${e?.message ?? 'is missing or has the wrong type'}`
    }),
    E.chain((r) =>
      pipe(
        TIMES[type](r),
        E.mapLeft((why) => `record ${index}: ${why}`),
        E.map((timed): CallEvent => {
          // Both spellings occur (sub_id in the current pages, subs_id in older and MNS ones);
          // 0 means "no binding".
          const sub = present(r.sub_id) ?? present(r.subs_id)
          const subscriptionId = sub === '0' ? undefined : sub
          const x = present(r.secret_no)
          const outId = present(r.out_id)
          return {
            vendor: VENDOR,
            type: ALIYUN_EVENT_TYPES[type],
            callId: r.call_id,
            ...(subscriptionId === undefined ? {} : { subscriptionId }),
            ...(x === undefined ? {} : { x }),
            ...parties(r),
            ...(outId === undefined ? {} : { outId }),
            ...timed,
            raw,
          }
        }),
      ),
    ),
  )

const decodeRecords = (
  type: AliyunReceiptType,
  records: ReadonlyArray<unknown>,
): E.Either<CallbackRejected, ReadonlyArray<CallEvent>> => {
  const events: CallEvent[] = []
  for (const [i, record] of records.entries()) {
    const e = toEvent(type, record, i)
    if (E.isLeft(e)) return E.left(callbackRejected(VENDOR, 'malformed', e.left))
    events.push(e.right)
  }
  return E.right(events)
}

const textOf = (body: string | Uint8Array): string =>
  typeof body === 'string' ? body : Buffer.from(body).toString('utf8')

const checkType = (type: string): E.Either<CallbackRejected, AliyunReceiptType> =>
  isReceiptType(type)
    ? E.right(type)
    : E.left(callbackRejected(VENDOR, 'unsupported', `unsupported Aliyun message type ${type}`))

/**
 * Parses one HTTP batch push: the body is a JSON array of records of the message type the
 * endpoint is configured for. Reply `{"code":0,"msg":"接收成功"}` with HTTP 200 on Right, and
 * HTTP 400 on Left (Aliyun retries after 1, 5 and 10 minutes).
 */
export function parseAliyunCallback(
  input: AliyunCallbackInput,
): E.Either<CallbackRejected, ReadonlyArray<CallEvent>> {
  return pipe(
    checkType(input.type),
    E.chain((type) =>
      pipe(
        parseJsonLossless(textOf(input.body)),
        E.mapLeft((why) => callbackRejected(VENDOR, 'malformed', `body is not JSON: ${why}`)),
        E.chain((json) =>
          Array.isArray(json)
            ? decodeRecords(type, json)
            : E.left(callbackRejected(VENDOR, 'malformed', 'body is not a JSON array')),
        ),
      ),
    ),
  )
}

/**
 * Parses one MNS queue message: Base64 of one JSON record. (A body that is already the JSON
 * object, as some MNS clients hand it over decoded, is accepted too.)
 */
export function parseAliyunMnsMessage(
  input: AliyunCallbackInput,
): E.Either<CallbackRejected, ReadonlyArray<CallEvent>> {
  return pipe(
    checkType(input.type),
    E.chain((type) => {
      const text = textOf(input.body).trim()
      const json = text.startsWith('{') ? text : decodeBase64(text)
      if (json === undefined)
        return E.left(callbackRejected(VENDOR, 'malformed', 'body is not Base64'))
      return pipe(
        parseJsonLossless(json),
        E.mapLeft((why) => callbackRejected(VENDOR, 'malformed', `message is not JSON: ${why}`)),
        E.chain((record) =>
          typeof record === 'object' && record !== null && !Array.isArray(record)
            ? decodeRecords(type, [record])
            : E.left(callbackRejected(VENDOR, 'malformed', 'message is not a JSON object')),
        ),
      )
    }),
  )
}

function decodeBase64(text: string): string | undefined {
  const compact = text.replace(/\s+/g, '')
  if (compact === '' || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact)) return undefined
  return Buffer.from(compact, 'base64').toString('utf8')
}

// ---------------------------------------------------------------------------------------------
// receiver route
// ---------------------------------------------------------------------------------------------

/** Options of `aliyunCallbackRoute`: one message type for every push, or one per path. */
export type AliyunCallbackRouteOptions =
  | { readonly type: AliyunReceiptType; readonly path?: string }
  | { readonly paths: Readonly<Record<string, AliyunReceiptType>> }

/**
 * The Aliyun route for core's `createCallbackHandler`. Aliyun HTTP pushes carry no signature
 * and no type, so the endpoint's configured type (per path) says what a body is. The answer is
 * `{"code":0,"msg":"接收成功"}`, sent before your `onEvents` runs: the push times out at 700 ms.
 */
export function aliyunCallbackRoute(options: AliyunCallbackRouteOptions): CallbackRoute {
  const typeOf = (path: string): AliyunReceiptType | undefined =>
    'paths' in options
      ? options.paths[path]
      : options.path === undefined || options.path === path
        ? options.type
        : undefined
  return {
    vendor: 'aliyun',
    matches: (req) => typeOf(req.path) !== undefined,
    parse: (req) => {
      const type = typeOf(req.path)
      return type === undefined
        ? E.left(
            callbackRejected('aliyun', 'unsupported', `no Aliyun message type for ${req.path}`),
          )
        : parseAliyunCallback({ type, body: req.body })
    },
    accepted: {
      status: 200,
      contentType: 'application/json; charset=utf-8',
      body: JSON.stringify({ code: 0, msg: '接收成功' }),
    },
    answerFirst: true,
  }
}
