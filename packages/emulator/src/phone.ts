// Vendor-side phone checks. The vendors accept digits only: an 11-digit mobile, or a fixed line
// written as area code + local number with no hyphen (02131075869).

const MOBILE = /^1[3-9]\d{9}$/
const FIXED_LINE = /^0[1-9]\d{8,10}$/

/** True when `s` is a party number the vendors accept (mobile or fixed line, digits only). */
export const isValidPhone = (s: string): boolean => MOBILE.test(s) || FIXED_LINE.test(s)

/** True when `s` can be an X number: vendors treat X as an opaque digit string. */
export const isValidXNumber = (s: string): boolean => /^\d{5,20}$/.test(s)

/** Three-digit area codes: 010 and 020–029. Every other area code has four digits. */
const areaCodeOfFixedLine = (s: string): string =>
  s.startsWith('010') || s.startsWith('02') ? s.slice(0, 3) : s.slice(0, 4)

/** How the emulator decides a party's home city (the vendors use carrier data; we use a table). */
export interface HomeCityRules {
  /** Mobile number prefix (any length, longest match wins) → area code. */
  readonly mobilePrefixes: Readonly<Record<string, string>>
  /** The area code of a mobile whose prefix is in no rule. */
  readonly defaultMobileCity: string
}

/** The area code a party number belongs to: a fixed line's own code, a mobile's by rule. */
export const homeCityOf = (phone: string, rules: HomeCityRules): string => {
  if (phone.startsWith('0')) return areaCodeOfFixedLine(phone)
  let best: string | undefined
  let bestLength = -1
  for (const [prefix, code] of Object.entries(rules.mobilePrefixes)) {
    if (phone.startsWith(prefix) && prefix.length > bestLength) {
      best = code
      bestLength = prefix.length
    }
  }
  return best ?? rules.defaultMobileCity
}
