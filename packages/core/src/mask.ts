/**
 * Phone-number masking for messages, events and logs (DESIGN §6): `138****8000`. The raw values
 * stay in the data fields a caller asked for; only human-readable text is masked.
 */

// A mobile written with its country code ('+86 138…', '0086138…'): the prefix is dropped before
// masking so the visible digits are the mobile's own ('138****8000', not '861****8000').
const MOBILE_COUNTRY_PREFIX = /^(?:0086|86)(?=1\d{10}$)/

/** Masks one phone number: keeps the first 3 and last 4 digits of its digits. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '').replace(MOBILE_COUNTRY_PREFIX, '')
  if (digits.length >= 8) return `${digits.slice(0, 3)}****${digits.slice(-4)}`
  if (digits.length >= 3) return `${'*'.repeat(digits.length - 2)}${digits.slice(-2)}`
  return '*'.repeat(digits.length)
}

// A date ('2026-11-23', optionally with a time) is matched first and kept as is: otherwise its
// digits would run on into a phone number that follows it ('2026-11-23 13800138000').
const DATE = String.raw`\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?`
// A run of 7+ digits (optionally with +86/0086 and separators) that is not glued to letters or
// other digits: mobiles, fixed lines, 95/400 and 700 numbers. Ids such as 'S1608…' keep their
// letter prefix and are left alone.
const PHONE = String.raw`(?:\+?86[ -]?|0086[ -]?)?\d(?:[\d -]{5,22})\d(?!\w)`
const PHONE_IN_TEXT = new RegExp(String.raw`(?<![\w+])(?:(${DATE})|${PHONE})`, 'g')

function maskRun(run: string): string {
  const digits = run.replace(/\D/g, '')
  return digits.length >= 7 ? maskPhone(digits) : run
}

/** Masks every phone-number-like run of digits in free text. */
export function maskPhonesInText(text: string): string {
  return text.replace(PHONE_IN_TEXT, (m: string, date: string | undefined) => {
    if (date !== undefined) return m
    // Several whole numbers separated by spaces ('13800138000 13900139000') are masked one by
    // one; a number written in space-separated groups ('138 0013 8000') is masked as one.
    const parts = m.split(/(\s+)/)
    const words = parts.filter((_, i) => i % 2 === 0)
    if (words.length > 1 && words.every((w) => w.replace(/\D/g, '').length >= 7))
      return parts.map((p, i) => (i % 2 === 0 ? maskRun(p) : p)).join('')
    return maskRun(m)
  })
}
