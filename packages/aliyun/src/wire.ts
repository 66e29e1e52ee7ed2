/**
 * The dypls wire format: io-ts codecs for the answers (vendor note §1.2) and pure builders for
 * the request parameters. Ids are strings end to end: the body is parsed losslessly (core's
 * `parseJsonLossless`) and id fields accept a JSON string or number and come out as a string.
 */
import {
  fields,
  formatBeijing,
  IdString,
  NumberLike,
  parseJsonLossless,
  type PrivacyNumberError,
  type RawResponse,
} from '@privacy-number/core'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'
import { badShape, mapVendorError, retryAfterOf, vendorUnavailable } from './errors'
import type { Param } from './signer'

// ---------------------------------------------------------------------------------------------
// codecs
// ---------------------------------------------------------------------------------------------

/** Code/Message/RequestId, on every answer (business and gateway). */
export const Envelope = fields({ Code: t.string }, { Message: t.string, RequestId: t.string })

/** BindAxb / BindAxn / BindAxg. */
export const BindAnswer = t.type({
  SecretBindDTO: fields({ SubsId: IdString, SecretNo: t.string }, { Extension: t.string }),
})

/** One item of a BindBatchAxg answer: every field a string, each with its own Code. */
export const BatchItem = fields(
  { Code: t.string },
  {
    Message: t.string,
    SecretNo: t.string,
    SubsId: IdString,
    GroupId: IdString,
    PhoneNoA: t.string,
    Extension: t.string,
  },
)

/** BindBatchAxg. */
export const BatchAnswer = t.type({
  SecretBindList: t.partial({ SecretBind: t.array(BatchItem) }),
})

/** QuerySubscriptionDetail. */
export const DetailAnswer = t.type({
  SecretBindDetailDTO: fields(
    { SubsId: IdString, PhoneNoA: t.string, PhoneNoX: t.string, ExpireDate: t.string },
    {
      PhoneNoB: t.string,
      GroupId: IdString,
      GmtCreate: t.string,
      Status: NumberLike,
      NeedRecord: t.unknown,
    },
  ),
})

/** CreateAxgGroup: GroupId is an int64 JSON number. */
export const CreateGroupAnswer = t.type({ GroupId: IdString })

/** QuerySecretNoRemain (note the lower-case `remainDTO` wire key). */
export const RemainAnswer = t.type({
  SecretRemainDTO: fields(
    { Amount: NumberLike },
    {
      City: t.string,
      RemainDTOList: t.partial({
        remainDTO: t.array(t.type({ Amount: NumberLike, City: t.string })),
      }),
    },
  ),
})

/** QueryRecordFileDownloadUrl. */
export const RecordUrlAnswer = t.type({ DownloadUrl: t.string })

/** Any answer whose payload we do not read (Unbind, Update, OperateAxgGroup, DeleteAxgGroup). */
export const EmptyAnswer = t.unknown

// ---------------------------------------------------------------------------------------------
// answers
// ---------------------------------------------------------------------------------------------

const looksLikeHtml = (body: string): boolean => /^\s*</.test(body)

const firstFailure = (errors: t.Errors): string => {
  const e = errors[0]
  if (e === undefined) return 'unexpected shape'
  const path = e.context
    .map((c) => c.key)
    .filter((k) => k !== '' && !/^\d+$/.test(k))
    .join('.')
  return `${path || 'body'} ${e.message ?? 'has an unexpected type'}`
}

const envelopeOf = (u: unknown): E.Either<string, t.TypeOf<typeof Envelope>> => {
  const decoded = Envelope.decode(u)
  return decoded._tag === 'Right' ? decoded : E.left(firstFailure(decoded.left))
}

/**
 * Classifies one HTTP answer: a 5xx, an HTML page or a non-JSON error status is
 * `VendorUnavailable` (outcome unknown); an HTTP 200 whose JSON does not parse or has the wrong
 * shape is `InvalidResponse`; a JSON error (HTTP 200
 * with Code ≠ OK, or a 4xx error body) is the code's mapping; success is HTTP 200 with
 * Code == "OK" and a payload that decodes with `codec`.
 */
export function decodeAnswer<A>(
  res: RawResponse,
  operation: string,
  codec: t.Decoder<unknown, A>,
): E.Either<PrivacyNumberError, A> {
  const json = looksLikeHtml(res.body) ? E.left('html') : parseJsonLossless(res.body)
  // Plain Either matching, no pipe: this runs on every answer.
  const envelope = json._tag === 'Left' ? json : envelopeOf(json.right)
  if (res.status >= 500 || (E.isLeft(json) && (looksLikeHtml(res.body) || res.status !== 200))) {
    return E.left(
      vendorUnavailable(
        res,
        operation,
        E.isRight(envelope)
          ? {
              code: envelope.right.Code,
              ...(envelope.right.Message === undefined ? {} : { message: envelope.right.Message }),
              ...(envelope.right.RequestId === undefined
                ? {}
                : { requestId: envelope.right.RequestId }),
            }
          : undefined,
      ),
    )
  }
  if (E.isLeft(json)) return E.left(badShape(res, operation, `not JSON (${json.left})`))
  if (E.isLeft(envelope)) return E.left(badShape(res, operation, envelope.left))
  const { Code, Message, RequestId } = envelope.right
  if (Code !== 'OK' || res.status !== 200) {
    if (Code === 'OK')
      return E.left(badShape(res, operation, `Code OK with HTTP ${res.status}`, RequestId))
    const retryAfterMs = retryAfterOf(res.headers)
    return E.left(
      mapVendorError(
        {
          code: Code,
          httpStatus: res.status,
          ...(Message === undefined ? {} : { message: Message }),
          ...(RequestId === undefined ? {} : { requestId: RequestId }),
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        },
        operation,
      ),
    )
  }
  const payload = codec.decode(json.right)
  return payload._tag === 'Right'
    ? payload
    : E.left(badShape(res, operation, firstFailure(payload.left), RequestId))
}

// ---------------------------------------------------------------------------------------------
// requests
// ---------------------------------------------------------------------------------------------

/** A parameter list from optional values: undefined entries are dropped (never sent). */
export function params(
  entries: Readonly<Record<string, string | number | boolean | undefined>>,
): ReadonlyArray<Param> {
  const out: Param[] = []
  for (const [k, v] of Object.entries(entries)) if (v !== undefined) out.push([k, String(v)])
  return out
}

/** What one Bind* call (or one BindBatchAxg item) carries, already normalized. */
export interface BindWire {
  readonly a: string
  readonly b?: string
  readonly x?: string
  /** A city name for ExpectCity ('济南'), never an area code. */
  readonly expectCity?: string
  readonly expiresAt: Date
  readonly record: boolean
  readonly outId?: string
  readonly groupId?: string
}

/** Parameters of BindAxb / BindAxn / BindAxg. Expiration is Beijing time; IsRecordingEnabled is always sent. */
export function bindParams(poolKey: string, w: BindWire): ReadonlyArray<Param> {
  // Pushed one by one (not `params({...})`): this runs on every bind.
  const out: Param[] = [
    ['PoolKey', poolKey],
    ['PhoneNoA', w.a],
  ]
  if (w.b !== undefined) out.push(['PhoneNoB', w.b])
  if (w.x !== undefined) out.push(['PhoneNoX', w.x])
  if (w.groupId !== undefined) out.push(['GroupId', w.groupId])
  if (w.expectCity !== undefined) out.push(['ExpectCity', w.expectCity])
  out.push(['Expiration', formatBeijing(w.expiresAt)])
  out.push(['IsRecordingEnabled', String(w.record)])
  if (w.outId !== undefined) out.push(['OutId', w.outId])
  return out
}

/** One AxgBindList item: a JSON object with wire (PascalCase) keys and a JSON boolean. */
export function batchItem(w: BindWire & { readonly groupId: string }): Record<string, unknown> {
  const item: Record<string, unknown> = { PhoneNoA: w.a, GroupId: w.groupId }
  if (w.b !== undefined) item['PhoneNoB'] = w.b
  if (w.x !== undefined) item['PhoneNoX'] = w.x
  if (w.expectCity !== undefined) item['ExpectCity'] = w.expectCity
  item['Expiration'] = formatBeijing(w.expiresAt)
  item['IsRecordingEnabled'] = w.record
  if (w.outId !== undefined) item['OutId'] = w.outId
  return item
}

/**
 * BindBatchAxg parameters: AxgBindList is ONE JSON string (metadata `style: json`), never
 * flattened to `AxgBindList.1.PhoneNoA` (vendor note §0).
 */
export function batchParams(
  poolKey: string,
  items: ReadonlyArray<Record<string, unknown>>,
): ReadonlyArray<Param> {
  return [
    ['PoolKey', poolKey],
    ['AxgBindList', JSON.stringify(items)],
  ]
}
