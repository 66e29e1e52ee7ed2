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

// A text where no number starts with 16 digits holds no integer beyond 2^53 (9007199254740991
// has 16), so `JSON.parse` reads it exactly as the lossless parser would, at a fraction of the
// cost: that is nearly every vendor answer (the lossless parser was ≈ 5 % of a bind's CPU). A
// JSON number starts the text or follows `:`, `[` or `,` (and blanks); digits inside a string
// that look like that only send the text down the lossless path, which is always correct.
const LONG_NUMBER = /(?:^|[:[,])\s*-?\d{16}/

/**
 * Parses JSON text; integers that would lose precision become decimal strings. Never throws.
 * Duplicate keys are not something vendors send: where the text holds a long integer the lossless
 * parser refuses a duplicate key with different values (a Left); otherwise the last one wins, as
 * with `JSON.parse`.
 */
export function parseJsonLossless(text: string): E.Either<string, unknown> {
  try {
    if (!LONG_NUMBER.test(text)) return E.right(JSON.parse(text))
    return E.right(parse(text, null, numberParser))
  } catch (e) {
    return E.left(e instanceof Error ? e.message : 'malformed JSON')
  }
}
