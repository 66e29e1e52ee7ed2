import type { PrivacyNumberError, RawResponse } from '@privacy-number/core'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'
import { ALIYUN_ERROR_CODES, mapVendorError, ruleFor } from './errors'
import { decodeAnswer } from './wire'

// Every code of vendor note §4.1 and §4.2, with the tag this adapter promises for it.
const EXPECTED: ReadonlyArray<readonly [string, PrivacyNumberError['_tag']]> = [
  ['isp.RAM_PERMISSION_DENY', 'AuthFailed'],
  ['isv.OUT_OF_SERVICE', 'AccountUnavailable'],
  ['isv.PRODUCT_UN_SUBSCRIPT', 'AccountUnavailable'],
  ['isv.PRODUCT_UNSUBSCRIBE', 'AccountUnavailable'],
  ['isv.ACCOUNT_NOT_EXISTS', 'AccountUnavailable'],
  ['isv.ACCOUNT_ABNORMAL', 'AccountUnavailable'],
  ['isp.SYSTEM_ERROR', 'VendorUnavailable'],
  ['isp.UNKNOWN_ERR_CODE', 'VendorUnavailable'],
  ['isv.PARTNER_NOT_EXIST', 'VendorUnavailable'],
  ['isv.NO_NOT_EXIST', 'InvalidArgument'],
  ['isv.ILLEGAL_ARGUMENT', 'InvalidArgument'],
  ['isv.INVALID_PARAMETERS', 'InvalidArgument'],
  ['isp.DAO_EXCEPTION', 'VendorUnavailable'],
  ['isv.NO_AVAILABLE_NUMBER', 'NoAvailableNumber'],
  ['isv.FLOW_LIMIT', 'RateLimited'],
  ['isv.FORBIDDEN_ACTION', 'AuthFailed'],
  ['isv.EXPIRE_DATE_ILLEGAL', 'InvalidArgument'],
  ['isv.MOBILE_NUMBER_ILLEGAL', 'InvalidArgument'],
  ['isv.BIND_CONFLICT', 'BindingConflict'],
  ['isv.SUBS_NOT_EXIST', 'BindingNotFound'],
  ['isv.BUY_NUM_OVER_LIMIT', 'InvalidArgument'],
  ['isv.POOLKEY_NOT_EXISTS', 'AccountUnavailable'],
  ['isp.GATEWAY_ERROR', 'VendorUnavailable'],
  ['isv.UPDATE_CONFLICT', 'BindingConflict'],
  ['isp.VENDOR_UNAVAILABLE', 'VendorUnavailable'],
  ['isv.PARTNER_IS_CLOSED', 'AccountUnavailable'],
  ['isv.NO_USED_BY_OTHERS', 'BindingConflict'],
  ['isv.VENDOR_BIND_FAILED', 'VendorUnavailable'],
  ['POOLKEY_NOT_EXIST', 'AccountUnavailable'],
  ['FlowLimited', 'RateLimited'],
  ['RamPermissionDenied', 'AuthFailed'],
  ['InvalidAccessKeyId.NotFound', 'AuthFailed'],
  ['InvalidAccessKeyId.Inactive', 'AuthFailed'],
  ['SignatureDoesNotMatch', 'AuthFailed'],
  ['IncompleteSignature', 'AuthFailed'],
  ['InvalidSignatureMethod', 'AuthFailed'],
  ['InvalidTimeStamp.Format', 'AuthFailed'],
  ['IllegalTimestamp', 'AuthFailed'],
  ['InvalidTimeStamp.Expired', 'AuthFailed'],
  ['SignatureNonceUsed', 'AuthFailed'],
  ['MissingParameter', 'InvalidArgument'],
  ['InvalidParameter', 'InvalidArgument'],
  ['InvalidParameter.Format', 'InvalidArgument'],
  ['InvalidApi.NotFound', 'Unsupported'],
  ['InvalidAction', 'Unsupported'],
  ['InvalidAction.NotFound', 'Unsupported'],
  ['InvalidVersion', 'Unsupported'],
  ['UnsupportedHTTPMethod', 'Unsupported'],
  ['Forbidden.RAM', 'AuthFailed'],
  ['ActionUnauthorized', 'AuthFailed'],
  ['Forbidden.RiskControl', 'AccountUnavailable'],
  ['Throttling', 'RateLimited'],
  ['Throttling.User', 'RateLimited'],
  ['Throttling.Api', 'RateLimited'],
  ['InternalError', 'VendorUnavailable'],
  ['ServiceUnavailable', 'VendorUnavailable'],
]

const RETRYABLE_TAGS = new Set(['RateLimited', 'VendorUnavailable', 'Timeout', 'NetworkError'])

const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  ({
    status,
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  }) satisfies RawResponse

const leftOf = <A>(r: E.Either<PrivacyNumberError, A>): PrivacyNumberError => {
  if (E.isRight(r)) throw new Error('expected a Left')
  return r.left
}

describe('ALIYUN_ERROR_CODES', () => {
  it('holds every code of the vendor note §4.1 and §4.2 and nothing unexpected', () => {
    expect(Object.keys(ALIYUN_ERROR_CODES).sort()).toEqual(EXPECTED.map(([c]) => c).sort())
  })

  it.each(EXPECTED)('%s as an HTTP 200 business answer maps to %s (not applied)', (code, tag) => {
    const e = leftOf(
      decodeAnswer(answer(200, { Code: code, Message: 'm', RequestId: 'R1' }), 'bind', t.unknown),
    )
    expect(e._tag).toBe(tag)
    expect(e).toMatchObject({
      vendor: 'aliyun',
      vendorCode: code,
      requestId: 'R1',
      httpStatus: 200,
      outcome: 'not-applied',
    })
    const expectedRetry =
      RETRYABLE_TAGS.has(tag) ||
      ['isv.ACCOUNT_ABNORMAL', 'isv.UPDATE_CONFLICT', 'SignatureNonceUsed'].includes(code)
    expect(e.retryable).toBe(expectedRetry)
  })

  it.each(EXPECTED.filter(([c]) => !c.startsWith('is')))(
    '%s as an HTTP 4xx gateway error body maps to %s',
    (code, tag) => {
      const body = { RequestId: 'R2', HostId: 'dyplsapi.aliyuncs.com', Code: code, Message: 'm' }
      const e = leftOf(decodeAnswer(answer(400, body), 'bind', t.unknown))
      expect(e._tag).toBe(tag)
      expect(e.httpStatus).toBe(400)
      expect(e.outcome).toBe('not-applied')
    },
  )
})

describe('isv.FORBIDDEN_ACTION by message', () => {
  it.each([
    ['绑定关系已过期', 'BindingNotFound'],
    ['subscription expired', 'BindingNotFound'],
    ['createAxgGroup:号池非AXG', 'Unsupported'],
    ['secretNo not in pool', 'InvalidArgument'],
    ['the G group is used by a live binding', 'BindingConflict'],
    ['无权操作', 'AuthFailed'],
  ] as const)('"%s" maps to %s', (message, tag) => {
    const e = mapVendorError({ code: 'isv.FORBIDDEN_ACTION', message, httpStatus: 200 }, 'update')
    expect(e._tag).toBe(tag)
    if (e._tag === 'InvalidArgument') expect(e.field).toBe('x')
  })
})

describe('mapVendorError', () => {
  it('keeps an unmapped code as Unknown with the code', () => {
    const e = mapVendorError({ code: 'isv.SOMETHING_NEW', message: 'new', httpStatus: 200 }, 'bind')
    expect(e).toMatchObject({
      _tag: 'Unknown',
      vendorCode: 'isv.SOMETHING_NEW',
      outcome: 'not-applied',
    })
  })

  it('maps gateway code families by prefix (Missing{Name}, Invalid{Name})', () => {
    expect(ruleFor('MissingPoolKey', undefined)?.tag).toBe('InvalidArgument')
    expect(ruleFor('InvalidPhoneNoA.Malformed', undefined)?.tag).toBe('InvalidArgument')
    expect(ruleFor('Throttling.Something', undefined)?.tag).toBe('RateLimited')
  })

  it('names the field a vendor message mentions for InvalidArgument', () => {
    const e = mapVendorError(
      { code: 'isv.MOBILE_NUMBER_ILLEGAL', message: 'PhoneNoB 号码格式非法', httpStatus: 200 },
      'bind',
    )
    expect(e._tag === 'InvalidArgument' && e.field).toBe('b')
    const d = mapVendorError({ code: 'isv.EXPIRE_DATE_ILLEGAL', httpStatus: 200 }, 'bind')
    expect(d._tag === 'InvalidArgument' && d.field).toBe('expiresAt')
  })

  it('masks phone numbers in messages', () => {
    const e = mapVendorError(
      { code: 'isv.BIND_CONFLICT', message: '13800138000 already bound', httpStatus: 200 },
      'bind',
    )
    expect(e.message).not.toContain('13800138000')
    expect(e.vendorMessage).not.toContain('13800138000')
  })
})

describe('decodeAnswer', () => {
  it('honours x-acs-retry-after (ms) on Throttling', () => {
    const e = leftOf(
      decodeAnswer(
        answer(
          400,
          { Code: 'Throttling.User', Message: 'flow control' },
          { 'x-acs-retry-after': '1500' },
        ),
        'bind',
        t.unknown,
      ),
    )
    expect(e).toMatchObject({ _tag: 'RateLimited', retryAfterMs: 1500, retryable: true })
  })

  it('treats a 5xx as VendorUnavailable with an unknown outcome, even with a JSON body', () => {
    const e = leftOf(
      decodeAnswer(answer(503, { Code: 'ServiceUnavailable', Message: 'busy' }), 'bind', t.unknown),
    )
    expect(e).toMatchObject({
      _tag: 'VendorUnavailable',
      outcome: 'unknown',
      httpStatus: 503,
      vendorCode: 'ServiceUnavailable',
      retryable: true,
    })
  })

  it('treats an HTML page as VendorUnavailable (unknown outcome), whatever the status', () => {
    for (const status of [200, 404, 502]) {
      const e = leftOf(
        decodeAnswer(answer(status, '<html><body>Bad Gateway</body></html>'), 'bind', t.unknown),
      )
      expect(e).toMatchObject({ _tag: 'VendorUnavailable', outcome: 'unknown', httpStatus: status })
    }
  })

  it('answers InvalidResponse for a 200 body that is not JSON or lacks Code', () => {
    expect(leftOf(decodeAnswer(answer(200, '{"Code":"OK",'), 'bind', t.unknown))._tag).toBe(
      'InvalidResponse',
    )
    expect(leftOf(decodeAnswer(answer(200, { Message: 'OK' }), 'bind', t.unknown))._tag).toBe(
      'InvalidResponse',
    )
  })

  it('answers InvalidResponse when Code is OK but the payload has the wrong shape', () => {
    const codec = t.type({ SecretBindDTO: t.type({ SubsId: t.string }) })
    const e = leftOf(decodeAnswer(answer(200, { Code: 'OK', SecretBindDTO: {} }), 'bind', codec))
    expect(e._tag).toBe('InvalidResponse')
    expect(e.message).toContain('SecretBindDTO')
  })

  it('checks the HTTP status as well as the Code', () => {
    const e = leftOf(decodeAnswer(answer(400, { Code: 'OK' }), 'bind', t.unknown))
    expect(e._tag).toBe('InvalidResponse')
  })

  it('never throws on arbitrary text', () => {
    for (const body of ['', 'null', '[]', '"x"', '{"Code":5}', '\u0000', '{'.repeat(50)])
      expect(() => decodeAnswer(answer(200, body), 'bind', t.unknown)).not.toThrow()
  })
})
