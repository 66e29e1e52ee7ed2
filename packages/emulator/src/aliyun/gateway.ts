// The Aliyun RPC gateway as the emulator plays it: common parameters, signature v1 and ACS3,
// the 15-minute Timestamp window, nonce replay, and the gateway's own error format.
import { randomUUID } from 'node:crypto'
import { stringify } from 'lossless-json'
import { createFifoMap } from '../fifo'
import { parseQuery } from '../query'
import { ownString } from '../strings'
import type { AcceptedCall, FrontEnd, RawRequest, Reply } from '../server'
import {
  acs3Signature,
  parseAcs3Authorization,
  parseAcsTimestamp,
  rpcSignature,
  sha256Hex,
} from './signature'

/** The only dypls API version the emulator speaks. */
export const ALIYUN_VERSION = '2017-05-25'
const WINDOW_MS = 15 * 60 * 1000
const HOST_ID = 'dyplsapi.aliyuncs.com'
const MAX_NONCES = 50_000

/** Business parameters of one request (query merged with a form body). */
export type AliParams = ReadonlyMap<string, string>

/** A business error: HTTP 200, `Code` ≠ OK. */
export interface AliError {
  readonly code: string
  readonly message: string
}

/**
 * What an action returns: the payload fields next to Code/Message/RequestId, or an error.
 * `lossless` payloads hold LosslessNumber values (ids beyond 2^53 written as raw JSON digits).
 */
export type AliOutcome =
  | { readonly payload: Record<string, unknown>; readonly lossless?: boolean }
  | { readonly error: AliError }

/** An action implementation. */
export type AliAction = (params: AliParams) => AliOutcome

/** A request past the gateway. */
export interface AliCall extends AcceptedCall {
  readonly params: AliParams
}

/** Gateway error codes → HTTP status (vendor note §4.2). */
export const ALIYUN_GATEWAY_STATUS: Readonly<Record<string, number>> = {
  MissingParameter: 400,
  'InvalidTimeStamp.Format': 400,
  'InvalidTimeStamp.Expired': 400,
  SignatureNonceUsed: 400,
  SignatureDoesNotMatch: 400,
  IncompleteSignature: 400,
  InvalidSignatureMethod: 400,
  'InvalidAccessKeyId.NotFound': 404,
  'InvalidAction.NotFound': 404,
  InvalidVersion: 404,
  'Throttling.User': 400,
  Throttling: 400,
  InternalError: 500,
  ServiceUnavailable: 503,
}

/** Settings of the Aliyun gateway. */
export interface AliGatewayConfig {
  readonly accessKeyId: string
  readonly accessKeySecret: string
  readonly nowMs: () => number
  readonly actions: Readonly<Record<string, AliAction>>
}

const header = (req: RawRequest, name: string): string | undefined => {
  const v = req.headers[name]
  return Array.isArray(v) ? v.join(',') : v
}

/** The gateway's error body. */
export const aliGatewayBody = (requestId: string, code: string, message: string): string =>
  JSON.stringify({
    RequestId: requestId,
    HostId: HOST_ID,
    Code: code,
    Message: message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(code)}&product=Dyplsapi`,
  })

/** Builds the Aliyun front end over its action table. */
export const createAliFrontEnd = (config: AliGatewayConfig): FrontEnd<AliCall> => {
  // Nonces seen within the Timestamp window, oldest first (a Map keeps insertion order). Capped,
  // so a long benchmark at thousands of requests per second does not grow without bound; a
  // nonce reused after that many others goes unnoticed, which no real client relies on.
  const nonces = createFifoMap<string, number>(MAX_NONCES)
  const nonceSeen = (nonce: string): boolean => {
    const t = config.nowMs()
    for (;;) {
      const expires = nonces.oldest()
      if (expires === undefined || (expires > t && nonces.size < MAX_NONCES)) break
      nonces.dropOldest()
    }
    return !nonces.add(ownString(nonce), t + WINDOW_MS)
  }

  const gatewayError = (code: string, message: string): { reply: Reply } => ({
    reply: {
      status: ALIYUN_GATEWAY_STATUS[code] ?? 400,
      body: aliGatewayBody(randomUUID().toUpperCase(), code, message),
    },
  })

  const checkTime = (stamp: string | undefined, name: string): { reply: Reply } | undefined => {
    if (stamp === undefined)
      return gatewayError('MissingParameter', `${name} is mandatory for this action.`)
    const t = parseAcsTimestamp(stamp)
    if (t === undefined) {
      return gatewayError(
        'InvalidTimeStamp.Format',
        `Specified time stamp or date value is not well formatted.`,
      )
    }
    if (Math.abs(t - config.nowMs()) > WINDOW_MS) {
      return gatewayError(
        'InvalidTimeStamp.Expired',
        `Specified time stamp or date value is expired.`,
      )
    }
    return undefined
  }

  const route = (
    action: string,
    version: string,
    params: AliParams,
  ): { call: AliCall } | { reply: Reply } => {
    if (version !== ALIYUN_VERSION) {
      return gatewayError('InvalidVersion', `Specified parameter Version is not valid.`)
    }
    if (config.actions[action] === undefined) {
      return gatewayError(
        'InvalidAction.NotFound',
        `Specified api is not found, please check your url and method.`,
      )
    }
    return { call: { action, params } }
  }

  const acceptV1 = (
    req: RawRequest,
    pairs: ReadonlyArray<[string, string]>,
  ): { call: AliCall } | { reply: Reply } => {
    // One pass sorts common parameters from business ones (a later value of a name wins).
    let action = ''
    let version = ''
    let accessKeyId = ''
    let signature = ''
    let nonce = ''
    let timestamp = ''
    let method: string | undefined
    const params = new Map<string, string>()
    for (const [k, v] of pairs) {
      switch (k) {
        case 'Action':
          action = v
          break
        case 'Version':
          version = v
          break
        case 'AccessKeyId':
          accessKeyId = v
          break
        case 'Signature':
          signature = v
          break
        case 'SignatureNonce':
          nonce = v
          break
        case 'Timestamp':
          timestamp = v
          break
        case 'SignatureMethod':
          method = v
          break
        case 'SignatureVersion':
        case 'Format':
        case 'RegionId':
        case 'SecurityToken':
          break
        default:
          params.set(k, v)
      }
    }
    // Reported in this order when several are missing (or empty).
    const missing =
      action === ''
        ? 'Action'
        : version === ''
          ? 'Version'
          : accessKeyId === ''
            ? 'AccessKeyId'
            : signature === ''
              ? 'Signature'
              : nonce === ''
                ? 'SignatureNonce'
                : timestamp === ''
                  ? 'Timestamp'
                  : undefined
    if (missing !== undefined)
      return gatewayError('MissingParameter', `${missing} is mandatory for this action.`)
    const stale = checkTime(timestamp, 'Timestamp')
    if (stale !== undefined) return stale
    if (accessKeyId !== config.accessKeyId) {
      return gatewayError('InvalidAccessKeyId.NotFound', 'Specified access key is not found.')
    }
    if (method !== undefined && method !== 'HMAC-SHA1') {
      return gatewayError(
        'InvalidSignatureMethod',
        `Specified signature method ${method} is not valid.`,
      )
    }
    const expected = rpcSignature(config.accessKeySecret, req.method.toUpperCase(), pairs)
    if (expected !== signature) {
      return gatewayError(
        'SignatureDoesNotMatch',
        `Specified signature is not matched with our calculation. server string to sign is:${req.method.toUpperCase()}`,
      )
    }
    if (nonceSeen(nonce)) {
      return gatewayError('SignatureNonceUsed', 'Specified signature nonce was used already.')
    }
    return route(action, version, params)
  }

  const acceptV3 = (
    req: RawRequest,
    authHeader: string,
    query: Array<[string, string]>,
    pairs: Array<[string, string]>,
  ): { call: AliCall } | { reply: Reply } => {
    const auth = parseAcs3Authorization(authHeader)
    if (auth === undefined)
      return gatewayError('IncompleteSignature', 'The Authorization header is malformed.')
    const action = header(req, 'x-acs-action')
    const version = header(req, 'x-acs-version')
    const nonce = header(req, 'x-acs-signature-nonce')
    if (!action)
      return gatewayError('MissingParameter', 'x-acs-action is mandatory for this action.')
    if (!version)
      return gatewayError('MissingParameter', 'x-acs-version is mandatory for this action.')
    if (!nonce)
      return gatewayError('MissingParameter', 'x-acs-signature-nonce is mandatory for this action.')
    const stale = checkTime(header(req, 'x-acs-date'), 'x-acs-date')
    if (stale !== undefined) return stale
    if (auth.accessKeyId !== config.accessKeyId) {
      return gatewayError('InvalidAccessKeyId.NotFound', 'Specified access key is not found.')
    }
    const payloadHash = sha256Hex(req.body)
    const declared = header(req, 'x-acs-content-sha256')
    const headers: Record<string, string> = {}
    for (const name of auth.signedHeaders) headers[name] = header(req, name) ?? ''
    const expected = acs3Signature(config.accessKeySecret, {
      method: req.method,
      path: req.path,
      query,
      headers,
      signedHeaders: auth.signedHeaders,
      payloadHash: declared ?? payloadHash,
    })
    // The ACS3 rules require every x-acs-* header and host to be signed.
    const required = [
      'host',
      'x-acs-action',
      'x-acs-version',
      'x-acs-date',
      'x-acs-signature-nonce',
    ]
    if (
      expected !== auth.signature ||
      (declared !== undefined && declared.toLowerCase() !== payloadHash) ||
      !required.every((h) => auth.signedHeaders.includes(h))
    ) {
      return gatewayError(
        'SignatureDoesNotMatch',
        'Specified signature is not matched with our calculation.',
      )
    }
    if (nonceSeen(nonce))
      return gatewayError('SignatureNonceUsed', 'Specified signature nonce was used already.')
    const params = new Map<string, string>()
    for (const [k, v] of pairs) params.set(k, v)
    return route(action, version, params)
  }

  const accept = (req: RawRequest): { call: AliCall } | { reply: Reply } => {
    const query = parseQuery(req.rawQuery)
    let pairs = query
    // The older SDK (pop-core) POSTs every parameter as a form body.
    if (
      req.body.length > 0 &&
      !(header(req, 'content-type') ?? '').toLowerCase().includes('json')
    ) {
      pairs = [...query, ...parseQuery(req.body.toString('utf8'))]
    }
    const authHeader = header(req, 'authorization')
    if (authHeader !== undefined && authHeader.startsWith('ACS3-')) {
      return acceptV3(req, authHeader, query, pairs)
    }
    return acceptV1(req, pairs)
  }

  const business = (code: string, message: string): Reply => ({
    status: 200,
    body: JSON.stringify({ RequestId: randomUUID().toUpperCase(), Code: code, Message: message }),
  })

  return {
    accept,
    execute: (call) => {
      const action = config.actions[call.action]
      if (action === undefined) return business('isv.FORBIDDEN_ACTION', call.action)
      const outcome = action(call.params)
      if ('error' in outcome) return business(outcome.error.code, outcome.error.message)
      const body = {
        RequestId: randomUUID().toUpperCase(),
        Code: 'OK',
        Message: 'OK',
        ...outcome.payload,
      }
      return {
        status: 200,
        body: outcome.lossless === true ? (stringify(body) ?? '') : JSON.stringify(body),
      }
    },
    errorReply: (_call, code, message, httpStatus) => {
      // Business codes (isv.*, isp.*) come back as HTTP 200 bodies; anything with an error
      // status is the gateway's answer and uses its format.
      const status =
        httpStatus ??
        (code.startsWith('isv.') || code.startsWith('isp.')
          ? 200
          : (ALIYUN_GATEWAY_STATUS[code] ?? 400))
      if (status === 200) return business(code, message ?? code)
      return { status, body: aliGatewayBody(randomUUID().toUpperCase(), code, message ?? code) }
    },
    throttleReply: () => ({
      status: 400,
      body: aliGatewayBody(
        randomUUID().toUpperCase(),
        'Throttling.User',
        'Request was denied due to user flow control.',
      ),
    }),
  }
}
