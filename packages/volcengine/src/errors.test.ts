import { ERROR_TAGS } from '@privacy-number/core'
import { mapVolcengineError, VOLCENGINE_ERROR_CODES, fieldOfMessage } from './errors'

// Every code of the vendor note §6.1 and §6.2, and DESIGN §2.3's Volcengine examples.
const NOTE_CODES = [
  'SystemError',
  'UnauthenticatedRequest',
  'IllegalArgument',
  'IllegalPhoneNoX',
  'ConflictWithExisting',
  'ProviderException',
  'SubscriptionEmpty',
  'UpgradeError',
  'UnbindAXError',
  'BindAXBError',
  'UnsupportedOperation',
  'AccountFrozen',
  'NumberNotEnough',
  'BlockNumber',
  'OverQpsLimit',
  'PhoneNoARiskFrozen',
  'PhoneNoBRiskFrozen',
  'PhoneNoXOccupied',
  'CanNotUpdate',
  'CallerFrequencyLimit',
  'CalleeFrequencyLimit',
  'CallerRiskFrozen',
  'CalleeRiskFrozen',
  'RepeatClick2Call',
  'PhoneNoEOccupied',
  'ExceedMaxBindCount',
  'AccountSubServiceException',
  'PhoneNoXBConflicted',
  'PhoneNoYAConflicted',
  'CanNotUsedAsPhoneNoX',
  'CanNotUsedAsPhoneNoY',
  'IllegalPhoneNoY',
  'ProviderUnsupportedOperation',
  'XCanNotEqualsY',
  'ConcurrencyConflict',
  'DownStreamError',
  'InvalidParameter',
  'InternalError',
  'MissingParameter',
  'MissingRequestInfo',
  'InvalidTimestamp',
  'ServiceNotFound',
  'InvalidActionOrVersion',
  'InvalidAccessKey',
  'SignatureDoesNotMatch',
  'AccessDenied',
  'InternalServiceTimeout',
  'InvalidAuthorization',
  'InvalidCredential',
  'MissingAuthenticationToken',
  'MissingSignature',
  'InvalidSecretToken',
  'LackPolicy',
  'LackProjectPolicy',
  'FlowLimitExceeded',
  'RequestLimitExceeded',
]

// DESIGN §2.3's examples, which the table must honour.
const DESIGN_EXAMPLES: ReadonlyArray<[string, string]> = [
  ['IllegalArgument', 'InvalidArgument'],
  ['IllegalPhoneNoX', 'InvalidArgument'],
  ['InvalidParameter', 'InvalidArgument'],
  ['MissingParameter', 'InvalidArgument'],
  ['XCanNotEqualsY', 'InvalidArgument'],
  ['UnsupportedOperation', 'Unsupported'],
  ['ProviderUnsupportedOperation', 'Unsupported'],
  ['NumberNotEnough', 'NoAvailableNumber'],
  ['ConflictWithExisting', 'BindingConflict'],
  ['PhoneNoXOccupied', 'BindingConflict'],
  ['PhoneNoXBConflicted', 'BindingConflict'],
  ['SubscriptionEmpty', 'BindingNotFound'],
  ['PhoneNoARiskFrozen', 'RiskControlled'],
  ['PhoneNoBRiskFrozen', 'RiskControlled'],
  ['BlockNumber', 'RiskControlled'],
  ['OverQpsLimit', 'RateLimited'],
  ['FlowLimitExceeded', 'RateLimited'],
  ['RequestLimitExceeded', 'RateLimited'],
  ['SignatureDoesNotMatch', 'AuthFailed'],
  ['InvalidAccessKey', 'AuthFailed'],
  ['AccessDenied', 'AuthFailed'],
  ['InvalidTimestamp', 'AuthFailed'],
  ['AccountFrozen', 'AccountUnavailable'],
  ['SystemError', 'VendorUnavailable'],
  ['InternalError', 'VendorUnavailable'],
  ['ProviderException', 'VendorUnavailable'],
]

describe('VOLCENGINE_ERROR_CODES', () => {
  it('has a row for every code in the vendor note §6', () => {
    const missing = NOTE_CODES.filter((c) => VOLCENGINE_ERROR_CODES[c] === undefined)
    expect(missing).toEqual([])
  })

  it.each(DESIGN_EXAMPLES)('maps %s to %s as DESIGN §2.3 says', (code, tag) => {
    expect(mapVolcengineError(code, 'm')._tag).toBe(tag)
  })

  it.each(Object.keys(VOLCENGINE_ERROR_CODES))(
    'maps %s to its tag with vendor, code, retryable and outcome set',
    (code) => {
      const row = VOLCENGINE_ERROR_CODES[code]!
      const e = mapVolcengineError(code, 'vendor says no', { requestId: 'R1', httpStatus: 200 })
      expect(e._tag).toBe(row.tag)
      expect(ERROR_TAGS).toContain(e._tag)
      expect(e).toMatchObject({
        vendor: 'volcengine',
        vendorCode: code,
        vendorMessage: 'vendor says no',
        requestId: 'R1',
        httpStatus: 200,
        outcome: row.outcome ?? 'not-applied',
      })
      expect(e.retryable).toBe(['RateLimited', 'VendorUnavailable'].includes(row.tag))
    },
  )

  it('keeps an unmapped code as Unknown with the code', () => {
    const e = mapVolcengineError('BrandNewCode', 'what')
    expect(e).toMatchObject({ _tag: 'Unknown', vendorCode: 'BrandNewCode', retryable: false })
  })

  it('does not treat Object.prototype names as codes', () => {
    expect(mapVolcengineError('toString', undefined)._tag).toBe('Unknown')
    expect(mapVolcengineError('constructor', undefined)._tag).toBe('Unknown')
  })

  it('takes the InvalidArgument field from the message when it names a parameter', () => {
    const e = mapVolcengineError('InvalidParameter', 'The specified parameter PhoneNoB is invalid.')
    expect(e._tag === 'InvalidArgument' && e.field).toBe('b')
    const d = mapVolcengineError('IllegalArgument', 'ExpireTime must be Unix seconds')
    expect(d._tag === 'InvalidArgument' && d.field).toBe('expiresAt')
    const x = mapVolcengineError('IllegalPhoneNoX', 'bad')
    expect(x._tag === 'InvalidArgument' && x.field).toBe('x')
    const r = mapVolcengineError('IllegalArgument', 'something is wrong')
    expect(r._tag === 'InvalidArgument' && r.field).toBe('request')
  })

  it('reads the longest parameter name first', () => {
    expect(fieldOfMessage('CityCodeByPhoneNo must be A or B')).toBe('select.byParty')
    expect(fieldOfMessage('DegradeCityList has more than 5 cities')).toBe('select.fallbackCities')
  })

  it('masks phone numbers in the vendor message', () => {
    const e = mapVolcengineError('PhoneNoARiskFrozen', 'A number 13800138000 is frozen')
    expect(e.vendorMessage).not.toContain('13800138000')
    expect(e.message).not.toContain('13800138000')
  })

  it('carries retryAfterMs on RateLimited', () => {
    const e = mapVolcengineError('OverQpsLimit', 'slow down', { retryAfterMs: 2000 })
    expect(e._tag === 'RateLimited' && e.retryAfterMs).toBe(2000)
  })
})
