/**
 * Time helpers (DESIGN §3). Aliyun wants and returns zone-less `yyyy-MM-dd HH:mm:ss` strings in
 * Beijing time (UTC+8, no DST); these are computed from the instant with @date-fns/tz, never
 * from the host's zone, so the same request gives the same string under any `TZ`.
 */
import { TZDate } from '@date-fns/tz'
import { format, getUnixTime, isValid, parse } from 'date-fns'

/** The IANA zone of Beijing time. */
export const BEIJING_ZONE = 'Asia/Shanghai'
/**
 * The fixed offset the vendors mean by Beijing time. Formatting and parsing use it rather than
 * `BEIJING_ZONE`, whose history has DST (1986–1991) and pre-1949 local mean time.
 */
export const BEIJING_OFFSET = '+08:00'
const PATTERN = 'yyyy-MM-dd HH:mm:ss'
const SHAPE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/

/** Formats an instant as Beijing wall-clock time, `yyyy-MM-dd HH:mm:ss`. */
export function formatBeijing(instant: Date): string {
  return format(new TZDate(instant.getTime(), BEIJING_OFFSET), PATTERN)
}

/** Reads a `yyyy-MM-dd HH:mm:ss` Beijing wall-clock string; undefined if malformed or invalid. */
export function parseBeijing(text: string): Date | undefined {
  if (!SHAPE.test(text)) return undefined
  const parsed = parse(text, PATTERN, new TZDate(0, BEIJING_OFFSET))
  if (!isValid(parsed)) return undefined
  const instant = new Date(parsed.getTime())
  // date-fns rolls impossible dates over (Feb 30 → Mar 1); a round trip rejects them.
  return formatBeijing(instant) === text ? instant : undefined
}

/** Unix seconds of an instant (Volcengine ExpireTime). */
export function toUnixSeconds(instant: Date): number {
  return getUnixTime(instant)
}

/** An instant from Unix seconds or milliseconds given as a number or a decimal string. */
export function fromEpoch(value: number | string, unit: 's' | 'ms'): Date | undefined {
  const n = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : NaN
  if (!Number.isFinite(n)) return undefined
  const date = new Date(unit === 's' ? n * 1000 : n)
  // Beyond ±8.64e15 ms a Date is invalid; say so rather than hand back an Invalid Date.
  return Number.isNaN(date.getTime()) ? undefined : date
}
