// The emulator's own small area-code table (it must not depend on core's): enough for the
// seeded cities, provincial-capital fallback (PNPC) and Aliyun's city names.

/** One telephone area: its main city name (as Aliyun's ExpectCity spells it) and province. */
export interface Area {
  readonly city: string
  readonly province: string
}

/** Area code (with the leading 0) → city and province. */
export const AREAS: Readonly<Record<string, Area>> = {
  '010': { city: '北京', province: '北京' },
  '021': { city: '上海', province: '上海' },
  '022': { city: '天津', province: '天津' },
  '023': { city: '重庆', province: '重庆' },
  '020': { city: '广州', province: '广东' },
  '0755': { city: '深圳', province: '广东' },
  '0769': { city: '东莞', province: '广东' },
  '0757': { city: '佛山', province: '广东' },
  '0571': { city: '杭州', province: '浙江' },
  '0574': { city: '宁波', province: '浙江' },
  '0531': { city: '济南', province: '山东' },
  '0532': { city: '青岛', province: '山东' },
  '025': { city: '南京', province: '江苏' },
  '0512': { city: '苏州', province: '江苏' },
  '027': { city: '武汉', province: '湖北' },
  '028': { city: '成都', province: '四川' },
  '029': { city: '西安', province: '陕西' },
  '024': { city: '沈阳', province: '辽宁' },
  '0411': { city: '大连', province: '辽宁' },
  '0731': { city: '长沙', province: '湖南' },
  '0371': { city: '郑州', province: '河南' },
  '0591': { city: '福州', province: '福建' },
  '0592': { city: '厦门', province: '福建' },
  '0551': { city: '合肥', province: '安徽' },
  '0791': { city: '南昌', province: '江西' },
  '0311': { city: '石家庄', province: '河北' },
  '0351': { city: '太原', province: '山西' },
  '0471': { city: '呼和浩特', province: '内蒙古' },
  '0431': { city: '长春', province: '吉林' },
  '0451': { city: '哈尔滨', province: '黑龙江' },
  '0871': { city: '昆明', province: '云南' },
  '0851': { city: '贵阳', province: '贵州' },
  '0771': { city: '南宁', province: '广西' },
  '0898': { city: '海口', province: '海南' },
  '0931': { city: '兰州', province: '甘肃' },
  '0971': { city: '西宁', province: '青海' },
  '0951': { city: '银川', province: '宁夏' },
  '0991': { city: '乌鲁木齐', province: '新疆' },
  '0891': { city: '拉萨', province: '西藏' },
}

/** Province → area code of its capital (municipalities are their own capital). */
export const PROVINCE_CAPITALS: Readonly<Record<string, string>> = {
  北京: '010',
  上海: '021',
  天津: '022',
  重庆: '023',
  广东: '020',
  浙江: '0571',
  山东: '0531',
  江苏: '025',
  湖北: '027',
  四川: '028',
  陕西: '029',
  辽宁: '024',
  湖南: '0731',
  河南: '0371',
  福建: '0591',
  安徽: '0551',
  江西: '0791',
  河北: '0311',
  山西: '0351',
  内蒙古: '0471',
  吉林: '0431',
  黑龙江: '0451',
  云南: '0871',
  贵州: '0851',
  广西: '0771',
  海南: '0898',
  甘肃: '0931',
  青海: '0971',
  宁夏: '0951',
  新疆: '0991',
  西藏: '0891',
}

/** The area code of the capital of the province that `areaCode` lies in, if known. */
export const provincialCapital = (areaCode: string): string | undefined => {
  const area = AREAS[areaCode]
  return area === undefined ? undefined : PROVINCE_CAPITALS[area.province]
}

/** Area codes whose city is called `city` (Aliyun's short names: '北京', '济南'). */
export const areaCodesOfCity = (city: string): ReadonlyArray<string> => {
  const name = city.replace(/市$/, '')
  return Object.keys(AREAS).filter((code) => AREAS[code]?.city === name)
}

/** The city name of an area code, or the code itself when the table does not know it. */
export const cityName = (areaCode: string): string => AREAS[areaCode]?.city ?? areaCode
