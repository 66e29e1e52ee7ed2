// Volcengine request parameters, whatever the encoding: a JSON body (lists as arrays), a form body
// (lists as comma strings) or the query string (GET). Names are matched case-insensitively, since
// the vendor's own form example sends `audioRecordFlag` (seed 002).

/** Read access to one request's business parameters. */
export interface VolcParams {
  /** The parameter as a string; absent, null and empty values are undefined. */
  str(name: string): string | undefined
  /** A list parameter: a JSON array, or a comma-separated string. */
  list(name: string): string[] | undefined
}

const scalar = (v: unknown): string | undefined => {
  if (typeof v === 'string') return v === '' ? undefined : v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  if (Array.isArray(v)) return v.map(String).join(',')
  return undefined
}

// Lower-cased names, remembered: the actions ask for the same few dozen names on every request,
// and a lookup is cheaper than a new string each time. Bounded, since clients choose JSON keys.
const lowered = new Map<string, string>()
const MAX_LOWERED = 1024

/** `name.toLowerCase()`, memoised. */
export const lowerName = (name: string): string => {
  let l = lowered.get(name)
  if (l === undefined) {
    l = name.toLowerCase()
    if (lowered.size < MAX_LOWERED) lowered.set(name, l)
  }
  return l
}

/**
 * The accessor over name/value pairs gathered in a map, names lower-cased with `lowerName` (the
 * later of two values under one name wins, as the map keeps it).
 */
export const paramsOf = (map: ReadonlyMap<string, unknown>): VolcParams => {
  return {
    str: (name) => scalar(map.get(lowerName(name))),
    list: (name) => {
      const v = map.get(lowerName(name))
      if (Array.isArray(v)) return v.map(String)
      const s = scalar(v)
      if (s === undefined) return undefined
      return s
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== '')
    },
  }
}
