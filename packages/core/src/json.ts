/**
 * Lossless JSON reading (DESIGN §3): vendor ids (Aliyun GroupId, receipt sub_id/id) arrive as
 * JSON numbers that can exceed 2^53. Integers beyond the safe range are kept as their exact
 * decimal strings; everything else parses as `JSON.parse` would.
 */
import * as E from 'fp-ts/Either'
import { parse } from 'lossless-json'

// Every integer outside ±(2^53 − 1) becomes a string, even one a double happens to hold exactly
// (20000000000000000), so an id field has one type whatever its value. A fraction or an exponent
// is not an id and reads as `JSON.parse` reads it.
const INTEGER = /^-?\d+$/
const numberParser = (value: string): number | string =>
  INTEGER.test(value) && !Number.isSafeInteger(Number(value)) ? value : Number(value)

/**
 * Parses JSON text; integers that would lose precision become decimal strings. Never throws.
 * (Unlike `JSON.parse`, a duplicate key with different values is a Left.)
 */
export function parseJsonLossless(text: string): E.Either<string, unknown> {
  try {
    return E.right(parse(text, null, numberParser))
  } catch (e) {
    return E.left(e instanceof Error ? e.message : 'malformed JSON')
  }
}
