/**
 * Lossless JSON reading (DESIGN §3): vendor ids (Aliyun GroupId, receipt sub_id/id) arrive as
 * JSON numbers that can exceed 2^53. Integers beyond the safe range are kept as their exact
 * decimal strings; everything else parses as `JSON.parse` would.
 */
import * as E from 'fp-ts/Either'
import { isSafeNumber, parse } from 'lossless-json'

const numberParser = (value: string): number | string =>
  isSafeNumber(value, { approx: false }) ? Number(value) : value

/** Parses JSON text; numbers that would lose precision become decimal strings. Never throws. */
export function parseJsonLossless(text: string): E.Either<string, unknown> {
  try {
    return E.right(parse(text, null, numberParser))
  } catch (e) {
    return E.left(e instanceof Error ? e.message : 'malformed JSON')
  }
}
