/**
 * Binding refs: an opaque, versioned, URL-safe string a caller stores in its database. It
 * carries what every later operation needs (vendor, pool, kind, subscription id, X), so unbind,
 * update and query need no lookup table.
 */
import * as E from 'fp-ts/Either'
import { invalidArgument, type InvalidArgument } from './errors'
import type { BindingKind } from './model'

/** The decoded content of a ref. */
export interface RefParts {
  readonly vendor: string
  /** Volcengine NumberPoolNo, Aliyun PoolKey. */
  readonly pool: string
  readonly kind: BindingKind
  readonly subscriptionId: string
  readonly x: string
}

const PREFIX = 'pn1.'
const KINDS: ReadonlySet<string> = new Set(['AXB', 'AXN', 'AXG'])

/** Encodes a ref: `pn1.` + base64url(JSON array). */
export function formatRef(parts: RefParts): string {
  const payload = JSON.stringify([
    parts.vendor,
    parts.pool,
    parts.kind,
    parts.subscriptionId,
    parts.x,
  ])
  return PREFIX + Buffer.from(payload, 'utf8').toString('base64url')
}

/** Decodes a ref; anything that is not a ref this library wrote is `InvalidArgument`. */
export function parseRef(ref: unknown): E.Either<InvalidArgument, RefParts> {
  const bad = (why: string) => E.left(invalidArgument('ref', `ref ${why}`))
  if (typeof ref !== 'string') return bad('must be a string')
  if (!ref.startsWith(PREFIX)) return bad('is not a privacy-number binding ref (pn1.…)')
  const body = ref.slice(PREFIX.length)
  if (!/^[A-Za-z0-9_-]+$/.test(body)) return bad('is not URL-safe base64')
  let decoded: unknown
  try {
    decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'))
  } catch {
    return bad('is corrupt')
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 5 ||
    !decoded.every((v) => typeof v === 'string')
  )
    return bad('is corrupt')
  const [vendor, pool, kind, subscriptionId, x] = decoded as string[]
  if (!KINDS.has(kind ?? '')) return bad('names an unknown binding kind')
  // The pool may be empty (a vendor without pools); a ref without vendor, id or X is useless.
  if (vendor === '' || subscriptionId === '' || x === '') return bad('is corrupt')
  return E.right({
    vendor: vendor ?? '',
    pool: pool ?? '',
    kind: kind as BindingKind,
    subscriptionId: subscriptionId ?? '',
    x: x ?? '',
  })
}
