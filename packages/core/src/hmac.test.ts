import { createHmac } from 'node:crypto'
import * as nodeCrypto from 'node:crypto'
import fc from 'fast-check'
import type * as hmacModule from './hmac'
import { hmacWithKey, type HmacAlgorithm } from './hmac'

const reference = (
  algorithm: HmacAlgorithm,
  key: string | Buffer,
  message: string | Uint8Array,
  encoding: 'hex' | 'base64',
): string =>
  typeof message === 'string'
    ? createHmac(algorithm, key).update(message, 'utf8').digest(encoding)
    : createHmac(algorithm, key).update(message).digest(encoding)

describe('hmacWithKey', () => {
  it('gives RFC 2202 / RFC 4231 HMACs', () => {
    // RFC 2202 test case 2 (HMAC-SHA1) and RFC 4231 test case 2 (HMAC-SHA256): key "Jefe".
    expect(hmacWithKey('sha1', 'Jefe')('what do ya want for nothing?', 'hex')).toBe(
      'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79',
    )
    expect(hmacWithKey('sha256', 'Jefe')('what do ya want for nothing?', 'hex')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    )
  })

  it('agrees with createHmac on any key and message, ASCII or not, short or long', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<HmacAlgorithm>('sha1', 'sha256'),
        fc.oneof(
          fc.string({ maxLength: 100 }),
          fc.string({ unit: 'grapheme', maxLength: 40 }),
          fc.uint8Array({ maxLength: 100 }).map((a) => Buffer.from(a)),
        ),
        fc.oneof(
          fc.string({ maxLength: 600 }),
          fc.string({ unit: 'grapheme', maxLength: 200 }),
          // Lone surrogates: written as U+FFFD, as createHmac's UTF-8 update does.
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.uint8Array({ maxLength: 600 }),
        ),
        fc.constantFrom<'hex' | 'base64'>('hex', 'base64'),
        (algorithm, key, message, encoding) =>
          hmacWithKey(algorithm, key)(message, encoding) ===
          reference(algorithm, key, message, encoding),
      ),
      { numRuns: 500 },
    )
  })

  it('prepares the key once: the same function signs many messages', () => {
    const sign = hmacWithKey('sha1', 'secret&')
    for (const m of ['', 'a', 'GET&%2F&x', '济南'.repeat(50)])
      expect(sign(m, 'base64')).toBe(reference('sha1', 'secret&', m, 'base64'))
  })

  it('signs messages longer than its scratch, and short ones after them, with the same key', () => {
    // 1 kB, 40 kB (the buffer grows and is kept), 200 kB (a one-off buffer), then short again:
    // a message must never see bytes left behind by a longer one.
    const sign = hmacWithKey('sha256', 'k'.repeat(70)) // longer than a block: hashed first
    const messages = ['x'.repeat(1024), '济'.repeat(40_000), 'y'.repeat(200_000), 'z', '']
    for (const m of [...messages, ...messages.map((s) => Buffer.from(s))])
      expect(sign(m, 'hex')).toBe(reference('sha256', 'k'.repeat(70), m, 'hex'))
  })

  it('falls back to createHmac where crypto.hash is missing (Node before 20.12)', () => {
    jest.isolateModules(() => {
      jest.doMock('node:crypto', () => ({ ...nodeCrypto, hash: undefined }))
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const isolated = require('./hmac') as typeof hmacModule
      expect(isolated.hmacWithKey('sha256', 'k')('m', 'hex')).toBe(
        reference('sha256', 'k', 'm', 'hex'),
      )
    })
    jest.dontMock('node:crypto')
  })
})
