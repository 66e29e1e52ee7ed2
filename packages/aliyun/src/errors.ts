/**
 * Aliyun dypls error codes → the error union (DESIGN §2.3), as data: every business code of the
 * vendor note §4.1 and every gateway code of §4.2. `isv.FORBIDDEN_ACTION` covers several causes
 * and is told apart by its message (vendor note §4.1), again through a table.
 */
import {
  invalidResponse,
  makeError,
  type ErrorTag,
  type PrivacyNumberError,
  type RawResponse,
} from '@privacy-number/core'

/** The vendor name on every error. */
export const VENDOR = 'aliyun'

/** Tags a vendor code can map to (client-only and transport tags excluded). */
export type AliyunErrorTag = Exclude<
  ErrorTag,
  'AllProvidersFailed' | 'Timeout' | 'NetworkError' | 'InvalidResponse'
>

/** How one vendor code maps. */
export interface AliyunErrorRule {
  readonly tag: AliyunErrorTag
  /** For InvalidArgument: the request field at fault when the message does not say. */
  readonly field?: string
  /** Overrides the tag's default (DESIGN §2.3) where the vendor's advice differs. */
  readonly retryable?: boolean
}

const rule = (tag: AliyunErrorTag, extra: Omit<AliyunErrorRule, 'tag'> = {}): AliyunErrorRule => ({
  tag,
  ...extra,
})

/**
 * Every code in vendor note §4.1 (business, in the body `Code`) and §4.2 (gateway), with its tag.
 * `isv.FORBIDDEN_ACTION` is listed with its fallback; `FORBIDDEN_ACTION_BY_MESSAGE` refines it.
 */
export const ALIYUN_ERROR_CODES: Readonly<Record<string, AliyunErrorRule>> = {
  // §4.1 business codes
  'isp.RAM_PERMISSION_DENY': rule('AuthFailed'),
  'isv.OUT_OF_SERVICE': rule('AccountUnavailable'),
  'isv.PRODUCT_UN_SUBSCRIPT': rule('AccountUnavailable'),
  'isv.PRODUCT_UNSUBSCRIBE': rule('AccountUnavailable'),
  'isv.ACCOUNT_NOT_EXISTS': rule('AccountUnavailable'),
  // "check arrears or retry later": an account state, but one that can clear by itself.
  'isv.ACCOUNT_ABNORMAL': rule('AccountUnavailable', { retryable: true }),
  'isp.SYSTEM_ERROR': rule('VendorUnavailable'),
  'isp.UNKNOWN_ERR_CODE': rule('VendorUnavailable'),
  // The vendor's advice for an "unknown partner" is to retry later: a vendor-side lookup fault.
  'isv.PARTNER_NOT_EXIST': rule('VendorUnavailable'),
  'isv.NO_NOT_EXIST': rule('InvalidArgument', { field: 'x' }),
  'isv.ILLEGAL_ARGUMENT': rule('InvalidArgument', { field: 'request' }),
  'isv.INVALID_PARAMETERS': rule('InvalidArgument', { field: 'request' }),
  'isp.DAO_EXCEPTION': rule('VendorUnavailable'),
  'isv.NO_AVAILABLE_NUMBER': rule('NoAvailableNumber'),
  'isv.FLOW_LIMIT': rule('RateLimited'),
  // Fallback only; see FORBIDDEN_ACTION_BY_MESSAGE. The official meaning is 无权操作 ("not
  // permitted"): a permission or pool-configuration refusal on the vendor side, which another
  // vendor may not share, so AuthFailed (failover allowed for bind) is the honest default.
  'isv.FORBIDDEN_ACTION': rule('AuthFailed'),
  'isv.EXPIRE_DATE_ILLEGAL': rule('InvalidArgument', { field: 'expiresAt' }),
  'isv.MOBILE_NUMBER_ILLEGAL': rule('InvalidArgument', { field: 'a' }),
  'isv.BIND_CONFLICT': rule('BindingConflict'),
  'isv.SUBS_NOT_EXIST': rule('BindingNotFound'),
  'isv.BUY_NUM_OVER_LIMIT': rule('InvalidArgument', { field: 'request' }),
  // A wrong PoolKey is this provider's configuration, not the caller's request: another vendor
  // can still serve the bind.
  'isv.POOLKEY_NOT_EXISTS': rule('AccountUnavailable'),
  POOLKEY_NOT_EXIST: rule('AccountUnavailable'),
  'isp.GATEWAY_ERROR': rule('VendorUnavailable'),
  // "re-read, then retry": someone else changed the binding at the same time.
  'isv.UPDATE_CONFLICT': rule('BindingConflict', { retryable: true }),
  'isp.VENDOR_UNAVAILABLE': rule('VendorUnavailable'),
  'isv.PARTNER_IS_CLOSED': rule('AccountUnavailable'),
  'isv.NO_USED_BY_OTHERS': rule('BindingConflict'),
  // The carrier refused the binding; the answer says it was not made, and a later try may pass.
  'isv.VENDOR_BIND_FAILED': rule('VendorUnavailable'),
  FlowLimited: rule('RateLimited'),
  RamPermissionDenied: rule('AuthFailed'),

  // §4.2 gateway codes
  'InvalidAccessKeyId.NotFound': rule('AuthFailed'),
  'InvalidAccessKeyId.Inactive': rule('AuthFailed'),
  SignatureDoesNotMatch: rule('AuthFailed'),
  IncompleteSignature: rule('AuthFailed'),
  InvalidSignatureMethod: rule('AuthFailed'),
  'InvalidTimeStamp.Format': rule('AuthFailed'),
  IllegalTimestamp: rule('AuthFailed'),
  'InvalidTimeStamp.Expired': rule('AuthFailed'),
  // A nonce seen before: the request was refused as a replay; a fresh nonce (every call has
  // one) makes the retry safe.
  SignatureNonceUsed: rule('AuthFailed', { retryable: true }),
  MissingParameter: rule('InvalidArgument', { field: 'request' }),
  InvalidParameter: rule('InvalidArgument', { field: 'request' }),
  'InvalidParameter.Format': rule('InvalidArgument', { field: 'request' }),
  'InvalidApi.NotFound': rule('Unsupported'),
  InvalidAction: rule('Unsupported'),
  'InvalidAction.NotFound': rule('Unsupported'),
  InvalidVersion: rule('Unsupported'),
  UnsupportedHTTPMethod: rule('Unsupported'),
  'Forbidden.RAM': rule('AuthFailed'),
  ActionUnauthorized: rule('AuthFailed'),
  // Account-level risk control at the gateway, not a frozen party (which RiskControlled means).
  'Forbidden.RiskControl': rule('AccountUnavailable'),
  Throttling: rule('RateLimited'),
  'Throttling.User': rule('RateLimited'),
  'Throttling.Api': rule('RateLimited'),
  InternalError: rule('VendorUnavailable'),
  ServiceUnavailable: rule('VendorUnavailable'),
}

/**
 * Gateway code families named by pattern in vendor note §4.2 (`Missing{Name}`, `Invalid{Name}`),
 * tried in order after an exact match fails.
 */
export const ALIYUN_ERROR_PREFIXES: ReadonlyArray<readonly [string, AliyunErrorRule]> = [
  ['Throttling.', rule('RateLimited')],
  ['InvalidAccessKeyId', rule('AuthFailed')],
  ['InvalidTimeStamp', rule('AuthFailed')],
  ['Forbidden', rule('AuthFailed')],
  ['Missing', rule('InvalidArgument', { field: 'request' })],
  ['Invalid', rule('InvalidArgument', { field: 'request' })],
]

/**
 * `isv.FORBIDDEN_ACTION` by message (vendor note §4.1: "expired binding on update; X not in pool;
 * pool not AXG"), first match wins.
 */
export const FORBIDDEN_ACTION_BY_MESSAGE: ReadonlyArray<readonly [RegExp, AliyunErrorRule]> = [
  // Updating an expired binding: the binding is gone for every purpose the caller has.
  [/过期|expired/i, rule('BindingNotFound')],
  // "createAxgGroup:号池非AXG": this pool cannot do AXG at all.
  [/非\s*AXG|not\s+(an?\s+)?AXG/i, rule('Unsupported')],
  // An explicit X that is not in this pool is a wrong input, not a conflict with another
  // binding: no retry or other binding state can make it succeed (explicit X never fails over).
  [/not in (the )?pool|不在号池|不属于|非本号池/i, rule('InvalidArgument', { field: 'x' })],
  // A group still used by a live binding cannot be deleted.
  [/in use|used by|使用中|占用/i, rule('BindingConflict')],
]

// Wire parameter names that vendor messages mention → the neutral request field.
const FIELD_OF_PARAM: ReadonlyArray<readonly [RegExp, string]> = [
  [/PhoneNoA/i, 'a'],
  [/PhoneNoB/i, 'b'],
  [/PhoneNoX|SecretNo/i, 'x'],
  [/Expiration|ExpireDate/i, 'expiresAt'],
  [/GroupId/i, 'groupId'],
  [/OutId/i, 'outId'],
  [/ExpectCity/i, 'select.city'],
  [/Numbers/i, 'numbers'],
]

/** The rule for a code (and its message); undefined for an unmapped code. */
export function ruleFor(code: string, message: string | undefined): AliyunErrorRule | undefined {
  if (code === 'isv.FORBIDDEN_ACTION' && message !== undefined) {
    const hit = FORBIDDEN_ACTION_BY_MESSAGE.find(([re]) => re.test(message))
    if (hit !== undefined) return hit[1]
  }
  const exact = ALIYUN_ERROR_CODES[code]
  if (exact !== undefined) return exact
  return ALIYUN_ERROR_PREFIXES.find(([prefix]) => code.startsWith(prefix))?.[1]
}

/** What the vendor said, decoded from a JSON answer. */
export interface VendorAnswer {
  readonly code: string
  readonly message?: string
  readonly requestId?: string
  readonly httpStatus: number
  /** From `x-acs-retry-after` (milliseconds, as the official runtimes read it). */
  readonly retryAfterMs?: number
}

/**
 * Maps a vendor error answer (HTTP 200 with Code ≠ OK, or a 4xx JSON error body) to the union.
 * The vendor answered and refused, so the outcome is 'not-applied'; an unmapped code is
 * `Unknown` with the code kept.
 */
export function mapVendorError(answer: VendorAnswer, operation: string): PrivacyNumberError {
  const r = ruleFor(answer.code, answer.message)
  const common = {
    vendor: VENDOR,
    vendorCode: answer.code,
    ...(answer.message === undefined ? {} : { vendorMessage: answer.message }),
    ...(answer.requestId === undefined ? {} : { requestId: answer.requestId }),
    httpStatus: answer.httpStatus,
    outcome: 'not-applied' as const,
    ...(r?.retryable === undefined ? {} : { retryable: r.retryable }),
  }
  const text = `${operation}: Aliyun answered ${answer.code}${
    answer.message === undefined || answer.message === '' ? '' : ` (${answer.message})`
  }`
  if (r === undefined) return makeError('Unknown', text, common)
  switch (r.tag) {
    case 'InvalidArgument': {
      const named = FIELD_OF_PARAM.find(([re]) => re.test(answer.message ?? ''))?.[1]
      return makeError('InvalidArgument', text, { ...common, field: named ?? r.field ?? 'request' })
    }
    case 'Unsupported':
      return makeError('Unsupported', text, { ...common, operation })
    case 'RateLimited':
      return makeError('RateLimited', text, {
        ...common,
        ...(answer.retryAfterMs === undefined ? {} : { retryAfterMs: answer.retryAfterMs }),
      })
    default:
      return makeError(r.tag, text, common)
  }
}

/** A 5xx or a body that is not the vendor's JSON: the vendor is unwell; the call may have run. */
export function vendorUnavailable(
  res: RawResponse,
  operation: string,
  answer?: Omit<VendorAnswer, 'httpStatus'>,
): PrivacyNumberError {
  return makeError(
    'VendorUnavailable',
    `${operation}: Aliyun answered HTTP ${res.status}${answer === undefined ? '' : ` ${answer.code}`}`,
    {
      vendor: VENDOR,
      httpStatus: res.status,
      outcome: 'unknown',
      ...(answer === undefined
        ? {}
        : {
            vendorCode: answer.code,
            ...(answer.message === undefined ? {} : { vendorMessage: answer.message }),
            ...(answer.requestId === undefined ? {} : { requestId: answer.requestId }),
          }),
    },
  )
}

/** A 200 JSON answer whose shape is not what the action returns. */
export function badShape(
  res: RawResponse,
  operation: string,
  why: string,
  requestId?: string,
): PrivacyNumberError {
  return invalidResponse(`${operation}: Aliyun answer did not decode: ${why}`, res.body, {
    vendor: VENDOR,
    httpStatus: res.status,
    ...(requestId === undefined ? {} : { requestId }),
  })
}

/** Reads `x-acs-retry-after` (a positive integer of milliseconds); undefined otherwise. */
export function retryAfterOf(headers: Readonly<Record<string, string>>): number | undefined {
  const raw = headers['x-acs-retry-after']?.trim()
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined
  const n = Number(raw)
  return n > 0 ? n : undefined
}
