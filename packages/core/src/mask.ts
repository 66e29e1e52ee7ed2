/**
 * Phone-number masking for messages, events and logs (DESIGN §6): `138****8000`. The raw values
 * stay in the data fields a caller asked for; only human-readable text is masked.
 */

/** Masks one phone number: keeps the first 3 and last 4 digits of its digits. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '')
  if (digits.length >= 8) return `${digits.slice(0, 3)}****${digits.slice(-4)}`
  if (digits.length >= 3) return `${'*'.repeat(digits.length - 2)}${digits.slice(-2)}`
  return '*'.repeat(digits.length)
}

// A run of 7+ digits (optionally with +86/0086 and separators) that is not glued to letters or
// other digits: mobiles, fixed lines, 95/400 and 700 numbers. Ids such as 'S1608…' keep their
// letter prefix and are left alone.
const PHONE_IN_TEXT = /(?<![\w+])(?:\+?86[ -]?|0086[ -]?)?\d(?:[\d -]{5,22})\d(?![\w])/g

/** Masks every phone-number-like run of digits in free text. */
export function maskPhonesInText(text: string): string {
  return text.replace(PHONE_IN_TEXT, (m) => {
    if (/^\d{4}-\d{2}-\d{2}/.test(m)) return m // a date, not a number
    const digits = m.replace(/\D/g, '')
    return digits.length >= 7 ? maskPhone(digits.replace(/^(?:0086|86)(?=1\d{10}$)/, '')) : m
  })
}
