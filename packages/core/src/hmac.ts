/**
 * HMAC with the key's padded blocks prepared once, for the vendors' request signers (RFC 2104:
 * `H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m))`). `createHmac` builds a Hmac object and re-derives the
 * pads on every call; two one-shot `crypto.hash` calls over prepared pads cost about half
 * (1.7 vs 3.2 µs for a 430-byte Aliyun string-to-sign, micro-measured on the project's
 * machine). Hand-written because no maintained package offers a reusable HMAC key for Node's
 * one-shot hash; the tests hold it to `createHmac` on random keys and messages.
 *
 * Each key owns two scratch buffers: the inner pad followed by the message, and the outer pad
 * followed by the inner digest. A message is written (a string as UTF-8) or copied straight
 * after the pad, so a call builds no `pad + message` string and encodes the message once. The
 * buffers are reused: the function is synchronous, and nothing keeps a view of them after it
 * returns. A Node without `crypto.hash` (before 20.12) uses `createHmac`.
 */
import * as nodeCrypto from 'node:crypto'

/** The hash functions the vendors sign with; both have 64-byte blocks. */
export type HmacAlgorithm = 'sha1' | 'sha256'

/** HMAC of a message (a string is taken as UTF-8; bytes as they are), as hex or base64. */
export type HmacFunction = (message: string | Uint8Array, encoding: 'hex' | 'base64') => string

const BLOCK_BYTES = 64
// A message whose bytes would need more scratch than this gets a buffer of its own for that
// call, so one very large message (a big batch) does not stay allocated for the key's life.
const MAX_KEPT_BYTES = 64 * 1024
const oneShot: typeof nodeCrypto.hash | undefined = nodeCrypto.hash

/** Prepares `key` (a string is taken as UTF-8) once for many HMACs. */
export function hmacWithKey(algorithm: HmacAlgorithm, key: string | Buffer): HmacFunction {
  const hash = oneShot
  if (typeof hash !== 'function')
    return (message, encoding) =>
      typeof message === 'string'
        ? nodeCrypto.createHmac(algorithm, key).update(message, 'utf8').digest(encoding)
        : nodeCrypto.createHmac(algorithm, key).update(message).digest(encoding)
  const given = typeof key === 'string' ? Buffer.from(key, 'utf8') : key
  // RFC 2104: a key longer than a block is replaced by its hash.
  const bytes = given.length > BLOCK_BYTES ? hash(algorithm, given, 'buffer') : given
  let inner = Buffer.alloc(BLOCK_BYTES + 2048)
  const outer = Buffer.alloc(BLOCK_BYTES + 32) // a SHA-256 digest is 32 bytes
  for (let i = 0; i < BLOCK_BYTES; i++) {
    const b = bytes[i] ?? 0
    inner[i] = b ^ 0x36
    outer[i] = b ^ 0x5c
  }
  // The inner buffer, grown when `most` bytes would not fit (or a one-off one past the cap).
  const room = (most: number): Buffer => {
    if (most <= inner.length) return inner
    const bigger = Buffer.alloc(Math.max(most, 2 * inner.length))
    inner.copy(bigger, 0, 0, BLOCK_BYTES)
    if (most <= MAX_KEPT_BYTES) inner = bigger
    return bigger
  }
  return (message, encoding) => {
    let buf: Buffer
    let end: number
    if (typeof message === 'string') {
      // At most 3 UTF-8 bytes per UTF-16 unit (a surrogate pair is 2 units for 4 bytes).
      buf = room(BLOCK_BYTES + 3 * message.length)
      end = BLOCK_BYTES + buf.write(message, BLOCK_BYTES, 'utf8')
    } else {
      buf = room(BLOCK_BYTES + message.length)
      buf.set(message, BLOCK_BYTES)
      end = BLOCK_BYTES + message.length
    }
    const digest = hash(algorithm, buf.subarray(0, end), 'buffer')
    outer.set(digest, BLOCK_BYTES)
    return hash(algorithm, outer.subarray(0, BLOCK_BYTES + digest.length), encoding)
  }
}
