import {
  ERROR_TAGS,
  PrivacyNumberException,
  invalidArgument,
  invalidResponse,
  isPrivacyNumberError,
  makeError,
  shouldFailover,
  timeout,
  unsupported,
  type ErrorOf,
  type ErrorTag,
  type Outcome,
  type PrivacyNumberError,
} from './errors'

// The tag-specific fields each constructor call needs.
const EXTRA: { [T in ErrorTag]: Parameters<typeof makeError<T>>[2] } = {
  InvalidArgument: { field: 'a' },
  Unsupported: { operation: 'findBindings' },
  NoAvailableNumber: { city: '010' },
  BindingConflict: {},
  BindingNotFound: {},
  RiskControlled: {},
  RateLimited: { retryAfterMs: 1000 },
  AuthFailed: {},
  AccountUnavailable: {},
  VendorUnavailable: {},
  Timeout: { timeoutMs: 200 },
  NetworkError: { code: 'ECONNRESET' },
  InvalidResponse: { body: '<html>' },
  Unknown: { vendorCode: 'Mystery' },
  AllProvidersFailed: { attempts: [] },
}

const make = <T extends ErrorTag>(tag: T, extra: Partial<ErrorOf<T>> = {}): ErrorOf<T> =>
  makeError(tag, `${tag} happened`, { ...EXTRA[tag], ...extra } as Parameters<
    typeof makeError<T>
  >[2])

// DESIGN §2.3: retryable exactly for these four.
const RETRYABLE: ReadonlyArray<ErrorTag> = [
  'RateLimited',
  'VendorUnavailable',
  'Timeout',
  'NetworkError',
]

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

// DESIGN §2.4 rule 2: the tags that fail over when the request was certainly not applied.
const FAILS_OVER: ReadonlyArray<ErrorTag> = [
  'NoAvailableNumber',
  'RateLimited',
  'VendorUnavailable',
  'AccountUnavailable',
  'AuthFailed',
  'Unsupported',
  'NetworkError',
]

describe('the error union', () => {
  it('has every tag of DESIGN §2.3, in order', () => {
    expect(ERROR_TAGS).toEqual([
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
    ])
  })

  it.each(ERROR_TAGS.map((tag) => [tag]))(
    '%s gets the default retryable flag and outcome',
    (tag) => {
      const e = make(tag)
      expect(e._tag).toBe(tag)
      expect(e.message).toBe(`${tag} happened`)
      expect(e.retryable).toBe(RETRYABLE.includes(tag))
      expect(e.outcome).toBe(DEFAULT_OUTCOME[tag])
    },
  )

  it('is retryable exactly for RateLimited, VendorUnavailable, Timeout and NetworkError', () => {
    expect(ERROR_TAGS.filter((tag) => make(tag).retryable)).toEqual(RETRYABLE)
  })

  it('keeps the common and tag-specific fields it is given', () => {
    const e = makeError('RateLimited', 'slow down', {
      vendor: 'volcengine',
      vendorCode: 'OverQpsLimit',
      vendorMessage: 'qps over limit',
      requestId: '20231123041700ABCDEF',
      httpStatus: 429,
      retryAfterMs: 1500,
    })
    expect(e).toEqual({
      _tag: 'RateLimited',
      message: 'slow down',
      vendor: 'volcengine',
      vendorCode: 'OverQpsLimit',
      vendorMessage: 'qps over limit',
      requestId: '20231123041700ABCDEF',
      httpStatus: 429,
      retryAfterMs: 1500,
      retryable: true,
      outcome: 'not-applied',
    })
  })

  it('lets the caller override the outcome and the retryable flag', () => {
    const e = makeError('VendorUnavailable', 'rejected', { outcome: 'not-applied' })
    expect(e.outcome).toBe('not-applied')
    expect(e.retryable).toBe(true)
    expect(makeError('Unknown', 'x', { retryable: true }).retryable).toBe(true)
    expect(makeError('NetworkError', 'x', { retryable: false }).retryable).toBe(false)
  })

  it('masks phone numbers in message and vendorMessage but not dates or ids', () => {
    const e = makeError('BindingConflict', 'A 13800138000 already bound on 2026-11-23 04:17:00', {
      vendorMessage: 'PhoneNoB +86 139-0013-9000 conflicts, sub S160817372431596661',
    })
    expect(e.message).toBe('A 138****8000 already bound on 2026-11-23 04:17:00')
    expect(e.vendorMessage).toBe('PhoneNoB 139****9000 conflicts, sub S160817372431596661')
    expect(JSON.stringify(e)).not.toMatch(/13800138000|13900139000/)
  })

  it('leaves the data fields raw (only human-readable text is masked)', () => {
    const e = makeError('InvalidArgument', 'bad', { field: 'b', requestId: '13800138000' })
    expect(e.requestId).toBe('13800138000')
  })
})

describe('constructors', () => {
  it('invalidArgument names the field and sends nothing', () => {
    const e = invalidArgument('select.fallbackCities[2]', 'must be an area code', {
      vendor: 'aliyun',
    })
    expect(e).toEqual({
      _tag: 'InvalidArgument',
      field: 'select.fallbackCities[2]',
      message: 'must be an area code',
      vendor: 'aliyun',
      retryable: false,
      outcome: 'not-applied',
    })
  })

  it('unsupported names the operation', () => {
    expect(unsupported('recordingUrl', 'no recordings here')).toMatchObject({
      _tag: 'Unsupported',
      operation: 'recordingUrl',
      outcome: 'not-applied',
      retryable: false,
    })
  })

  it('timeout carries the limit and an unknown outcome', () => {
    expect(timeout(200, { vendor: 'aliyun' })).toEqual({
      _tag: 'Timeout',
      message: 'no answer within 200 ms',
      timeoutMs: 200,
      vendor: 'aliyun',
      retryable: true,
      outcome: 'unknown',
    })
  })

  it('invalidResponse keeps the body truncated to 512 characters and masked', () => {
    const body = `<html>13800138000 ${'x'.repeat(1000)}</html>`
    const e = invalidResponse('not JSON', body, { httpStatus: 502 })
    expect(e._tag).toBe('InvalidResponse')
    expect(e.httpStatus).toBe(502)
    expect(e.outcome).toBe('unknown')
    expect(e.body?.startsWith('<html>138****8000 xxx')).toBe(true)
    expect(e.body).toMatch(/…\(\d+ more characters\)$/)
    expect(e.body!.length).toBeLessThan(560)
    expect(invalidResponse('empty', undefined)).not.toHaveProperty('body')
    expect(invalidResponse('short', '{}').body).toBe('{}')
  })
})

describe('isPrivacyNumberError', () => {
  it.each(ERROR_TAGS.map((tag) => [tag]))('accepts a %s', (tag) => {
    expect(isPrivacyNumberError(make(tag))).toBe(true)
  })

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'InvalidArgument'],
    ['a number', 42],
    ['an empty object', {}],
    ['an Error', new Error('boom')],
    ['an unknown tag', { _tag: 'Oops', message: 'm', retryable: false, outcome: 'unknown' }],
    ['a missing message', { _tag: 'Timeout', retryable: true, outcome: 'unknown' }],
    [
      'a non-boolean retryable',
      { _tag: 'Timeout', message: 'm', retryable: 'yes', outcome: 'unknown' },
    ],
    ['a bad outcome', { _tag: 'Timeout', message: 'm', retryable: true, outcome: 'maybe' }],
    ['a fp-ts Left', { _tag: 'Left', left: { _tag: 'Timeout' } }],
    [
      'an InvalidArgument without field',
      { _tag: 'InvalidArgument', message: 'm', retryable: false, outcome: 'not-applied' },
    ],
    [
      'an AllProvidersFailed without attempts',
      { _tag: 'AllProvidersFailed', message: 'm', retryable: false, outcome: 'not-applied' },
    ],
  ])('rejects %s', (_, value) => {
    expect(isPrivacyNumberError(value)).toBe(false)
  })
})

describe('shouldFailover (DESIGN §2.4 rule 2)', () => {
  const cases = ERROR_TAGS.flatMap((tag) =>
    (['not-applied', 'unknown'] as const).map(
      (outcome) => [tag, outcome, outcome === 'not-applied' && FAILS_OVER.includes(tag)] as const,
    ),
  )

  it.each(cases)('%s with outcome %s fails over: %s', (tag, outcome, expected) => {
    expect(shouldFailover(make(tag, { outcome } as Partial<ErrorOf<typeof tag>>))).toBe(expected)
  })

  it.each(['InvalidArgument', 'BindingConflict', 'RiskControlled'] as const)(
    'never fails over on the caller-side %s',
    (tag) => {
      expect(shouldFailover(make(tag, { outcome: 'not-applied' }))).toBe(false)
    },
  )

  it('never fails over when the request may have been applied', () => {
    for (const tag of ERROR_TAGS)
      expect(shouldFailover(make(tag, { outcome: 'unknown' } as Partial<PrivacyNumberError>))).toBe(
        false,
      )
  })

  it('fails over on a refused connection but not on a reset after sending', () => {
    expect(shouldFailover(make('NetworkError', { outcome: 'not-applied' }))).toBe(true)
    expect(shouldFailover(make('NetworkError'))).toBe(false)
    expect(shouldFailover(make('Timeout'))).toBe(false)
  })
})

describe('PrivacyNumberException', () => {
  it('is an Error that carries the union value in .error', () => {
    const error = makeError('NoAvailableNumber', 'no X for 13800138000', { city: '010' })
    const ex = new PrivacyNumberException(error)
    expect(ex).toBeInstanceOf(Error)
    expect(ex).toBeInstanceOf(PrivacyNumberException)
    expect(ex.name).toBe('PrivacyNumberException')
    expect(ex.error).toBe(error)
    expect(ex.message).toBe('NoAvailableNumber: no X for 138****8000')
    expect(ex.stack).toContain('PrivacyNumberException')
  })

  it('can be caught and narrowed by a Promise user', async () => {
    const rejected = Promise.reject(new PrivacyNumberException(timeout(100)))
    await expect(rejected).rejects.toMatchObject({ error: { _tag: 'Timeout', timeoutMs: 100 } })
  })
})
