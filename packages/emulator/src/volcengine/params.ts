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

/** Builds the accessor over name/value pairs (later pairs win). */
export const createParams = (entries: Iterable<readonly [string, unknown]>): VolcParams => {
  const map = new Map<string, unknown>()
  for (const [k, v] of entries) map.set(k.toLowerCase(), v)
  return {
    str: (name) => scalar(map.get(name.toLowerCase())),
    list: (name) => {
      const v = map.get(name.toLowerCase())
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
