/**
 * Aliyun request signing (vendor note §2): RPC signature v1 (HMAC-SHA1, the default here) and
 * ACS3-HMAC-SHA256 (v3). Pure functions: no clock, no random source, no I/O — the timestamp and
 * the nonce are parameters, so the published vectors are reproducible byte for byte.
 *
 * Hand-written on purpose: no maintained library signs dypls requests without pulling in the
 * vendor SDK (pop-core / openapi-core and their runtimes), and the algorithms are a few lines.
 */
import { createHash, createHmac } from 'node:crypto'
import { hmacWithKey, type HmacFunction } from '@privacy-number/core'

/** The dypls API version every request names. */
export const DYPLS_VERSION = '2017-05-25'

/** A query parameter: name and value, both plain (not yet encoded). */
export type Param = readonly [string, string]

/**
 * Aliyun's percentEncode: UTF-8 percent-encoding where only `A-Z a-z 0-9 - _ . ~` stay literal
 * (space → %20, `*` → %2A), i.e. `encodeURIComponent` plus the five characters it leaves alone.
 */
export function percentEncode(s: string): string {
  // Most values (keys, digits, ids, UUID nonces) need no encoding at all: skip the work.
  if (UNRESERVED.test(s)) return s
  const encoded = encodeURIComponent(s)
  return SUB_DELIMS.test(encoded)
    ? encoded.replace(SUB_DELIMS_ALL, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    : encoded
}
const UNRESERVED = /^[A-Za-z0-9\-_.~]*$/
const SUB_DELIMS = /[!'()*]/
const SUB_DELIMS_ALL = /[!'()*]/g

// Percent-encoded pairs sorted by key, in byte order of the (ASCII) keys: plain `>` compares
// UTF-16 code units, identical for ASCII. An insertion sort as the pairs are made, stable like
// Array.prototype.sort: a call sorts about 14 pairs, and `sort` copied them into a scratch
// array on every call (≈ 1 kB of a bind's ≈ 23 kB of garbage).
function encodedPairs(params: ReadonlyArray<Param>): Param[] {
  const pairs: Param[] = new Array<Param>(params.length)
  for (let i = 0; i < params.length; i++) {
    const p = params[i] as Param
    const pair: Param = [percentEncode(p[0]), percentEncode(p[1])]
    let j = i
    for (; j > 0 && (pairs[j - 1] as Param)[0] > pair[0]; j--) pairs[j] = pairs[j - 1] as Param
    pairs[j] = pair
  }
  return pairs
}

/** `k=v&…` over percent-encoded, key-sorted pairs (the form both versions sign). */
export function canonicalQuery(params: ReadonlyArray<Param>): string {
  const pairs = encodedPairs(params)
  let out = ''
  for (let i = 0; i < pairs.length; i++) {
    const p = pairs[i] as Param
    out += i === 0 ? `${p[0]}=${p[1]}` : `&${p[0]}=${p[1]}`
  }
  return out
}

// The last second formatted: calls in the same second share the string.
let lastSecond = Number.NaN
let lastStamp = ''

/** The gateway timestamp: UTC `yyyy-MM-ddTHH:mm:ssZ`, no milliseconds. */
export function acsTimestamp(instant: Date): string {
  const second = Math.floor(instant.getTime() / 1000)
  if (second !== lastSecond) {
    // toISOString throws on an invalid Date, as before; only valid instants are cached.
    lastStamp = instant.toISOString().replace(/\.\d{3}Z$/, 'Z')
    lastSecond = second
  }
  return lastStamp
}

// ---------------------------------------------------------------------------------------------
// RPC v1 (HMAC-SHA1)
// ---------------------------------------------------------------------------------------------

/** Input of `signRpcV1`: every parameter that travels (common + business), minus `Signature`. */
export interface RpcV1Input {
  /** The real HTTP method ('POST' here; 'GET' in the docs' vector). */
  readonly method: string
  readonly params: ReadonlyArray<Param>
  readonly accessKeySecret: string
}

/** The result of `signRpcV1`. */
export interface RpcV1Signature {
  readonly stringToSign: string
  /** base64(HMAC-SHA1(secret + '&', stringToSign)). */
  readonly signature: string
}

/**
 * Signs an RPC v1 request: `METHOD&%2F&percentEncode(canonicalQuery)` under HMAC-SHA1 with the
 * key `secret + '&'`. A `Signature` among the params is ignored.
 */
export function signRpcV1(input: RpcV1Input): RpcV1Signature {
  const canonical = canonicalQuery(input.params.filter(([k]) => k !== 'Signature'))
  return signCanonicalV1(input.method, canonical, input.accessKeySecret)
}

// The v1 signature of an already canonical query, so `signRequest` encodes the query once and
// sends the same string it signed (encoding was ≈ 12% of a bind's CPU when done twice).
function signCanonicalV1(method: string, canonical: string, secret: string): RpcV1Signature {
  return signEncodedV1(`${method}&%2F&${percentEncode(canonical)}`, secret)
}

function signEncodedV1(stringToSign: string, secret: string): RpcV1Signature {
  return { stringToSign, signature: v1Key(secret)(stringToSign, 'base64') }
}

// The HMAC key of the last secret used (a provider signs every call with one secret): its pads
// are prepared once instead of on every call. One entry, so a process holds no more than the
// secret its provider holds anyway.
let lastSecret: string | undefined
let lastKey: HmacFunction | undefined
function v1Key(secret: string): HmacFunction {
  if (secret !== lastSecret || lastKey === undefined) {
    lastKey = hmacWithKey('sha1', `${secret}&`)
    lastSecret = secret
  }
  return lastKey
}

/**
 * The canonical query and, in the same pass, its percent-encoded form as it appears in the v1
 * string-to-sign. Every key and value is already percent-encoded, so the canonical string holds
 * only unreserved characters, `%`, `=` and `&`: encoding it again turns exactly those three into
 * `%25`, `%3D` and `%26` (the tests hold this to `percentEncode(canonicalQuery(…))`).
 */
export function canonicalQueryV1(params: ReadonlyArray<Param>): {
  readonly query: string
  readonly encoded: string
} {
  const pairs = encodedPairs(params)
  let query = ''
  let encoded = ''
  for (let i = 0; i < pairs.length; i++) {
    const [k, v] = pairs[i] as Param
    const k2 = k.includes('%') ? k.replace(PERCENT, '%25') : k
    const v2 = v.includes('%') ? v.replace(PERCENT, '%25') : v
    query += i === 0 ? `${k}=${v}` : `&${k}=${v}`
    encoded += i === 0 ? `${k2}%3D${v2}` : `%26${k2}%3D${v2}`
  }
  return { query, encoded }
}
const PERCENT = /%/g

/** The common parameters of an RPC v1 call (vendor note §2.1), for one action. */
export function rpcV1CommonParams(args: {
  readonly action: string
  readonly accessKeyId: string
  readonly timestamp: Date
  readonly nonce: string
  readonly version?: string
}): ReadonlyArray<Param> {
  return [
    ['Action', args.action],
    ['Version', args.version ?? DYPLS_VERSION],
    ['Format', 'JSON'],
    ['AccessKeyId', args.accessKeyId],
    ['SignatureMethod', 'HMAC-SHA1'],
    ['SignatureVersion', '1.0'],
    ['SignatureNonce', args.nonce],
    ['Timestamp', acsTimestamp(args.timestamp)],
  ]
}

// ---------------------------------------------------------------------------------------------
// ACS3-HMAC-SHA256 (v3)
// ---------------------------------------------------------------------------------------------

/** SHA-256 as lower-case hex. */
export const sha256Hex = (data: string): string =>
  createHash('sha256').update(data, 'utf8').digest('hex')

/** Input of `signAcs3`. */
export interface Acs3Input {
  readonly method: string
  /** The path, '/' for RPC-style APIs. */
  readonly path: string
  /** Business parameters (v3 sends nothing else in the query). */
  readonly query: ReadonlyArray<Param>
  /** Request headers; `host`, `content-type` and every `x-acs-*` header are signed. */
  readonly headers: Readonly<Record<string, string>>
  /** hex(sha256(body)); the body of a dypls call is empty. */
  readonly payloadHash: string
  readonly accessKeyId: string
  readonly accessKeySecret: string
  /** `canonicalQuery(query)` when the caller has it already (it is not computed twice). */
  readonly canonicalQuery?: string
}

/** The result of `signAcs3`. */
export interface Acs3Signature {
  readonly canonicalRequest: string
  readonly hashedCanonicalRequest: string
  readonly signedHeaders: string
  readonly signature: string
  /** The `Authorization` header value. */
  readonly authorization: string
}

/**
 * Signs an ACS3-HMAC-SHA256 request: canonical request → `ACS3-HMAC-SHA256\n` + its SHA-256 →
 * hex(HMAC-SHA256(secret, ·)). The key is the plain secret (no `&`, unlike v1).
 */
export function signAcs3(input: Acs3Input): Acs3Signature {
  const signed = new Map<string, string[]>()
  for (const [name, value] of Object.entries(input.headers)) {
    const lower = name.toLowerCase()
    if (lower === 'host' || lower === 'content-type' || lower.startsWith('x-acs-')) {
      // Duplicate names (different case) merge, their trimmed values sorted and comma-joined.
      signed.set(lower, [...(signed.get(lower) ?? []), value.trim()])
    }
  }
  const names = [...signed.keys()].sort()
  const headerBlock = names
    .map((n) => `${n}:${[...(signed.get(n) ?? [])].sort().join(',')}\n`)
    .join('')
  const signedHeaders = names.join(';')
  const canonicalRequest = [
    input.method.toUpperCase(),
    input.path,
    input.canonicalQuery ?? canonicalQuery(input.query),
    headerBlock,
    signedHeaders,
    input.payloadHash,
  ].join('\n')
  const hashedCanonicalRequest = sha256Hex(canonicalRequest)
  const signature = createHmac('sha256', input.accessKeySecret)
    .update(`ACS3-HMAC-SHA256\n${hashedCanonicalRequest}`, 'utf8')
    .digest('hex')
  return {
    canonicalRequest,
    hashedCanonicalRequest,
    signedHeaders,
    signature,
    authorization: `ACS3-HMAC-SHA256 Credential=${input.accessKeyId},SignedHeaders=${signedHeaders},Signature=${signature}`,
  }
}

// ---------------------------------------------------------------------------------------------
// a whole request
// ---------------------------------------------------------------------------------------------

/** Everything needed to build one signed dypls call. */
export interface SignRequestInput {
  readonly endpoint: string
  readonly action: string
  /** Business parameters, already strings (undefined values are dropped before this). */
  readonly params: ReadonlyArray<Param>
  readonly accessKeyId: string
  readonly accessKeySecret: string
  readonly signatureVersion: 'v1' | 'v3'
  readonly timestamp: Date
  readonly nonce: string
}

/** A signed request, ready for a transport: POST, every parameter in the query, empty body. */
export interface SignedRequest {
  readonly method: 'POST'
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
}

const EMPTY_SHA256 = sha256Hex('')

// A provider signs every call for the same endpoint: parse it once (a URL object per call was a
// visible cost), keyed by the endpoint string.
const endpoints = new Map<string, { readonly origin: string; readonly host: string }>()
function endpointParts(endpoint: string): { readonly origin: string; readonly host: string } {
  let parts = endpoints.get(endpoint)
  if (parts === undefined) {
    const base = new URL(endpoint)
    parts = { origin: `${base.protocol}//${base.host}`, host: base.host }
    if (endpoints.size < 64) endpoints.set(endpoint, parts)
  }
  return parts
}

/**
 * Builds a signed POST for one action. v1: common and business parameters plus `Signature` in
 * the query. v3: business parameters in the query, Action/Version/date/nonce in `x-acs-*`
 * headers, and an `Authorization` header. Both send an empty body (vendor note §0).
 */
export function signRequest(input: SignRequestInput): SignedRequest {
  const { origin, host } = endpointParts(input.endpoint)
  if (input.signatureVersion === 'v3') {
    const headers: Record<string, string> = {
      host,
      'x-acs-action': input.action,
      'x-acs-version': DYPLS_VERSION,
      'x-acs-date': acsTimestamp(input.timestamp),
      'x-acs-signature-nonce': input.nonce,
      'x-acs-content-sha256': EMPTY_SHA256,
    }
    const query = canonicalQuery(input.params)
    const signed = signAcs3({
      method: 'POST',
      path: '/',
      query: input.params,
      canonicalQuery: query,
      headers,
      payloadHash: EMPTY_SHA256,
      accessKeyId: input.accessKeyId,
      accessKeySecret: input.accessKeySecret,
    })
    return {
      method: 'POST',
      url: `${origin}/${query === '' ? '' : `?${query}`}`,
      headers: { ...headers, accept: 'application/json', authorization: signed.authorization },
    }
  }
  const all = [
    ...rpcV1CommonParams({
      action: input.action,
      accessKeyId: input.accessKeyId,
      timestamp: input.timestamp,
      nonce: input.nonce,
    }),
    ...input.params,
  ]
  const { query, encoded } = canonicalQueryV1(all)
  const { signature } = signEncodedV1(`POST&%2F&${encoded}`, input.accessKeySecret)
  // The gateway sorts what it verifies itself; Signature may come last, as POP sends it.
  return {
    method: 'POST',
    url: `${origin}/?${query}&Signature=${percentEncode(signature)}`,
    headers: { accept: 'application/json' },
  }
}
