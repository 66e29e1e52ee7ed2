/**
 * Phone-number normalization (DESIGN §2.2). A and B (and G members) are real numbers: an 11-digit
 * mobile `1[3-9]\d{9}` or a fixed line `0` + area code + local number. X is an opaque vendor
 * number (fixed lines, 95/400 numbers, 15-digit 700 numbers): digits only, kept as given.
 */
import * as E from 'fp-ts/Either'

/** A normalized real phone number (mobile or fixed line). */
export type PhoneKind = 'mobile' | 'fixed'

const MOBILE = /^1[3-9]\d{9}$/
// 0 + area code (10, 2x, or a 3-digit code starting 3–9) + a 7–8 digit local number that
// starts with 2–9 (local numbers never start with 0 or 1).
const FIXED = /^0(?:10|2\d|[3-9]\d\d)[2-9]\d{6,7}$/
const SEPARATORS = /[\s\-()（）\u00a0]/g

/** Which kind of real number a normalized string is, if any. */
export function phoneKind(normalized: string): PhoneKind | undefined {
  if (MOBILE.test(normalized)) return 'mobile'
  if (FIXED.test(normalized)) return 'fixed'
  return undefined
}

/**
 * Normalizes a real phone number: removes spaces, hyphens and brackets and the `+86`, `0086` or
 * `86` prefix; restores the trunk `0` of an international fixed line ('+86 10 6233 4455' →
 * '01062334455'). Left: a readable reason.
 */
export function normalizePhone(input: string): E.Either<string, string> {
  if (typeof input !== 'string') return E.left('must be a string')
  // Already normalized (the usual case): nothing to strip or rewrite.
  if (MOBILE.test(input)) return E.right(input)
  const compact = input.replace(SEPARATORS, '')
  if (compact === '') return E.left('is empty')
  let national: string
  if (compact.startsWith('+86')) national = compact.slice(3)
  else if (compact.startsWith('0086')) national = compact.slice(4)
  else if (compact.startsWith('86') && MOBILE.test(compact.slice(2))) national = compact.slice(2)
  else if (compact.startsWith('+')) return E.left('is not a mainland China number (+86)')
  else national = compact
  if (!/^\d+$/.test(national)) return E.left('may hold only digits, spaces, hyphens and brackets')
  const international = compact !== national
  if (international && !national.startsWith('0') && !MOBILE.test(national))
    national = `0${national}`
  return phoneKind(national) === undefined
    ? E.left('is neither an 11-digit mobile (1[3-9]…) nor a fixed line (0 + area code + number)')
    : E.right(national)
}

/**
 * Normalizes an X number: spaces and hyphens removed, then 5 to 20 digits kept as given (X may
 * be a 95 number, a 400 number, a fixed line or a 15-digit 700 number).
 */
export function normalizeX(input: string): E.Either<string, string> {
  if (typeof input !== 'string') return E.left('must be a string')
  const compact = input.replace(SEPARATORS, '')
  return /^\d{5,20}$/.test(compact) ? E.right(compact) : E.left('must be 5 to 20 digits')
}
