import { DEFAULT_CITIES, startEmulator } from './index'
import { volcCall, volcExpiry } from './test-helpers/clients'

describe('startEmulator', () => {
  it('returns provider-ready endpoints with the default credentials and pools', async () => {
    const emu = await startEmulator()
    try {
      expect(emu.volcengine).toEqual({
        endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        accessKeyId: 'AKLTemulator',
        secretAccessKey: 'emulator-secret',
        numberPoolNo: 'NP000000000000000001',
      })
      expect(emu.aliyun).toEqual({
        endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        accessKeyId: 'LTAIemulator',
        accessKeySecret: 'emulator-secret',
        poolKey: 'FC100000000000001',
      })
      expect(emu.volcengine.endpoint).not.toBe(emu.aliyun.endpoint)
      expect(DEFAULT_CITIES).toEqual(['010', '021', '020', '0755', '0571', '0531'])
    } finally {
      await emu.close()
    }
  })

  it('uses given credentials and explicit pool numbers', async () => {
    const emu = await startEmulator({
      credentials: {
        volcengine: { accessKeyId: 'AKLTmine', secretAccessKey: 's3cret', numberPoolNo: 'NP9' },
      },
      pools: { volcengine: { '0571': ['057188880000'] } },
    })
    try {
      const res = await volcCall(emu, 'SelectNumberAndBindAXB', {
        NumberPoolNo: 'NP9',
        PhoneNoA: '13800000001',
        CityCode: '0571',
        ExpireTime: volcExpiry(emu),
      })
      expect(res.json.Result).toMatchObject({ PhoneNoX: '057188880000', PhoneNoXCityCode: '0571' })
    } finally {
      await emu.close()
    }
  })

  it('places mobiles in cities by prefix for CityCodeByPhoneNo', async () => {
    const emu = await startEmulator({ homeCities: { mobilePrefixes: { '1380531': '0531' } } })
    try {
      const res = await volcCall(emu, 'SelectNumberAndBindAXB', {
        NumberPoolNo: emu.volcengine.numberPoolNo,
        PhoneNoA: '13805310001',
        ExpireTime: volcExpiry(emu),
      })
      expect(res.json.Result).toMatchObject({ PhoneNoXCityCode: '0531', PhoneNoACityCode: '0531' })
    } finally {
      await emu.close()
    }
  })

  it('sets the clock to a date and keeps it flowing from there', async () => {
    let base = 1_000
    const emu = await startEmulator({ clock: { now: () => base } })
    try {
      emu.clock.set(new Date('2030-01-01T00:00:00Z'))
      base += 500
      expect(emu.clock.now().toISOString()).toBe('2030-01-01T00:00:00.500Z')
    } finally {
      await emu.close()
    }
  })

  it('closes idempotently', async () => {
    const emu = await startEmulator()
    await Promise.all([emu.close(), emu.close()])
    await expect(fetch(emu.aliyun.endpoint)).rejects.toThrow()
  })
})
