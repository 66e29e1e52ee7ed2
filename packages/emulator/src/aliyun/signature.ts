// Aliyun request signatures, written from the vendor note §2: RPC v1 (HMAC-SHA1) and ACS3
// (HMAC-SHA256, the current SDK's default). Hand-written verification on purpose: the emulator
// is the vendor side and must not share code with the adapters' signers, and no library
// verifies these signatures.
import * as nodeCrypto from 'node:crypto'
import { createHash, createHmac } from 'node:crypto'
import type { HmacKey } from '../hmac'
import { hmacDigest, prepareHmacKey } from '../hmac'

const oneShotHash: typeof nodeCrypto.hash | undefined = nodeCrypto.hash

const UNRESERVED = /^[A-Za-z0-9\-_.~]*$/
const SUB_DELIMS = /[!'()*]/

/** Aliyun's percentEncode: RFC 3986, so `*` is %2A, space %20 and `~` stays literal. */
export const percentEncode = (s: string): string => {
  // Most values (ids, numbers, action names) need no encoding: skip the work on the hot path.
  if (UNRESERVED.test(s)) return s
  const e = encodeURIComponent(s)
  return SUB_DELIMS.test(e)
    ? e.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    : e
}

const byKey = (a: readonly [string, string], b: readonly [string, string]): number =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0

/**
 * Sorts pairs by key, stable. A request carries a dozen or so parameters: an insertion sort with
 * the comparison inline is about twice as fast as Array.prototype.sort with a comparator there.
 */
const sortByKey = <P extends readonly [string, string]>(pairs: P[]): P[] => {
  if (pairs.length > 32) return pairs.sort(byKey)
  for (let i = 1; i < pairs.length; i++) {
    const current = pairs[i] as P
    let j = i - 1
    while (j >= 0 && (pairs[j] as P)[0] > current[0]) {
      pairs[j + 1] = pairs[j] as P
      j--
    }
    pairs[j + 1] = current
  }
  return pairs
}

/** Each ASCII character encoded twice: itself when unreserved, else `%25` and its hex code. */
const TWICE_ASCII: ReadonlyArray<string> = Array.from({ length: 128 }, (_, c) => {
  const ch = String.fromCharCode(c)
  return UNRESERVED.test(ch) ? ch : `%25${c.toString(16).toUpperCase().padStart(2, '0')}`
})

/**
 * percentEncode applied twice, as the string to sign does to each key and value. The first pass
 * leaves only unreserved characters and `%XX` escapes, so the second one only turns `%` into `%25`.
 */
const encodedTwice = (s: string): string => {
  if (UNRESERVED.test(s)) return s
  // ASCII values (timestamps, Expiration, signatures) in one pass over a table, for speed:
  // encodeURIComponent and two replaces cost about twice as much.
  let out = ''
  let run = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 128) return encodedTwiceGeneral(s)
    const twice = TWICE_ASCII[c] as string
    if (twice.length > 1) {
      out += s.slice(run, i) + twice
      run = i + 1
    }
  }
  return out + s.slice(run)
}

const encodedTwiceGeneral = (s: string): string => {
  const once = percentEncode(s)
  return once.includes('%') ? once.replace(/%/g, '%25') : once
}

/** The RPC v1 string to sign: `METHOD&%2F&percentEncode(sorted canonical query)`. */
export const rpcStringToSign = (
  method: string,
  params: ReadonlyArray<readonly [string, string]>,
): string => {
  // Built in one pass (for speed): percentEncode of the joined `k=v&k=v` canonical query is the
  // pairs encoded twice, joined by the encoded `=` (%3D) and `&` (%26).
  const sorted = sortByKey(params.filter(([k]) => k !== 'Signature'))
  let canonical = ''
  for (const [k, v] of sorted) {
    if (canonical !== '') canonical += '%26'
    canonical += `${encodedTwice(k)}%3D${encodedTwice(v)}`
  }
  return `${method}&%2F&${canonical}`
}

// The key of the last secret seen: an emulator checks every request against one secret.
let lastRpcKey: { readonly secret: string; readonly key: HmacKey } | undefined

/** The RPC v1 signature: base64(HMAC-SHA1(secret + '&', stringToSign)). */
export const rpcSignature = (
  secret: string,
  method: string,
  params: ReadonlyArray<readonly [string, string]>,
): string => {
  if (lastRpcKey?.secret !== secret) {
    lastRpcKey = { secret, key: prepareHmacKey('sha1', `${secret}&`) }
  }
  return hmacDigest(lastRpcKey.key, rpcStringToSign(method, params), 'base64')
}

/** SHA-256 of `data` as lower-case hex. */
export const sha256Hex = (data: string | Buffer): string =>
  // crypto.hash (Node ≥ 20.12) skips the Hash object: about 3× cheaper per request.
  typeof oneShotHash === 'function'
    ? oneShotHash('sha256', data, 'hex')
    : createHash('sha256').update(data).digest('hex')

/** Everything that goes into an ACS3-HMAC-SHA256 signature. */
export interface Acs3Input {
  readonly method: string
  readonly path: string
  readonly query: ReadonlyArray<readonly [string, string]>
  /** Lower-cased signed header name → value. */
  readonly headers: Readonly<Record<string, string>>
  readonly signedHeaders: ReadonlyArray<string>
  readonly payloadHash: string
}

/** The ACS3 canonical request (keys and values percent-encoded, sorted by key). */
export const acs3CanonicalRequest = (input: Acs3Input): string => {
  const query = input.query
    .map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
    .sort(byKey)
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
  const names = [...input.signedHeaders].sort()
  const headerBlock = names.map((n) => `${n}:${(input.headers[n] ?? '').trim()}\n`).join('')
  return [
    input.method.toUpperCase(),
    input.path,
    query,
    headerBlock,
    names.join(';'),
    input.payloadHash,
  ].join('\n')
}

/** The ACS3 signature: hex(HMAC-SHA256(secret, "ACS3-HMAC-SHA256\n" + hex(sha256(canonical)))). */
export const acs3Signature = (secret: string, input: Acs3Input): string =>
  createHmac('sha256', secret)
    .update(`ACS3-HMAC-SHA256\n${sha256Hex(acs3CanonicalRequest(input))}`, 'utf8')
    .digest('hex')

/** A parsed `ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…` header. */
export interface Acs3Authorization {
  readonly accessKeyId: string
  readonly signedHeaders: ReadonlyArray<string>
  readonly signature: string
}

/** Parses an ACS3 Authorization header; undefined when it is not one. */
export const parseAcs3Authorization = (header: string): Acs3Authorization | undefined => {
  const m = /^ACS3-HMAC-SHA256\s+(.*)$/.exec(header.trim())
  if (m === null || m[1] === undefined) return undefined
  const fields: Record<string, string> = {}
  for (const part of m[1].split(',')) {
    const eq = part.indexOf('=')
    if (eq > 0) fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim()
  }
  const accessKeyId = fields['Credential']
  const signed = fields['SignedHeaders']
  const signature = fields['Signature']
  if (!accessKeyId || signed === undefined || signature === undefined) return undefined
  return {
    accessKeyId,
    signedHeaders: signed
      .split(';')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
    signature: signature.toLowerCase(),
  }
}

// Requests signed within the same second carry the same timestamp: the last one parsed is kept.
let lastTimestamp: { readonly s: string; readonly ms: number | undefined } | undefined

/** Parses the UTC `yyyy-MM-ddTHH:mm:ssZ` timestamps of both signature versions. */
export const parseAcsTimestamp = (s: string): number | undefined => {
  if (lastTimestamp?.s !== s) lastTimestamp = { s, ms: parseTimestampUncached(s) }
  return lastTimestamp.ms
}

const parseTimestampUncached = (s: string): number | undefined => {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(s)) return undefined
  const t = Date.parse(s)
  return Number.isNaN(t) ? undefined : t
}
