/**
 * The vms wire format: io-ts codecs for the responses (vendor note §3–4), the body encodings
 * (JSON, and the legacy form encoding of seed 002), and the one function that turns an HTTP
 * answer into either a decoded `Result` or an error of the union. All pure.
 */
import {
  fields,
  IntegerLike,
  invalidResponse,
  makeError,
  parseJsonLossless,
  StringOrNumber,
  type PrivacyNumberError,
  type RawResponse,
} from '@privacy-number/core'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as t from 'io-ts'
import { mapVolcengineError } from './errors'

// ---------------------------------------------------------------------------------------------
// requests
// ---------------------------------------------------------------------------------------------

/** One request parameter value: strings, integers, and string lists (DegradeCityList, …). */
export type ParamValue = string | number | ReadonlyArray<string>

/** The business parameters of one action; only set fields are present. */
export type Params = Readonly<Record<string, ParamValue>>

/** How a POST body is encoded. */
export type BodyEncoding = 'json' | 'form'

/** The Content-Type each encoding is sent (and signed) with. */
export const CONTENT_TYPE: Readonly<Record<BodyEncoding, string>> = {
  json: 'application/json; charset=utf-8',
  form: 'application/x-www-form-urlencoded; charset=utf-8',
}

/**
 * Encodes parameters as a body. JSON keeps lists as arrays and numbers as numbers; the legacy
 * form encoding sends lists comma-separated (vendor note §1, `DegradeCityList=010,0531`).
 */
export function encodeBody(params: Params, encoding: BodyEncoding): string {
  if (encoding === 'json') return JSON.stringify(params)
  const form = new URLSearchParams()
  for (const [k, v] of Object.entries(params))
    form.append(k, typeof v === 'string' ? v : typeof v === 'number' ? String(v) : v.join(','))
  return form.toString()
}

// ---------------------------------------------------------------------------------------------
// response codecs
// ---------------------------------------------------------------------------------------------

/** `ResponseMetadata.Error`: Code and Message; gateway errors add a numeric CodeN. */
export const VolcErrorObject = fields(
  { Code: t.string },
  { Message: t.union([t.string, t.null]), CodeN: t.union([t.number, t.string]) },
)

/** `ResponseMetadata`, present on every answer. */
export const ResponseMetadata = t.partial({
  RequestId: t.string,
  Action: t.string,
  Version: t.string,
  Service: t.string,
  Region: t.string,
  Error: t.union([VolcErrorObject, t.null]),
})

/** The envelope: metadata plus an action-specific `Result`. */
export const Envelope = fields({ ResponseMetadata }, { Result: t.unknown })

/** The shared bind result (GO `SecretBindResult`; seeds 000–002). */
export const BindResult = fields(
  { SubId: StringOrNumber, PhoneNoX: StringOrNumber },
  {
    Status: IntegerLike,
    PhoneNoXCityCode: t.union([StringOrNumber, t.null]),
    PhoneNoA: t.union([StringOrNumber, t.null]),
    PhoneNoACityCode: t.union([StringOrNumber, t.null]),
    PhoneNoB: t.union([StringOrNumber, t.null]),
    PhoneNoBCityCode: t.union([StringOrNumber, t.null]),
    GroupId: t.union([StringOrNumber, t.null]),
  },
)
/** A decoded bind result. */
export type BindResult = t.TypeOf<typeof BindResult>

/** Unbind/update success: legacy `Result: true` or V2 `{ Success: true }` (note §3.3). */
export const OperationResult = t.union([t.boolean, t.type({ Success: t.boolean })])

/** One binding as QuerySubscription / QuerySubscriptionForList report it (note §3.10). */
export const Subscription = fields(
  {
    SubId: StringOrNumber,
    PhoneNoA: StringOrNumber,
    PhoneNoX: StringOrNumber,
    Status: IntegerLike,
    ExpireTime: IntegerLike,
  },
  {
    PhoneNoB: t.union([StringOrNumber, t.null]),
    EnableTime: t.union([IntegerLike, t.null]),
    RecordFlag: t.union([IntegerLike, t.null]),
    UserData: t.union([t.string, t.null]),
    OutId: t.union([t.string, t.null]),
    GroupId: t.union([StringOrNumber, t.null]),
  },
)
/** A decoded subscription. */
export type Subscription = t.TypeOf<typeof Subscription>

/** QuerySubscriptionForList's page. */
export const SubscriptionPage = fields(
  { Total: IntegerLike },
  {
    Records: t.union([t.array(Subscription), t.null]),
    Offset: IntegerLike,
    Limit: IntegerLike,
  },
)

/** UpgradeAXToAXB's result (note §3.5): the bind result without Status. */
export const UpgradeResult = t.type({ SubId: StringOrNumber })

/** CreateAXGGroup's result. */
export const CreateGroupResult = t.type({ GroupId: StringOrNumber })

/** QueryAudioRecordFileUrl's result (D:173365): the mixed file, and split tracks if recorded so. */
export const RecordingUrlResult = t.partial({
  AudioRecordFileUrl: t.string,
  AudioRecordLeftFileUrl: t.string,
  AudioRecordRightFileUrl: t.string,
})

// ---------------------------------------------------------------------------------------------
// responses
// ---------------------------------------------------------------------------------------------

const VENDOR = 'volcengine'

/** Retry-After as milliseconds: delta-seconds or an HTTP date relative to `now`. */
export function retryAfterMs(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  const at = Date.parse(trimmed)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime())
}

const looksLikeHtml = (body: string): boolean => /^\s*</.test(body)

/**
 * Classifies an HTTP answer (DESIGN §2.3): HTTP 429 → RateLimited; an envelope carrying
 * `ResponseMetadata.Error` → the code table (business errors come with HTTP 200); a 5xx or an
 * HTML page without a vendor code → VendorUnavailable (outcome unknown); a 2xx that does not
 * decode → InvalidResponse. Right: the envelope's `Result` and the request id.
 */
export function readResponse(
  res: RawResponse,
  now: Date,
): E.Either<PrivacyNumberError, { readonly result: unknown; readonly requestId?: string }> {
  const status = res.status
  const parsed = parseJsonLossless(res.body)
  const envelope = E.isRight(parsed) ? Envelope.decode(parsed.right) : undefined
  const meta = envelope !== undefined && E.isRight(envelope) ? envelope.right : undefined
  const requestId = meta?.ResponseMetadata.RequestId
  const base = {
    vendor: VENDOR,
    httpStatus: status,
    ...(requestId === undefined ? {} : { requestId }),
  }
  const vendorError = meta?.ResponseMetadata.Error ?? undefined
  const retryAfter = retryAfterMs(res.headers['retry-after'], now)
  if (vendorError !== undefined) {
    const mapped = mapVolcengineError(vendorError.Code, vendorError.Message ?? undefined, {
      httpStatus: status,
      ...(requestId === undefined ? {} : { requestId }),
      ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
    })
    // A 429 is throttling whatever code the gateway chose to put in it.
    if (status === 429 && mapped._tag !== 'RateLimited')
      return E.left(
        makeError('RateLimited', mapped.message, {
          ...base,
          vendorCode: vendorError.Code,
          ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
        }),
      )
    return E.left(mapped)
  }
  if (status === 429)
    return E.left(
      makeError('RateLimited', 'volcengine answered HTTP 429 (too many requests)', {
        ...base,
        ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
      }),
    )
  if (status >= 500 || looksLikeHtml(res.body))
    return E.left(
      makeError('VendorUnavailable', `volcengine answered HTTP ${status} without a vendor code`, {
        ...base,
        outcome: 'unknown',
      }),
    )
  if (E.isLeft(parsed))
    return E.left(
      invalidResponse(`volcengine answered malformed JSON (${parsed.left})`, res.body, base),
    )
  if (meta === undefined)
    return E.left(invalidResponse('volcengine answer has no ResponseMetadata', res.body, base))
  if (status < 200 || status >= 300)
    return E.left(
      makeError('Unknown', `volcengine answered HTTP ${status} without an error code`, {
        ...base,
        outcome: 'unknown',
      }),
    )
  if (meta.Result === undefined)
    return E.left(invalidResponse('volcengine answer has no Result', res.body, base))
  return E.right({ result: meta.Result, ...(requestId === undefined ? {} : { requestId }) })
}

/** Decodes a `Result` with `codec`; a mismatch is InvalidResponse with the raw body kept. */
export function decodeResult<A>(
  codec: t.Decoder<unknown, A>,
  result: unknown,
  rawBody: string,
  requestId: string | undefined,
): E.Either<PrivacyNumberError, A> {
  return pipe(
    codec.decode(result),
    E.mapLeft((errors) => {
      const first = errors[0]
      const path =
        first === undefined
          ? ''
          : first.context
              .map((c) => c.key)
              .filter((k) => k !== '' && !/^\d+$/.test(k))
              .join('.')
      return invalidResponse(
        `volcengine Result did not decode${path === '' ? '' : ` at ${path}`}`,
        rawBody,
        { vendor: VENDOR, ...(requestId === undefined ? {} : { requestId }) },
      )
    }),
  )
}
