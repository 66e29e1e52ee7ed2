import { createHmac } from 'node:crypto'
import fc from 'fast-check'
import type { HmacAlgorithm } from './hmac'
import { hmacDigest, prepareHmacKey } from './hmac'

const algorithms: HmacAlgorithm[] = ['sha1', 'sha256']

describe('hmacDigest', () => {
  it('equals createHmac for random keys and messages, prepared key reused across calls', () => {
    const key = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 100 }),
      fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
    )
    const message = fc.string({ unit: 'grapheme', maxLength: 400 })
    fc.assert(
      fc.property(
        fc.constantFrom(...algorithms),
        fc.constantFrom('hex' as const, 'base64' as const),
        key,
        fc.array(message, { minLength: 1, maxLength: 4 }),
        (algorithm, encoding, k, messages) => {
          const prepared = prepareHmacKey(algorithm, k)
          for (const m of messages) {
            expect(hmacDigest(prepared, m, encoding)).toBe(
              createHmac(algorithm, k).update(m, 'utf8').digest(encoding),
            )
          }
        },
      ),
    )
  })

  it('handles a message longer than its buffer, then a short one again', () => {
    const prepared = prepareHmacKey('sha256', 'k')
    for (const m of ['short', '长'.repeat(5000), 'x'.repeat(3000), 'short']) {
      expect(hmacDigest(prepared, m, 'hex')).toBe(createHmac('sha256', 'k').update(m).digest('hex'))
    }
  })
})
