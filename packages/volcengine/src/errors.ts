/**
 * Volcengine error codes → the error union (DESIGN §2.3), as data. Every code of the vendor
 * note §6.1 (vms business codes, which arrive with HTTP 200 in `ResponseMetadata.Error`) and
 * §6.2 (OpenAPI gateway codes), plus DESIGN's throttling examples. An unlisted code becomes
 * `Unknown` with the code kept.
 */
import {
  makeError,
  type ErrorTag,
  type Outcome,
  type PrivacyNumberError,
} from '@privacy-number/core'

/** The tags a vendor code can map to (the transport and decoder produce the others). */
export type VolcengineErrorTag = Exclude<
  ErrorTag,
  'Timeout' | 'NetworkError' | 'InvalidResponse' | 'AllProvidersFailed'
>

/** One row of the code table. */
export interface VolcengineErrorRow {
  readonly tag: VolcengineErrorTag
  /** InvalidArgument: the neutral field when the message names none. */
  readonly field?: string
  /**
   * Was the request certainly not applied? Default 'not-applied': the vendor answered that it
   * rejected it. 'unknown' where the code says the backend failed mid-way.
   */
  readonly outcome?: Outcome
}

const row = (tag: VolcengineErrorTag, extra: Omit<VolcengineErrorRow, 'tag'> = {}) => ({
  tag,
  ...extra,
})

/** Every documented Volcengine code and its place in the union. */
export const VOLCENGINE_ERROR_CODES: Readonly<Record<string, VolcengineErrorRow>> = {
  // --- §6.1 vms business codes -------------------------------------------------------------
  // SystemError arrives as an ordinary business answer (HTTP 200): the vendor says it failed.
  SystemError: row('VendorUnavailable'),
  UnauthenticatedRequest: row('AuthFailed'),
  IllegalArgument: row('InvalidArgument', { field: 'request' }),
  IllegalPhoneNoX: row('InvalidArgument', { field: 'x' }),
  ConflictWithExisting: row('BindingConflict'),
  ProviderException: row('VendorUnavailable'),
  SubscriptionEmpty: row('BindingNotFound'),
  UpgradeError: row('VendorUnavailable'),
  UnbindAXError: row('VendorUnavailable'),
  BindAXBError: row('VendorUnavailable'),
  UnsupportedOperation: row('Unsupported'),
  AccountFrozen: row('AccountUnavailable'),
  NumberNotEnough: row('NoAvailableNumber'),
  // "number disabled": a party blocked by the platform, not a bad argument.
  BlockNumber: row('RiskControlled'),
  OverQpsLimit: row('RateLimited'),
  PhoneNoARiskFrozen: row('RiskControlled'),
  PhoneNoBRiskFrozen: row('RiskControlled'),
  PhoneNoXOccupied: row('BindingConflict'),
  CanNotUpdate: row('InvalidArgument', { field: 'change' }),
  CallerFrequencyLimit: row('RiskControlled'),
  CalleeFrequencyLimit: row('RiskControlled'),
  CallerRiskFrozen: row('RiskControlled'),
  CalleeRiskFrozen: row('RiskControlled'),
  RepeatClick2Call: row('RiskControlled'),
  PhoneNoEOccupied: row('BindingConflict'),
  ExceedMaxBindCount: row('BindingConflict'),
  AccountSubServiceException: row('AccountUnavailable'),
  PhoneNoXBConflicted: row('BindingConflict'),
  PhoneNoYAConflicted: row('BindingConflict'),
  CanNotUsedAsPhoneNoX: row('InvalidArgument', { field: 'x' }),
  CanNotUsedAsPhoneNoY: row('InvalidArgument', { field: 'x' }),
  IllegalPhoneNoY: row('InvalidArgument', { field: 'x' }),
  ProviderUnsupportedOperation: row('Unsupported'),
  XCanNotEqualsY: row('InvalidArgument', { field: 'x' }),
  ConcurrencyConflict: row('RateLimited'),
  // Number-management page (D:173334).
  DownStreamError: row('VendorUnavailable'),
  // --- §6.2 gateway codes ------------------------------------------------------------------
  MissingParameter: row('InvalidArgument', { field: 'request' }),
  MissingRequestInfo: row('InvalidArgument', { field: 'request' }),
  InvalidParameter: row('InvalidArgument', { field: 'request' }),
  // Clock skew: the caller re-signs with a correct clock; nothing was applied.
  InvalidTimestamp: row('AuthFailed'),
  ServiceNotFound: row('Unsupported'),
  InvalidActionOrVersion: row('Unsupported'),
  InvalidAccessKey: row('AuthFailed'),
  SignatureDoesNotMatch: row('AuthFailed'),
  AccessDenied: row('AuthFailed'),
  // "failed due to an unknown error" (HTTP 500): it does not say the request was rejected.
  InternalError: row('VendorUnavailable', { outcome: 'unknown' }),
  // The gateway gave up waiting for the backend, which may still have applied the request.
  InternalServiceTimeout: row('VendorUnavailable', { outcome: 'unknown' }),
  InvalidAuthorization: row('AuthFailed'),
  InvalidCredential: row('AuthFailed'),
  MissingAuthenticationToken: row('AuthFailed'),
  MissingSignature: row('AuthFailed'),
  InvalidSecretToken: row('AuthFailed'),
  LackPolicy: row('AuthFailed'),
  LackProjectPolicy: row('AuthFailed'),
  // --- throttling names of DESIGN §2.3 and the GO2 retryer (not on any official vms page) ----
  FlowLimitExceeded: row('RateLimited'),
  RequestLimitExceeded: row('RateLimited'),
  Throttling: row('RateLimited'),
  ThrottlingException: row('RateLimited'),
  RequestThrottled: row('RateLimited'),
  TooManyRequestsException: row('RateLimited'),
  // --- generic OpenAPI codes listed on the SelectNumberAndBindAXB page (seed 001) ----------
  ServiceUnavailable: row('VendorUnavailable', { outcome: 'unknown' }),
  MissingAction: row('Unsupported'),
  InvalidAction: row('Unsupported'),
  QuotaExceeded: row('AccountUnavailable'),
  OperationDenied: row('BindingConflict'),
}

// Vendor parameter names → neutral field paths, so "The specified parameter PhoneNoB is
// invalid." becomes InvalidArgument{field:'b'}. Longest names first (PhoneNoXCityCode…).
const FIELD_OF_PARAM: ReadonlyArray<readonly [string, string]> = [
  ['DegradeCityList', 'select.fallbackCities'],
  ['CityCodeByPhoneNo', 'select.byParty'],
  ['GroupNumbers', 'group.numbers'],
  ['NumberPoolNo', 'numberPoolNo'],
  ['ExpireTime', 'expiresAt'],
  ['GroupName', 'group.name'],
  ['PhoneNoA', 'a'],
  ['PhoneNoB', 'b'],
  ['PhoneNoX', 'x'],
  ['CityCode', 'select.city'],
  ['UserData', 'userData'],
  ['GroupId', 'groupId'],
  ['Numbers', 'numbers'],
  ['OutId', 'outId'],
  ['SubId', 'ref'],
]

/** The neutral field a vendor message names, if any. */
export function fieldOfMessage(message: string | undefined): string | undefined {
  if (message === undefined) return undefined
  return FIELD_OF_PARAM.find(([param]) => message.includes(param))?.[1]
}

/** Where the error came from, for the fields every error carries. */
export interface VolcengineErrorContext {
  readonly requestId?: string
  readonly httpStatus?: number
  /** RateLimited: from a Retry-After header. */
  readonly retryAfterMs?: number
}

/** Maps one vendor error (code + message) to the union, using `VOLCENGINE_ERROR_CODES`. */
export function mapVolcengineError(
  code: string,
  message: string | undefined,
  context: VolcengineErrorContext = {},
): PrivacyNumberError {
  const known = Object.prototype.hasOwnProperty.call(VOLCENGINE_ERROR_CODES, code)
    ? VOLCENGINE_ERROR_CODES[code]
    : undefined
  const common = {
    vendor: 'volcengine',
    vendorCode: code,
    ...(message === undefined ? {} : { vendorMessage: message }),
    ...(context.requestId === undefined ? {} : { requestId: context.requestId }),
    ...(context.httpStatus === undefined ? {} : { httpStatus: context.httpStatus }),
    outcome: known?.outcome ?? 'not-applied',
  }
  const text = `volcengine ${code}${message === undefined || message === '' ? '' : `: ${message}`}`
  if (known === undefined) return makeError('Unknown', text, common)
  switch (known.tag) {
    case 'InvalidArgument':
      return makeError('InvalidArgument', text, {
        ...common,
        field: fieldOfMessage(message) ?? known.field ?? 'request',
      })
    case 'RateLimited':
      return makeError('RateLimited', text, {
        ...common,
        ...(context.retryAfterMs === undefined ? {} : { retryAfterMs: context.retryAfterMs }),
      })
    default:
      return makeError(known.tag, text, common)
  }
}
