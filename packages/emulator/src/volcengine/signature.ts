// Volcengine "HMAC-SHA256" (V4-style) request signing, written from the vendor note §5.
// The emulator verifies signatures with its own code on purpose: it is the vendor side of the
// contract, so it must not share a signer with the adapters it tests (one bug would hide
// another), and no published library verifies (rather than creates) these signatures.
import * as nodeCrypto from 'node:crypto'
import { createHash, createHmac } from 'node:crypto'

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

/** The canonical request of the note §5.2. */
export const volcCanonicalRequest = (input: VolcSigningInput): string => {
  const names = [...input.signedHeaders].sort()
  const headerBlock = names.map((n) => `${n}:${(input.headers[n] ?? '').trim()}\n`).join('')
  return [
    input.method.toUpperCase(),
    input.path,
    canonicalQuery(input.query),
    headerBlock,
    names.join(';'),
    input.payloadHash,
  ].join('\n')
}

/** The hex signature of the note §5.3–5.4. */
export const volcSignature = (input: VolcSigningInput): string => {
  const date = input.xDate.slice(0, 8)
  const scope = `${date}/${input.region}/${input.service}/request`
  const stringToSign = [
    'HMAC-SHA256',
    input.xDate,
    scope,
    sha256Hex(volcCanonicalRequest(input)),
  ].join('\n')
  return createHmac('sha256', signingKey(input.secretAccessKey, date, input.region, input.service))
    .update(stringToSign, 'utf8')
    .digest('hex')
}

// The derived key changes once a day; caching the last one saves four HMACs per request.
let lastKey: { id: string; key: Buffer } | undefined

/** kSigning = HMAC(HMAC(HMAC(HMAC(SK, date), region), service), "request"). */
const signingKey = (secret: string, date: string, region: string, service: string): Buffer => {
  const id = `${date}\n${region}\n${service}\n${secret}`
  if (lastKey?.id === id) return lastKey.key
  const kDate = hmac(secret, date)
  const kRegion = hmac(kDate, region)
  const kService = hmac(kRegion, service)
  const key = hmac(kService, 'request')
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

/** Parses the Authorization header; undefined when it is not a well-formed HMAC-SHA256 one. */
export const parseVolcAuthorization = (header: string): VolcAuthorization | undefined => {
  const m = /^HMAC-SHA256\s+(.*)$/.exec(header.trim())
  if (m === null || m[1] === undefined) return undefined
  const fields: Record<string, string> = {}
  for (const part of m[1].split(',')) {
    const eq = part.indexOf('=')
    if (eq > 0) fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim()
  }
  const credential = fields['Credential']?.split('/')
  const signed = fields['SignedHeaders']
  const signature = fields['Signature']
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
    signedHeaders: signed
      .split(';')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
    signature: signature.toLowerCase(),
  }
}

/** Parses X-Date `20201230T081805Z` to epoch ms. */
export const parseXDate = (s: string): number | undefined => {
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
