// Beijing time (UTC+8, no DST) for Aliyun's wall-clock strings. Computed by shifting the instant,
// never through the host's zone: CI runs under TZ=America/New_York.

const BEIJING_OFFSET_MS = 8 * 3600 * 1000
const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

/** Formats an instant as Beijing wall-clock `yyyy-MM-dd HH:mm:ss`. */
export const formatBeijing = (epochMs: number): string => {
  const d = new Date(epochMs + BEIJING_OFFSET_MS)
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  )
}

const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/

// Clients compute expiries from their clock, so consecutive requests often carry the same
// string: the last one parsed is kept.
let lastParsed: { readonly s: string; readonly ms: number | undefined } | undefined

/** Parses a Beijing wall-clock `yyyy-MM-dd HH:mm:ss`; undefined when malformed or impossible. */
export const parseBeijing = (s: string): number | undefined => {
  if (lastParsed?.s !== s) lastParsed = { s, ms: parseBeijingUncached(s) }
  return lastParsed.ms
}

const parseBeijingUncached = (s: string): number | undefined => {
  const m = WALL_CLOCK.exec(s)
  if (m === null) return undefined
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const utc = Date.UTC(y, mo - 1, d, h, mi, se)
  const check = new Date(utc)
  // Date.UTC rolls 2024-02-30 over to March; the vendor rejects such dates.
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) {
    return undefined
  }
  return utc - BEIJING_OFFSET_MS
}

/** Formats an instant as `yyyyMMddHHmmss` in Beijing time (Volcengine request ids start so). */
export const compactBeijing = (epochMs: number): string => formatBeijing(epochMs).replace(/\D/g, '')

/** 2038-01-01T00:00:00Z in epoch ms: both vendors refuse expiries from there on. */
export const YEAR_2038_MS = Date.UTC(2038, 0, 1)

/** Bindings must expire more than this long after now (both vendors: "1 minute"). */
export const MIN_LIFETIME_MS = 60_000
