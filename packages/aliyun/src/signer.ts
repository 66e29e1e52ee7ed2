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
  const stringToSign = `${input.method}&%2F&${percentEncode(canonical)}`
  return { stringToSign, signature: v1Key(input.accessKeySecret)(stringToSign, 'base64') }
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

// The request's bytes are built in scratch buffers, reused call after call (signing is
// synchronous): the URL (origin, `/?`, canonical query) and, in the same pass, the v1
// string-to-sign (`POST&%2F&` + the query percent-encoded again). Each key and value is
// percent-encoded as it is written, byte by byte. Built as strings these were the largest
// share of a bind's garbage (≈ 4.7 kB of ≈ 22 kB: each pair's encoded strings and templates,
// the cons strings joining them, the encoded copy and its `ipad + message` copy for the HMAC).
const DEFAULT_BYTES = 4096
const MAX_KEPT_BYTES = 64 * 1024
let url: Buffer = Buffer.alloc(DEFAULT_BYTES)
let sts: Buffer = Buffer.alloc(2 * DEFAULT_BYTES)
let u = 0 // bytes of `url` written
let s = 0 // bytes of `sts` written

// 1 for the bytes percentEncode keeps literal: A-Z a-z 0-9 - _ . ~
const UNRESERVED_BYTE = new Uint8Array(128)
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~')
  UNRESERVED_BYTE[c.charCodeAt(0)] = 1
const HEX_DIGIT = Array.from('0123456789ABCDEF', (c) => c.charCodeAt(0))
const PCT = 0x25 // '%'
const SIGNATURE_KEY = Buffer.from('&Signature=', 'latin1')

// Room for `moreUrl` and `moreSts` further bytes, growing a buffer (content kept) if needed.
function room(moreUrl: number, moreSts: number): void {
  if (u + moreUrl > url.length) url = grownCopy(url, u, u + moreUrl)
  if (s + moreSts > sts.length) sts = grownCopy(sts, s, s + moreSts)
}
function grownCopy(buf: Buffer, used: number, most: number): Buffer {
  const bigger = Buffer.alloc(Math.max(most, 2 * buf.length))
  buf.copy(bigger, 0, 0, used)
  return bigger
}

// An ASCII text already percent-encoded: as it is to the URL and, `%` encoded again as `%25`,
// to the string-to-sign (an encoded text holds no `=` or `&`).
function writeEncoded(text: string): void {
  room(text.length, 3 * text.length)
  // Locals in the loop: the module's `url`/`u` would be reloaded on every byte.
  const ub = url
  const sb = sts
  let uu = u
  let ss = s
  for (let j = 0; j < text.length; j++) {
    const c = text.charCodeAt(j)
    ub[uu++] = c
    sb[ss++] = c
    if (c === PCT) {
      sb[ss++] = 0x32 // '2'
      sb[ss++] = 0x35 // '5'
    }
  }
  u = uu
  s = ss
}

// A plain text, percent-encoded as it is written: what `writeEncoded(percentEncode(text))`
// writes, without building the encoded string. Non-ASCII text (rare: city names, Chinese
// OutIds) takes that slower way; a lone surrogate throws, as percentEncode does.
function writePlain(text: string): void {
  room(3 * text.length, 5 * text.length)
  const ub = url
  const sb = sts
  let uu = u
  let ss = s
  for (let j = 0; j < text.length; j++) {
    const c = text.charCodeAt(j)
    if (c < 0x80 && UNRESERVED_BYTE[c] === 1) {
      ub[uu++] = c
      sb[ss++] = c
    } else if (c < 0x80) {
      const hi = HEX_DIGIT[c >> 4] as number
      const lo = HEX_DIGIT[c & 15] as number
      ub[uu++] = PCT
      ub[uu++] = hi
      ub[uu++] = lo
      sb[ss++] = PCT
      sb[ss++] = 0x32 // '2'
      sb[ss++] = 0x35 // '5'
      sb[ss++] = hi
      sb[ss++] = lo
    } else {
      // Nothing of this text is kept: `u` and `s` still point at its start.
      writeEncoded(percentEncode(text))
      return
    }
  }
  u = uu
  s = ss
}

const isUnreserved = (text: string): boolean => {
  for (let j = 0; j < text.length; j++) {
    const c = text.charCodeAt(j)
    if (c >= 0x80 || UNRESERVED_BYTE[c] !== 1) return false
  }
  return true
}

// The params with percent-encoded keys, sorted by them in byte order (stable: equal keys keep
// their order). Keys are unreserved in practice, so the given pairs are sorted as they are.
// A provider sends the same keys in the same order call after call (only values change), so
// the last plain-key order and its sorting permutation are kept: the next call with those keys
// compares them (string equality of the same constants: a pointer check) and reuses it.
let lastKeys: string[] = []
let lastOrder: number[] = []
function sortedByEncodedKey(params: ReadonlyArray<Param>): Param[] {
  const n = params.length
  const out: Param[] = new Array<Param>(n)
  let same = n === lastKeys.length
  for (let i = 0; i < n && same; i++) same = (params[i] as Param)[0] === lastKeys[i]
  if (same) {
    for (let i = 0; i < n; i++) out[i] = params[lastOrder[i] as number] as Param
    return out
  }
  let plainKeys = true
  for (let i = 0; i < n && plainKeys; i++) plainKeys = isUnreserved((params[i] as Param)[0])
  // Sort indices, then place the pairs; only plain keys are remembered (an encoded key is a
  // new string each call, never worth comparing against).
  const order: number[] = new Array<number>(n)
  const keys: string[] = new Array<string>(n)
  for (let i = 0; i < n; i++) {
    const p = params[i] as Param
    const key = plainKeys ? p[0] : percentEncode(p[0])
    let j = i
    for (; j > 0 && (keys[j - 1] as string) > key; j--) {
      keys[j] = keys[j - 1] as string
      order[j] = order[j - 1] as number
    }
    keys[j] = key
    order[j] = i
  }
  for (let i = 0; i < n; i++) {
    const p = params[order[i] as number] as Param
    out[i] = plainKeys ? p : [keys[i] as string, p[1]]
  }
  if (plainKeys) {
    lastKeys = params.map((p) => p[0])
    lastOrder = order
  }
  return out
}

/**
 * The URL of a v1 call: `origin/?` + the canonical query + `&Signature=…` (the gateway sorts
 * what it verifies itself; Signature may come last, as POP sends it). Same bytes as
 * `${origin}/?${canonicalQuery(params)}&Signature=${percentEncode(signRpcV1(…).signature)}`,
 * which the tests hold it to, for params without a `Signature` of their own (signRpcV1 drops
 * one; signRequest never passes one). `origin` is ASCII (a WHATWG URL's origin is). Throws a
 * URIError on a lone surrogate, as percentEncode does, and a TypeError on a key or value that
 * is not a string (a byte writer would otherwise send it empty).
 */
export function signedV1Url(
  origin: string,
  method: string,
  params: ReadonlyArray<Param>,
  secret: string,
): string {
  const pairs = sortedByEncodedKey(params)
  u = 0
  s = 0
  room(origin.length + 2, method.length + 5)
  u = url.write(origin, 0, 'latin1')
  url[u++] = 0x2f // '/'
  url[u++] = 0x3f // '?'
  s = sts.write(method, 0, 'latin1')
  s += sts.write('&%2F&', s, 'latin1')
  for (let i = 0; i < pairs.length; i++) {
    const p = pairs[i] as Param
    if (typeof p[0] !== 'string' || typeof p[1] !== 'string')
      throw new TypeError(`parameter ${String(p[0])}: key and value must be strings`)
    room(1, 3)
    if (i > 0) {
      url[u++] = 0x26 // '&'
      sts[s++] = PCT
      sts[s++] = 0x32 // '2'
      sts[s++] = 0x36 // '6'
    }
    writeEncoded(p[0])
    room(1, 3)
    url[u++] = 0x3d // '='
    sts[s++] = PCT
    sts[s++] = 0x33 // '3'
    sts[s++] = 0x44 // 'D'
    writePlain(p[1])
  }
  const signature = v1Key(secret)(sts.subarray(0, s), 'base64')
  // `&Signature=` and the encoded signature go to the URL buffer too (writePlain also appends
  // them to the string-to-sign, which is no longer read), so the URL is made in one toString.
  room(SIGNATURE_KEY.length, 0)
  u += SIGNATURE_KEY.copy(url, u)
  writePlain(signature)
  const signed = url.toString('latin1', 0, u)
  // A very large request (a big batch) does not keep its buffers for the process's life.
  if (url.length > MAX_KEPT_BYTES) url = Buffer.alloc(DEFAULT_BYTES)
  if (sts.length > MAX_KEPT_BYTES) sts = Buffer.alloc(2 * DEFAULT_BYTES)
  return signed
}

/** The common parameters of an RPC v1 call (vendor note §2.1), for one action (a fresh array). */
export function rpcV1CommonParams(args: {
  readonly action: string
  readonly accessKeyId: string
  readonly timestamp: Date
  readonly nonce: string
  readonly version?: string
}): Param[] {
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
  // Common then business parameters, pushed into one array (two spreads cost more here).
  const all = rpcV1CommonParams({
    action: input.action,
    accessKeyId: input.accessKeyId,
    timestamp: input.timestamp,
    nonce: input.nonce,
  })
  for (let i = 0; i < input.params.length; i++) all.push(input.params[i] as Param)
  return {
    method: 'POST',
    url: signedV1Url(origin, 'POST', all, input.accessKeySecret),
    headers: V1_HEADERS,
  }
}
const V1_HEADERS: Readonly<Record<string, string>> = Object.freeze({ accept: 'application/json' })
