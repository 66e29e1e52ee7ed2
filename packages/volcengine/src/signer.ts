/**
 * Volcengine "HMAC-SHA256" (V4-style) request signing, vendor note §5.
 *
 * Hand-written on purpose: the only maintained signer (`@volcengine/openapi`) comes bundled with
 * the vendor SDK and its HTTP client, and it reads the clock itself; this one is a pure function
 * of its inputs (the time is a parameter), so it can be pinned to the published vectors.
 */
import { createHash, createHmac } from 'node:crypto'

/** Everything a Volcengine signature depends on. No I/O, no clock: `date` is given. */
export interface VolcengineSignInput {
  readonly method: string
  /** Host as the transport sends it in the Host header ('cloud-vms.volcengineapi.com'). */
  readonly host: string
  /** Request path, '/' for vms. */
  readonly path: string
  /** Query parameters (Action, Version, and any GET parameters). */
  readonly query: Readonly<Record<string, string>> | ReadonlyArray<readonly [string, string]>
  /** Extra headers to sign and send, e.g. Content-Type. Host, X-Date, X-Content-Sha256 are added. */
  readonly headers: Readonly<Record<string, string>>
  /** The exact body bytes, as a string ('' for none). */
  readonly body: string
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly region: string
  readonly service: string
  /** The signing instant (becomes X-Date). */
  readonly date: Date
}

/** The headers a request must carry besides the ones it was signed with. */
export interface VolcengineSignedHeaders {
  readonly 'X-Date': string
  readonly 'X-Content-Sha256': string
  readonly Authorization: string
}

const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex')

const hmac = (key: string | Buffer, data: string): Buffer =>
  createHmac('sha256', key).update(data, 'utf8').digest()

/** RFC 3986 escaping: only `A-Za-z0-9-_.~` stay literal, space is %20, hex upper case. */
export const rfc3986 = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

/** X-Date format: `YYYYMMDD'T'HHMMSS'Z'` in UTC. */
export const formatXDate = (date: Date): string =>
  date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '')

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** The canonical query: pairs escaped, sorted by key then value (ASCII), joined by `&`. */
export const canonicalQuery = (query: VolcengineSignInput['query']): string => {
  const pairs: ReadonlyArray<readonly [string, string]> = Array.isArray(query)
    ? (query as ReadonlyArray<readonly [string, string]>)
    : Object.entries(query as Readonly<Record<string, string>>)
  return pairs
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([ka, va], [kb, vb]) => compare(ka, kb) || compare(va, vb))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
}

const canonicalPath = (path: string): string =>
  path === '' ? '/' : path.split('/').map(rfc3986).join('/')

// GO drops the default ports from the signed host; so do we, since the transports omit them too.
const canonicalHost = (host: string): string => host.replace(/:(80|443)$/, '')

// Deriving the key costs four HMACs; it changes only per day, region, service and secret.
// Memoised by a hash of the secret (never the secret itself), which keeps the function pure
// from the caller's point of view.
// In front of it, the last key used, compared as is: a provider signs every call with one
// secret, and hashing the secret to look the key up cost ≈ 1.5 µs a call.
const keyCache = new Map<string, Buffer>()
let last: { secret: string; day: string; region: string; service: string; key: Buffer } | undefined

const signingKey = (secret: string, day: string, region: string, service: string): Buffer => {
  if (
    last !== undefined &&
    last.secret === secret &&
    last.day === day &&
    last.region === region &&
    last.service === service
  )
    return last.key
  const id = `${sha256Hex(secret)}/${day}/${region}/${service}`
  let key = keyCache.get(id)
  if (key === undefined) {
    key = hmac(hmac(hmac(hmac(secret, day), region), service), 'request')
    if (keyCache.size > 64) keyCache.clear()
    keyCache.set(id, key)
  }
  last = { secret, day, region, service, key }
  return key
}

/** The canonical request (note §5.2) for the given input and content hash. */
export function canonicalRequest(input: VolcengineSignInput, xDate: string, bodyHash: string) {
  const headers = new Map<string, string>()
  for (const [k, v] of Object.entries(input.headers)) headers.set(k.toLowerCase(), v.trim())
  headers.set('host', canonicalHost(input.host))
  headers.set('x-date', xDate)
  headers.set('x-content-sha256', bodyHash)
  const names = [...headers.keys()].sort(compare)
  const block = names.map((n) => `${n}:${headers.get(n) ?? ''}\n`).join('')
  const signedHeaders = names.join(';')
  const text = [
    input.method.toUpperCase(),
    canonicalPath(input.path),
    canonicalQuery(input.query),
    block,
    signedHeaders,
    bodyHash,
  ].join('\n')
  return { text, signedHeaders }
}

/**
 * Signs one request (vendor note §5). Returns the headers to add: X-Date, X-Content-Sha256 and
 * Authorization. Every header in `input.headers` plus host, x-date and x-content-sha256 is
 * signed, so passing `Content-Type` gives the recommended `content-type;host;x-content-sha256;
 * x-date`.
 */
export function signVolcengine(input: VolcengineSignInput): VolcengineSignedHeaders {
  const xDate = formatXDate(input.date)
  const day = xDate.slice(0, 8)
  const bodyHash = sha256Hex(input.body)
  const { text, signedHeaders } = canonicalRequest(input, xDate, bodyHash)
  const scope = `${day}/${input.region}/${input.service}/request`
  const stringToSign = ['HMAC-SHA256', xDate, scope, sha256Hex(text)].join('\n')
  const key = signingKey(input.secretAccessKey, day, input.region, input.service)
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex')
  return {
    'X-Date': xDate,
    'X-Content-Sha256': bodyHash,
    Authorization: `HMAC-SHA256 Credential=${input.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  }
}
