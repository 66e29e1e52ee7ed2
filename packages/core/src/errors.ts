/**
 * The error union (DESIGN §2.3): one plain discriminated union on `_tag`, never thrown for an
 * expected failure. Every member says whether the operation was certainly not applied
 * (`outcome`) and whether trying again may help (`retryable`).
 */
import { maskPhonesInText } from './mask'

// ---------------------------------------------------------------------------------------------
// model
// ---------------------------------------------------------------------------------------------

/** Was the operation certainly not applied at the vendor ('not-applied'), or may it have been? */
export type Outcome = 'not-applied' | 'unknown'

/** Fields every error carries. Messages never hold secrets; phone numbers in them are masked. */
export interface ErrorCommon {
  readonly message: string
  readonly vendor?: string
  readonly vendorCode?: string
  readonly vendorMessage?: string
  readonly requestId?: string
  readonly httpStatus?: number
  readonly retryable: boolean
  readonly outcome: Outcome
  /** `update` only: the fields applied before this failure, in the order they were sent. */
  readonly applied?: ReadonlyArray<string>
}

/** Bad input; `field` is the path of the offending field ('b', 'select.fallbackCities[2]'). */
export interface InvalidArgument extends ErrorCommon {
  readonly _tag: 'InvalidArgument'
  readonly field: string
}
/** The provider lacks this kind or operation. */
export interface Unsupported extends ErrorCommon {
  readonly _tag: 'Unsupported'
  readonly operation?: string
}
/** No X left in the pool or city. */
export interface NoAvailableNumber extends ErrorCommon {
  readonly _tag: 'NoAvailableNumber'
  readonly city?: string
}
/** A party is already bound to that X, or X is occupied. */
export interface BindingConflict extends ErrorCommon {
  readonly _tag: 'BindingConflict'
}
/** No such binding (or group). */
export interface BindingNotFound extends ErrorCommon {
  readonly _tag: 'BindingNotFound'
}
/** A party is frozen, blacklisted or over its call frequency. */
export interface RiskControlled extends ErrorCommon {
  readonly _tag: 'RiskControlled'
}
/** Vendor QPS limit. */
export interface RateLimited extends ErrorCommon {
  readonly _tag: 'RateLimited'
  readonly retryAfterMs?: number
}
/** Credentials, signature, clock skew or permission. */
export interface AuthFailed extends ErrorCommon {
  readonly _tag: 'AuthFailed'
}
/** Account frozen, product not opened, arrears. */
export interface AccountUnavailable extends ErrorCommon {
  readonly _tag: 'AccountUnavailable'
}
/** A vendor-side fault (5xx, system error). */
export interface VendorUnavailable extends ErrorCommon {
  readonly _tag: 'VendorUnavailable'
}
/** No answer within the time limit. */
export interface Timeout extends ErrorCommon {
  readonly _tag: 'Timeout'
  readonly timeoutMs?: number
}
/** Connection refused or reset, DNS failure. */
export interface NetworkError extends ErrorCommon {
  readonly _tag: 'NetworkError'
  /** The system error code, e.g. 'ECONNREFUSED'. */
  readonly code?: string
}
/** The answer did not decode (HTML error page, truncated JSON, wrong types). */
export interface InvalidResponse extends ErrorCommon {
  readonly _tag: 'InvalidResponse'
  /** The raw body, truncated, for diagnosis. */
  readonly body?: string
}
/** An unmapped vendor code (kept in `vendorCode`). */
export interface Unknown extends ErrorCommon {
  readonly _tag: 'Unknown'
}
/** One provider's try inside the client. */
export interface ProviderAttempt {
  readonly vendor: string
  readonly error: PrivacyNumberError
  readonly durationMs: number
}
/** Client only: every provider failed. */
export interface AllProvidersFailed extends ErrorCommon {
  readonly _tag: 'AllProvidersFailed'
  readonly attempts: ReadonlyArray<ProviderAttempt>
}

/** Every error an operation of this library can return. */
export type PrivacyNumberError =
  | InvalidArgument
  | Unsupported
  | NoAvailableNumber
  | BindingConflict
  | BindingNotFound
  | RiskControlled
  | RateLimited
  | AuthFailed
  | AccountUnavailable
  | VendorUnavailable
  | Timeout
  | NetworkError
  | InvalidResponse
  | Unknown
  | AllProvidersFailed

/** The `_tag` values of the union. */
export type ErrorTag = PrivacyNumberError['_tag']

/** The error of one tag. */
export type ErrorOf<T extends ErrorTag> = Extract<PrivacyNumberError, { _tag: T }>

/** Every tag, in the order of DESIGN §2.3. */
export const ERROR_TAGS: ReadonlyArray<ErrorTag> = [
  'InvalidArgument',
  'Unsupported',
  'NoAvailableNumber',
  'BindingConflict',
  'BindingNotFound',
  'RiskControlled',
  'RateLimited',
  'AuthFailed',
  'AccountUnavailable',
  'VendorUnavailable',
  'Timeout',
  'NetworkError',
  'InvalidResponse',
  'Unknown',
  'AllProvidersFailed',
]

// ---------------------------------------------------------------------------------------------
// constructors
// ---------------------------------------------------------------------------------------------

const RETRYABLE: ReadonlySet<ErrorTag> = new Set([
  'RateLimited',
  'VendorUnavailable',
  'Timeout',
  'NetworkError',
])

// Defaults per tag; a constructor caller overrides `outcome` where it knows better (a 5xx that
// says the request was rejected, a connection refused before anything was sent).
const DEFAULT_OUTCOME: Readonly<Record<ErrorTag, Outcome>> = {
  InvalidArgument: 'not-applied',
  Unsupported: 'not-applied',
  NoAvailableNumber: 'not-applied',
  BindingConflict: 'not-applied',
  BindingNotFound: 'not-applied',
  RiskControlled: 'not-applied',
  RateLimited: 'not-applied',
  AuthFailed: 'not-applied',
  AccountUnavailable: 'not-applied',
  VendorUnavailable: 'unknown',
  Timeout: 'unknown',
  NetworkError: 'unknown',
  InvalidResponse: 'unknown',
  Unknown: 'not-applied',
  AllProvidersFailed: 'not-applied',
}

type Extra<T extends ErrorTag> = Omit<ErrorOf<T>, '_tag' | 'message' | 'retryable' | 'outcome'> &
  Partial<Pick<ErrorCommon, 'retryable' | 'outcome'>>

/**
 * Builds an error of the given tag with the defaults of DESIGN §2.3 (`retryable`, `outcome`),
 * masking phone numbers in `message` and `vendorMessage`.
 */
export function makeError<T extends ErrorTag>(
  tag: T,
  message: string,
  extra: Extra<T>,
): ErrorOf<T> {
  const { retryable, outcome, vendorMessage, ...rest } = extra as Extra<T> & {
    vendorMessage?: string
  }
  const error = {
    _tag: tag,
    message: maskPhonesInText(message),
    ...rest,
    ...(vendorMessage === undefined ? {} : { vendorMessage: maskPhonesInText(vendorMessage) }),
    retryable: retryable ?? RETRYABLE.has(tag),
    outcome: outcome ?? DEFAULT_OUTCOME[tag],
  }
  return error as unknown as ErrorOf<T>
}

/** Bad input at `field`. Sends nothing. */
export const invalidArgument = (
  field: string,
  message: string,
  extra: Extra<'InvalidArgument'> extends infer E ? Omit<E, 'field'> : never = {},
): InvalidArgument => makeError('InvalidArgument', message, { ...extra, field })

/** The provider lacks `operation`. */
export const unsupported = (
  operation: string,
  message: string,
  extra: Omit<Extra<'Unsupported'>, 'operation'> = {},
): Unsupported => makeError('Unsupported', message, { ...extra, operation })

/** A timeout after the request may have been sent. */
export const timeout = (timeoutMs: number, extra: Omit<Extra<'Timeout'>, 'timeoutMs'> = {}) =>
  makeError('Timeout', `no answer within ${timeoutMs} ms`, { ...extra, timeoutMs })

/** A response that did not decode; `body` is kept, truncated to 512 characters. */
export const invalidResponse = (
  message: string,
  body: string | undefined,
  extra: Omit<Extra<'InvalidResponse'>, 'body'> = {},
): InvalidResponse =>
  makeError('InvalidResponse', message, {
    ...extra,
    ...(body === undefined ? {} : { body: truncate(maskPhonesInText(body), 512) }),
  })

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n)}…(${s.length - n} more characters)`
}

// ---------------------------------------------------------------------------------------------
// guards and rules
// ---------------------------------------------------------------------------------------------

const TAG_SET: ReadonlySet<string> = new Set(ERROR_TAGS)

// The fields a tag cannot do without: code that narrows on the tag reads them unguarded.
const REQUIRED_FIELD: Partial<Record<ErrorTag, (r: Record<string, unknown>) => boolean>> = {
  InvalidArgument: (r) => typeof r.field === 'string',
  AllProvidersFailed: (r) => Array.isArray(r.attempts),
}

/** True for any value of the union (checks the tag, the common fields and required fields). */
export function isPrivacyNumberError(u: unknown): u is PrivacyNumberError {
  if (typeof u !== 'object' || u === null) return false
  const r = u as Record<string, unknown>
  return (
    typeof r._tag === 'string' &&
    TAG_SET.has(r._tag) &&
    typeof r.message === 'string' &&
    typeof r.retryable === 'boolean' &&
    (r.outcome === 'not-applied' || r.outcome === 'unknown') &&
    (REQUIRED_FIELD[r._tag as ErrorTag]?.(r) ?? true)
  )
}

// Vendor-side causes only: a caller error (bad input, conflict, risk control) would fail or
// misbehave at every vendor, so it never moves to the next provider (DESIGN §2.4 rule 2).
const FAILOVER_TAGS: ReadonlySet<ErrorTag> = new Set([
  'NoAvailableNumber',
  'RateLimited',
  'VendorUnavailable',
  'AccountUnavailable',
  'AuthFailed',
  'Unsupported',
  'NetworkError',
])

/**
 * DESIGN §2.4 rule 2: fail over to the next provider only when the request was certainly not
 * applied and the cause is the vendor's. (An open circuit is represented by the client as a
 * `VendorUnavailable` with outcome 'not-applied'.)
 */
export function shouldFailover(error: PrivacyNumberError): boolean {
  return error.outcome === 'not-applied' && FAILOVER_TAGS.has(error._tag)
}

/**
 * An `Error` carrying a union value, for the Promise facade: `await` users catch it and read
 * `.error` (DESIGN §2.5).
 */
export class PrivacyNumberException extends Error {
  /** The union value. */
  readonly error: PrivacyNumberError
  constructor(error: PrivacyNumberError) {
    super(`${error._tag}: ${error.message}`)
    this.name = 'PrivacyNumberException'
    this.error = error
  }
}
