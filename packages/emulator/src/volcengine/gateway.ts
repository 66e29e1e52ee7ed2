// The Volcengine OpenAPI gateway as the emulator plays it: Action/Version routing, the
// HMAC-SHA256 signature, the clock-skew window, and the vendor's envelope and error statuses.
import { randomBytes } from 'node:crypto'
import type { AcceptedCall, FrontEnd, RawRequest, Reply } from '../server'
import { parseQuery } from '../query'
import { compactBeijing } from '../time'
import type { VolcParams } from './params'
import { lowerName, paramsOf } from './params'
import { parseVolcAuthorization, parseXDate, sha256Hex, volcSignature } from './signature'

/** The only API version of vms the emulator speaks. */
export const VOLC_VERSION = '2022-01-01'
/** Region every Volcengine SDK signs vms with. */
export const VOLC_REGION = 'cn-north-1'
/** The signing service name. */
export const VOLC_SERVICE = 'vms'
const SKEW_WINDOW_MS = 15 * 60 * 1000

/** A business error, answered with HTTP 200 inside ResponseMetadata.Error. */
export interface VolcError {
  readonly code: string
  readonly message: string
}

/** What an action returns: a Result, or a business error. */
export type VolcOutcome = { readonly result: unknown } | { readonly error: VolcError }

/** An action implementation. */
export type VolcAction = (params: VolcParams) => VolcOutcome

/** A request past the gateway. */
export interface VolcCall extends AcceptedCall {
  readonly params: VolcParams
}

/** Gateway error codes with their status and CodeN (vendor note §6.2). */
export const VOLC_GATEWAY_ERRORS: Readonly<Record<string, { status: number; codeN?: number }>> = {
  MissingParameter: { status: 400, codeN: 100002 },
  MissingAuthenticationToken: { status: 401, codeN: 100003 },
  MissingRequestInfo: { status: 400, codeN: 100004 },
  InvalidTimestamp: { status: 400, codeN: 100006 },
  InvalidActionOrVersion: { status: 404, codeN: 100008 },
  InvalidAccessKey: { status: 401, codeN: 100009 },
  SignatureDoesNotMatch: { status: 401, codeN: 100010 },
  // The vendor's table gives no CodeN for a malformed Authorization header.
  InvalidAuthorization: { status: 400 },
  InternalError: { status: 500, codeN: 100014 },
}

/** Settings of the Volcengine gateway. */
export interface VolcGatewayConfig {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly nowMs: () => number
  readonly actions: Readonly<Record<string, VolcAction>>
}

const requestIdPrefix = randomBytes(4).toString('hex').toUpperCase()
let requestCounter = 0

// The timestamp part changes once a second; formatting it per request is wasted work.
let stampSecond = -1
let stamp = ''

/** A request id shaped like the vendor's: Beijing timestamp + 18 hex characters. */
export const volcRequestId = (nowMs: number): string => {
  const second = Math.floor(nowMs / 1000)
  if (second !== stampSecond) {
    stampSecond = second
    stamp = compactBeijing(nowMs)
  }
  return (
    stamp +
    requestIdPrefix +
    (requestCounter++ % 0x10000000000).toString(16).toUpperCase().padStart(10, '0')
  )
}

// The envelope's fixed tail, serialised once.
const SERVICE_AND_REGION = `,"Service":${JSON.stringify(VOLC_SERVICE)},"Region":${JSON.stringify(VOLC_REGION)}`

const envelope = (
  action: string,
  version: string,
  requestId: string,
  extra: { error?: { Code: string; Message: string; CodeN?: number }; result?: unknown },
): string => {
  // Written out by hand (for speed) with the same key order as JSON.stringify of
  // { ResponseMetadata: { RequestId, Action, Version, Service, Region, Error? }, Result? }.
  let body =
    `{"ResponseMetadata":{"RequestId":${JSON.stringify(requestId)},` +
    `"Action":${JSON.stringify(action)},"Version":${JSON.stringify(version)}${SERVICE_AND_REGION}`
  if (extra.error !== undefined) body += `,"Error":${JSON.stringify(extra.error)}`
  body += '}'
  const result = extra.result === undefined ? undefined : JSON.stringify(extra.result)
  if (result !== undefined) body += `,"Result":${result}`
  return `${body}}`
}

const header = (req: RawRequest, name: string): string | undefined => {
  const v = req.headers[name]
  return Array.isArray(v) ? v.join(', ') : v
}

/** Builds the Volcengine front end over its action table. */
export const createVolcFrontEnd = (config: VolcGatewayConfig): FrontEnd<VolcCall> => {
  const gatewayError = (action: string, version: string, code: string, message: string): Reply => {
    const spec = VOLC_GATEWAY_ERRORS[code] ?? { status: 400 }
    return {
      status: spec.status,
      body: envelope(action, version, volcRequestId(config.nowMs()), {
        error: {
          ...(spec.codeN !== undefined ? { CodeN: spec.codeN } : {}),
          Code: code,
          Message: message,
        },
      }),
    }
  }

  const accept = (req: RawRequest): { call: VolcCall } | { reply: Reply } => {
    const query = parseQuery(req.rawQuery)
    const action = query.find(([k]) => k === 'Action')?.[1] ?? ''
    const version = query.find(([k]) => k === 'Version')?.[1] ?? ''
    const refuse = (code: string, message: string) => ({
      reply: gatewayError(action, version, code, message),
    })
    if (action === '' || version === '') {
      return refuse(
        'MissingParameter',
        `The required parameter ${action === '' ? 'Action' : 'Version'} is missing.`,
      )
    }
    const authHeader = header(req, 'authorization')
    if (authHeader === undefined || authHeader === '') {
      return refuse(
        'MissingAuthenticationToken',
        'The request is missing the Authorization header.',
      )
    }
    const auth = parseVolcAuthorization(authHeader)
    if (auth === undefined)
      return refuse('InvalidAuthorization', 'The Authorization header is malformed.')
    const xDate = header(req, 'x-date')
    if (xDate === undefined) return refuse('MissingRequestInfo', 'The request is missing X-Date.')
    const signedAt = parseXDate(xDate)
    if (signedAt === undefined || Math.abs(signedAt - config.nowMs()) > SKEW_WINDOW_MS) {
      return refuse('InvalidTimestamp', `The X-Date ${xDate} is out of the allowed window.`)
    }
    if (auth.accessKeyId !== config.accessKeyId) {
      return refuse('InvalidAccessKey', `The access key ${auth.accessKeyId} is invalid.`)
    }
    const payloadHash = sha256Hex(req.body)
    const declaredHash = header(req, 'x-content-sha256')
    const headers: Record<string, string> = {}
    for (const name of auth.signedHeaders) headers[name] = header(req, name) ?? ''
    const expected = volcSignature({
      method: req.method,
      path: req.path,
      query,
      headers,
      signedHeaders: auth.signedHeaders,
      payloadHash,
      xDate,
      region: auth.region,
      service: auth.service,
      secretAccessKey: config.secretAccessKey,
    })
    if (
      expected !== auth.signature ||
      auth.date !== xDate.slice(0, 8) ||
      auth.region !== VOLC_REGION ||
      auth.service !== VOLC_SERVICE ||
      (declaredHash !== undefined && declaredHash.toLowerCase() !== payloadHash)
    ) {
      return refuse(
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      )
    }
    if (version !== VOLC_VERSION || config.actions[action] === undefined) {
      return refuse(
        'InvalidActionOrVersion',
        `Could not find operation ${action} for version ${version}.`,
      )
    }
    return { call: { action, params: parseParams(req, query) } }
  }

  const parseParams = (req: RawRequest, query: Array<[string, string]>): VolcParams => {
    // Straight into one map (names lower-cased, later values win): no intermediate pair arrays.
    const map = new Map<string, unknown>()
    for (const [k, v] of query) if (k !== 'Action' && k !== 'Version') map.set(lowerName(k), v)
    const type = (header(req, 'content-type') ?? '').toLowerCase()
    if (req.body.length > 0) {
      if (type.includes('json')) {
        try {
          const parsed: unknown = JSON.parse(req.body.toString('utf8'))
          if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
            const fields = parsed as Record<string, unknown>
            for (const k of Object.keys(fields)) map.set(lowerName(k), fields[k])
          }
        } catch {
          // An unparsable body leaves only the query parameters; the action reports what is missing.
        }
      } else {
        for (const [k, v] of parseQuery(req.body.toString('utf8'))) map.set(lowerName(k), v)
      }
    }
    return paramsOf(map)
  }

  const reply = (call: VolcCall, outcome: VolcOutcome): Reply => {
    const id = volcRequestId(config.nowMs())
    const body =
      'error' in outcome
        ? envelope(call.action, VOLC_VERSION, id, {
            error: { Code: outcome.error.code, Message: outcome.error.message },
          })
        : envelope(call.action, VOLC_VERSION, id, { result: outcome.result })
    return { status: 200, body }
  }

  return {
    accept,
    execute: (call) => {
      const action = config.actions[call.action]
      if (action === undefined)
        return reply(call, { error: { code: 'UnsupportedOperation', message: call.action } })
      return reply(call, action(call.params))
    },
    errorReply: (call, code, message, httpStatus) => {
      const spec = VOLC_GATEWAY_ERRORS[code]
      const error: { Code: string; Message: string; CodeN?: number } = {
        Code: code,
        Message: message ?? code,
      }
      if (spec?.codeN !== undefined) error.CodeN = spec.codeN
      return {
        status: httpStatus ?? spec?.status ?? 200,
        body: envelope(call.action, VOLC_VERSION, volcRequestId(config.nowMs()), { error }),
      }
    },
    throttleReply: (call) =>
      reply(call, { error: { code: 'OverQpsLimit', message: 'QPS over limit' } }),
  }
}
