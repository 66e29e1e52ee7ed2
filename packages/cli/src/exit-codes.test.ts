import { makeError, type PrivacyNumberError } from '@privacy-number/core'
import { EXIT_CODES, exitCodeOf } from './exit-codes'

const invalid = makeError('InvalidArgument', 'a is bad', { field: 'a' })
const notFound = makeError('BindingNotFound', 'gone', { vendor: 'volcengine' })
const timeout = makeError('Timeout', 'slow', { vendor: 'aliyun' })
const all = (attempts: PrivacyNumberError[]) =>
  makeError('AllProvidersFailed', 'all failed', {
    attempts: attempts.map((error) => ({ vendor: error.vendor ?? 'x', error, durationMs: 1 })),
    outcome: attempts.some((a) => a.outcome === 'unknown') ? 'unknown' : 'not-applied',
  })

describe('exitCodeOf', () => {
  it('keeps the documented numbers', () => {
    expect(EXIT_CODES).toEqual({
      ok: 0,
      internal: 1,
      invalidInput: 2,
      vendorError: 3,
      allProvidersFailed: 4,
      unknownOutcome: 5,
      batchRowsFailed: 6,
    })
  })

  it.each([
    ['invalid input', invalid, true, 2],
    ['a vendor error', notFound, true, 3],
    ['every provider failing', all([notFound]), true, 4],
    ['a change that may have been applied', timeout, true, 5],
    ['a failover whose last attempt is unknown', all([notFound, timeout]), true, 5],
    ['a read that timed out (nothing to leave behind)', timeout, false, 3],
  ])('maps %s to its code', (_name, error, changes, code) => {
    expect(exitCodeOf(error, changes)).toBe(code)
  })
})
