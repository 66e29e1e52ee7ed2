// Volcengine "HMAC-SHA256" (V4-style) request signing, written from the vendor note §5.
// The emulator verifies signatures with its own code on purpose: it is the vendor side of the
// contract, so it must not share a signer with the adapters it tests (one bug would hide
// another), and no published library verifies (rather than creates) these signatures.
import * as nodeCrypto from 'node:crypto'
import { createHash, createHmac } from 'node:crypto'
import type { HmacKey } from '../hmac'
import { hmacDigest, prepareHmacKey } from '../hmac'

const oneShotHash: typeof nodeCrypto.hash | undefined = nodeCrypto.hash

/** SHA-256 of `data` as lower-case hex. */
export const sha256Hex = (data: string | Buffer): string =>
  // crypto.hash (Node ≥ 20.12) skips the Hash object: about 3× cheaper per request.
  typeof oneShotHash === 'function'
    ? oneShotHash('sha256', data, 'hex')
    : createHash('sha256').update(data).digest('hex')

const hmac = (key: string | Buffer, data: string): Buffer =>
  createHmac('sha256', key).update(data, 'utf8').digest()

const UNRESERVED = /^[A-Za-z0-9\-_.~]*$/
const SUB_DELIMS = /[!'()*]/

/** RFC 3986 encoding: only A-Z a-z 0-9 - _ . ~ stay literal; space is %20. */
export const rfc3986 = (s: string): string => {
  if (UNRESERVED.test(s)) return s
  const e = encodeURIComponent(s)
  return SUB_DELIMS.test(e)
    ? e.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    : e
}

/** The canonical query string: pairs encoded, sorted by key (then value), joined by `&`. */
export const canonicalQuery = (pairs: ReadonlyArray<readonly [string, string]>): string =>
  pairs
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')

/** Everything that goes into a Volcengine signature. */
export interface VolcSigningInput {
  readonly method: string
  readonly path: string
  readonly query: ReadonlyArray<readonly [string, string]>
  /** Lower-cased signed header name → its value as sent. */
  readonly headers: Readonly<Record<string, string>>
  /** Lower-case names in the order of the SignedHeaders list. */
  readonly signedHeaders: ReadonlyArray<string>
  readonly payloadHash: string
  /** X-Date, `YYYYMMDD'T'HHMMSS'Z'`. */
  readonly xDate: string
  readonly region: string
  readonly service: string
  readonly secretAccessKey: string
}

// The sorted SignedHeaders of the last list seen: parseVolcAuthorization hands out the same
// frozen array for the same header list, so this skips a copy, a sort and a join per request.
// Only frozen lists are remembered: a caller's own array could change between two calls.
let lastSigned:
  | { readonly list: ReadonlyArray<string>; readonly sorted: string[]; readonly joined: string }
  | undefined

const sortedNames = (list: ReadonlyArray<string>): { sorted: string[]; joined: string } => {
  if (lastSigned?.list === list) return lastSigned
  const sorted = [...list].sort()
  const names = { list, sorted, joined: sorted.join(';') }
  if (Object.isFrozen(list)) lastSigned = names
  return names
}

/** The canonical request of the note §5.2. */
export const volcCanonicalRequest = (input: VolcSigningInput): string => {
  const { sorted, joined } = sortedNames(input.signedHeaders)
  let headerBlock = ''
  for (const n of sorted) headerBlock += `${n}:${(input.headers[n] ?? '').trim()}\n`
  return `${input.method.toUpperCase()}\n${input.path}\n${canonicalQuery(input.query)}\n${headerBlock}\n${joined}\n${input.payloadHash}`
}

/** The hex signature of the note §5.3–5.4. */
export const volcSignature = (input: VolcSigningInput): string => {
  const date = input.xDate.slice(0, 8)
  const scope = `${date}/${input.region}/${input.service}/request`
  const stringToSign = `HMAC-SHA256\n${input.xDate}\n${scope}\n${sha256Hex(volcCanonicalRequest(input))}`
  return hmacDigest(
    signingKey(input.secretAccessKey, date, input.region, input.service),
    stringToSign,
    'hex',
  )
}

// The derived key changes once a day; caching the last one saves four HMACs per request.
let lastKey: { id: string; key: HmacKey } | undefined

/** kSigning = HMAC(HMAC(HMAC(HMAC(SK, date), region), service), "request"). */
const signingKey = (secret: string, date: string, region: string, service: string): HmacKey => {
  const id = `${date}\n${region}\n${service}\n${secret}`
  if (lastKey?.id === id) return lastKey.key
  const kDate = hmac(secret, date)
  const kRegion = hmac(kDate, region)
  const kService = hmac(kRegion, service)
  const key = prepareHmacKey('sha256', hmac(kService, 'request'))
  lastKey = { id, key }
  return key
}

/** A parsed `Authorization: HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header. */
export interface VolcAuthorization {
  readonly accessKeyId: string
  readonly date: string
  readonly region: string
  readonly service: string
  readonly signedHeaders: ReadonlyArray<string>
  readonly signature: string
}

const AUTHORIZATION = /^HMAC-SHA256\s+(.*)$/

// The Credential and SignedHeaders of a client stay the same from one request to the next (only
// the date moves, once a day): the last ones parsed are kept, so a request parses its Signature
// alone. The cached list is shared: callers treat it as read-only.
let lastCredential: { readonly raw: string; readonly parts: string[] } | undefined
let lastSignedHeaders: { readonly raw: string; readonly list: ReadonlyArray<string> } | undefined

const credentialParts = (raw: string): string[] => {
  if (lastCredential?.raw !== raw) lastCredential = { raw, parts: raw.split('/') }
  return lastCredential.parts
}

const signedHeaderList = (raw: string): ReadonlyArray<string> => {
  if (lastSignedHeaders?.raw !== raw) {
    const list = Object.freeze(
      raw
        .split(';')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    )
    lastSignedHeaders = { raw, list }
  }
  return lastSignedHeaders.list
}

/** Parses the Authorization header; undefined when it is not a well-formed HMAC-SHA256 one. */
export const parseVolcAuthorization = (header: string): VolcAuthorization | undefined => {
  const m = AUTHORIZATION.exec(header.trim())
  if (m === null || m[1] === undefined) return undefined
  const rest = m[1]
  // `Name=value` fields separated by commas; a later field of the same name wins.
  let credentialRaw: string | undefined
  let signed: string | undefined
  let signature: string | undefined
  let start = 0
  while (start <= rest.length) {
    let end = rest.indexOf(',', start)
    if (end < 0) end = rest.length
    const eq = rest.indexOf('=', start)
    if (eq >= 0 && eq < end) {
      const name = rest.slice(start, eq).trim()
      if (name !== '') {
        const value = rest.slice(eq + 1, end).trim()
        if (name === 'Credential') credentialRaw = value
        else if (name === 'SignedHeaders') signed = value
        else if (name === 'Signature') signature = value
      }
    }
    start = end + 1
  }
  const credential = credentialRaw === undefined ? undefined : credentialParts(credentialRaw)
  if (credential?.length !== 5 || signed === undefined || signature === undefined) return undefined
  const [accessKeyId, date, region, service, terminator] = credential as [
    string,
    string,
    string,
    string,
    string,
  ]
  if (terminator !== 'request' || accessKeyId === '') return undefined
  return {
    accessKeyId,
    date,
    region,
    service,
    signedHeaders: signedHeaderList(signed),
    signature: signature.toLowerCase(),
  }
}

// Requests signed within the same second carry the same X-Date: the last one parsed is kept.
let lastXDate: { readonly s: string; readonly ms: number | undefined } | undefined

/** Parses X-Date `20201230T081805Z` to epoch ms. */
export const parseXDate = (s: string): number | undefined => {
  if (lastXDate?.s !== s) lastXDate = { s, ms: parseXDateUncached(s) }
  return lastXDate.ms
}

const parseXDateUncached = (s: string): number | undefined => {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s)
  if (m === null) return undefined
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const t = Date.UTC(y, mo - 1, d, h, mi, se)
  return Number.isNaN(t) ? undefined : t
}
