import type { PrivacyNumberError } from '@privacy-number/core'
import * as E from 'fp-ts/Either'
import fc from 'fast-check'
import {
  BindResult,
  decodeResult,
  encodeBody,
  OperationResult,
  readResponse,
  retryAfterMs,
  Subscription,
  SubscriptionPage,
} from './wire'

const NOW = new Date('2026-01-01T00:00:00Z')
const ok = (body: unknown, status = 200, headers: Record<string, string> = {}) => ({
  status,
  headers,
  body: typeof body === 'string' ? body : JSON.stringify(body),
})
const meta = { RequestId: 'REQ1', Action: 'BindAXB', Version: '2022-01-01', Service: 'vms' }
const left = <A>(r: E.Either<PrivacyNumberError, A>) => {
  if (E.isRight(r)) throw new Error('expected a Left')
  return r.left
}

describe('encodeBody', () => {
  const params = { NumberPoolNo: 'NP1', ExpireTime: 1700000000, DegradeCityList: ['010', 'PNPC'] }
  it('sends JSON with numbers as numbers and lists as arrays', () => {
    expect(JSON.parse(encodeBody(params, 'json'))).toEqual(params)
  })
  it('sends the legacy form encoding with lists comma-separated', () => {
    expect(new URLSearchParams(encodeBody(params, 'form')).get('DegradeCityList')).toBe('010,PNPC')
    expect(new URLSearchParams(encodeBody(params, 'form')).get('ExpireTime')).toBe('1700000000')
  })
})

describe('readResponse', () => {
  it('returns Result and the request id on success', () => {
    const r = readResponse(ok({ ResponseMetadata: meta, Result: { SubId: 'S1' } }), NOW)
    expect(r).toEqual(E.right({ result: { SubId: 'S1' }, requestId: 'REQ1' }))
  })

  it('maps a business error answered with HTTP 200, outcome not-applied', () => {
    const e = left(
      readResponse(
        ok({
          ResponseMetadata: { ...meta, Error: { Code: 'ConflictWithExisting', Message: 'x' } },
        }),
        NOW,
      ),
    )
    expect(e).toMatchObject({
      _tag: 'BindingConflict',
      requestId: 'REQ1',
      httpStatus: 200,
      outcome: 'not-applied',
    })
  })

  it('maps a gateway error with CodeN and its HTTP status', () => {
    const e = left(
      readResponse(
        ok(
          {
            ResponseMetadata: {
              ...meta,
              Error: { CodeN: 100010, Code: 'SignatureDoesNotMatch', Message: 'no' },
            },
          },
          401,
        ),
        NOW,
      ),
    )
    expect(e).toMatchObject({
      _tag: 'AuthFailed',
      httpStatus: 401,
      vendorCode: 'SignatureDoesNotMatch',
    })
  })

  it('answers RateLimited for HTTP 429 and honours Retry-After', () => {
    const e = left(readResponse(ok('<html>busy</html>', 429, { 'retry-after': '3' }), NOW))
    expect(e).toMatchObject({ _tag: 'RateLimited', retryAfterMs: 3000, retryable: true })
  })

  it('answers RateLimited for HTTP 429 even when the envelope holds another code', () => {
    const body = { ResponseMetadata: { ...meta, Error: { Code: 'Whatever', Message: 'm' } } }
    expect(left(readResponse(ok(body, 429), NOW))._tag).toBe('RateLimited')
  })

  it('answers VendorUnavailable with outcome unknown for an HTML 5xx page', () => {
    const e = left(readResponse(ok('<html><body>502 Bad Gateway</body></html>', 502), NOW))
    expect(e).toMatchObject({ _tag: 'VendorUnavailable', outcome: 'unknown', httpStatus: 502 })
  })

  it('answers VendorUnavailable for an HTML page even with HTTP 200', () => {
    expect(left(readResponse(ok('<!DOCTYPE html><p>login</p>'), NOW))._tag).toBe(
      'VendorUnavailable',
    )
  })

  it('answers VendorUnavailable outcome unknown for a 5xx JSON body without a vendor code', () => {
    const e = left(readResponse(ok({ Code: 'InternalError' }, 500), NOW))
    expect(e).toMatchObject({ _tag: 'VendorUnavailable', outcome: 'unknown' })
  })

  it('answers InvalidResponse for truncated JSON, keeping the raw text', () => {
    const e = left(readResponse(ok('{"ResponseMetadata":{"RequestId":"R'), NOW))
    expect(e._tag).toBe('InvalidResponse')
    expect(e._tag === 'InvalidResponse' && e.body).toContain('"ResponseMetadata"')
  })

  it('answers InvalidResponse for JSON without ResponseMetadata', () => {
    expect(left(readResponse(ok({ Result: {} }), NOW))._tag).toBe('InvalidResponse')
  })

  it('answers InvalidResponse for a success without Result', () => {
    expect(left(readResponse(ok({ ResponseMetadata: meta }), NOW))._tag).toBe('InvalidResponse')
  })

  it('never throws, whatever the body', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 100, max: 599 }), (body, status) => {
        const r = readResponse({ status, headers: {}, body }, NOW)
        expect(E.isLeft(r) || E.isRight(r)).toBe(true)
      }),
    )
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = readResponse(ok(JSON.stringify(v)), NOW)
        expect(E.isLeft(r) || E.isRight(r)).toBe(true)
      }),
    )
  })
})

describe('retryAfterMs', () => {
  it('reads delta seconds and HTTP dates', () => {
    expect(retryAfterMs('2', NOW)).toBe(2000)
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', NOW)).toBe(5000)
    expect(retryAfterMs('soon', NOW)).toBeUndefined()
    expect(retryAfterMs(undefined, NOW)).toBeUndefined()
  })
})

describe('result codecs', () => {
  it('accepts the legacy Result true and the V2 { Success: true }', () => {
    expect(E.isRight(OperationResult.decode(true))).toBe(true)
    expect(E.isRight(OperationResult.decode({ Success: true }))).toBe(true)
    expect(E.isRight(OperationResult.decode('true'))).toBe(false)
  })

  it('accepts list-record times as strings or numbers', () => {
    const base = { SubId: 'S1', PhoneNoA: '13700000000', PhoneNoX: '17000000000', Status: 1 }
    const asString = Subscription.decode({ ...base, ExpireTime: '1700000000', EnableTime: '1' })
    const asNumber = Subscription.decode({ ...base, ExpireTime: 1700000000, EnableTime: 1 })
    expect(E.isRight(asString) && asString.right.ExpireTime).toBe(1700000000)
    expect(E.isRight(asNumber) && asNumber.right.ExpireTime).toBe(1700000000)
  })

  it('rejects wrong field types as InvalidResponse with the path', () => {
    const r = decodeResult(BindResult, { SubId: 'S1', PhoneNoX: { no: 1 } }, '{"raw":1}', 'R9')
    const e = left(r)
    expect(e).toMatchObject({ _tag: 'InvalidResponse', requestId: 'R9', body: '{"raw":1}' })
    expect(e.message).toContain('PhoneNoX')
  })

  it('decodes a list page with null Records', () => {
    const r = SubscriptionPage.decode({ Records: null, Total: 0, Offset: 0, Limit: 20 })
    expect(E.isRight(r)).toBe(true)
  })

  it('codecs never throw on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(typeof E.isRight(BindResult.decode(v))).toBe('boolean')
        expect(typeof E.isRight(Subscription.decode(v))).toBe('boolean')
        expect(typeof E.isRight(SubscriptionPage.decode(v))).toBe('boolean')
        expect(typeof E.isRight(OperationResult.decode(v))).toBe('boolean')
      }),
    )
  })
})
