/**
 * `--ttl 30m`: a duration of one or more `<number><unit>` parts (s, m, h, d), e.g. `90s`, `1h30m`,
 * `2d`. Hand-written on purpose: it is a four-unit grammar, and date-fns' `Duration` parser
 * would add a dependency to the CLI for no gain.
 */

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
}

const WHOLE = /^(?:\d+[smhd])+$/
const PART = /(\d+)([smhd])/g

/** Milliseconds in a duration such as `30m` or `1h30m`; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim()
  if (!WHOLE.test(s)) return undefined
  let ms = 0
  for (const [, n, unit] of s.matchAll(PART)) ms += Number(n) * (UNIT_MS[unit ?? ''] ?? 0)
  return ms > 0 ? ms : undefined
}

/** True when a string looks like a duration rather than a date. */
export const isDuration = (text: string): boolean => parseDuration(text) !== undefined
