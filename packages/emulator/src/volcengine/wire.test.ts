import type { Emulator } from '../emulator'
import { startEmulator } from '../emulator'
import { volcCall, volcExpiry } from '../test-helpers/clients'

let emu: Emulator
beforeAll(async () => {
  emu = await startEmulator()
})
afterAll(() => emu.close())

const bindParams = (n: number) => ({
  NumberPoolNo: emu.volcengine.numberPoolNo,
  PhoneNoA: `1380000${String(n).padStart(4, '0')}`,
  PhoneNoB: `1390000${String(n).padStart(4, '0')}`,
  PhoneNoX: '17000000001',
  ExpireTime: volcExpiry(emu),
})

describe('Volcengine wire', () => {
  it('binds AXB from a JSON body signed by the vendor signer', async () => {
    const res = await volcCall(emu, 'BindAXB', bindParams(1))
    expect(res.status).toBe(200)
    expect(res.json.ResponseMetadata).toMatchObject({
      Action: 'BindAXB',
      Version: '2022-01-01',
      Service: 'vms',
      Region: 'cn-north-1',
    })
    expect(res.json.ResponseMetadata.Error).toBeUndefined()
    expect(res.json.ResponseMetadata.RequestId).toMatch(/^\d{14}[0-9A-F]{18}$/)
    expect(res.json.Result).toMatchObject({
      PhoneNoX: '17000000001',
      PhoneNoXCityCode: '010',
      Status: 1,
    })
    expect(res.json.Result.SubId).toMatch(/^S\d+$/)
  })

  it('accepts the legacy form body with lists as comma strings', async () => {
    const res = await volcCall(
      emu,
      'SelectNumberAndBindAXB',
      {
        NumberPoolNo: emu.volcengine.numberPoolNo,
        PhoneNoA: '13800001002',
        CityCode: '0999',
        DegradeCityList: ['0998', '0531'],
        ExpireTime: volcExpiry(emu),
      },
      { encoding: 'form' },
    )
    expect(res.json.Result.PhoneNoXCityCode).toBe('0531')
  })

  it('accepts parameters in the query string of a GET', async () => {
    const res = await volcCall(
      emu,
      'SelectNumber',
      { NumberPoolNo: emu.volcengine.numberPoolNo, CityCode: '021', NumberCount: 2 },
      { encoding: 'get' },
    )
    expect(res.json.Result.Numbers).toHaveLength(2)
    expect(res.json.Result.Numbers[0].CityCode).toBe('021')
  })

  it('answers a wrong secret with SignatureDoesNotMatch, HTTP 401, CodeN 100010', async () => {
    const res = await volcCall(emu, 'BindAXB', bindParams(3), { secretAccessKey: 'wrong' })
    expect(res.status).toBe(401)
    expect(res.json.ResponseMetadata.Error).toMatchObject({
      Code: 'SignatureDoesNotMatch',
      CodeN: 100010,
    })
    expect(res.json.Result).toBeUndefined()
  })

  it('rejects a body changed after signing', async () => {
    const res = await volcCall(emu, 'BindAXB', bindParams(4), {
      tamper: (r) => {
        r.body = r.body.replace('13800000004', '13800000005')
      },
    })
    expect(res.status).toBe(401)
    expect(res.json.ResponseMetadata.Error.Code).toBe('SignatureDoesNotMatch')
  })

  it('answers an unknown access key with InvalidAccessKey, HTTP 401, CodeN 100009', async () => {
    const res = await volcCall(emu, 'BindAXB', bindParams(5), { accessKeyId: 'AKLTnobody' })
    expect(res.status).toBe(401)
    expect(res.json.ResponseMetadata.Error).toMatchObject({
      Code: 'InvalidAccessKey',
      CodeN: 100009,
    })
  })

  it('answers a clock skew over 15 minutes with InvalidTimestamp, HTTP 400, CodeN 100006', async () => {
    const date = new Date(emu.clock.now().getTime() - 16 * 60 * 1000)
    const res = await volcCall(emu, 'BindAXB', bindParams(6), { date })
    expect(res.status).toBe(400)
    expect(res.json.ResponseMetadata.Error).toMatchObject({
      Code: 'InvalidTimestamp',
      CodeN: 100006,
    })
  })

  it('judges the timestamp window on the injectable clock', async () => {
    const later = await startEmulator({ clock: { now: () => Date.UTC(2030, 0, 1) } })
    try {
      const signedNow = await volcCall(
        later,
        'QuerySubscription',
        { NumberPoolNo: later.volcengine.numberPoolNo, SubId: 'S1' },
        { date: new Date() },
      )
      expect(signedNow.json.ResponseMetadata.Error.Code).toBe('InvalidTimestamp')
      const signedOnEmuClock = await volcCall(later, 'QuerySubscription', {
        NumberPoolNo: later.volcengine.numberPoolNo,
        SubId: 'S1',
      })
      expect(signedOnEmuClock.json.ResponseMetadata.Error.Code).toBe('SubscriptionEmpty')
    } finally {
      await later.close()
    }
  })

  it('answers a missing Action with MissingParameter, HTTP 400, CodeN 100002', async () => {
    const res = await fetch(`${emu.volcengine.endpoint}/?Version=2022-01-01`, { method: 'POST' })
    expect(res.status).toBe(400)
    const body = (await res.json()) as {
      ResponseMetadata: { Error: { Code: string; CodeN: number } }
    }
    expect(body.ResponseMetadata.Error).toMatchObject({ Code: 'MissingParameter', CodeN: 100002 })
  })

  it('answers an unknown action or version with InvalidActionOrVersion, HTTP 404, CodeN 100008', async () => {
    const unknown = await volcCall(emu, 'BindAXZ', bindParams(7))
    expect(unknown.status).toBe(404)
    expect(unknown.json.ResponseMetadata.Error).toMatchObject({
      Code: 'InvalidActionOrVersion',
      CodeN: 100008,
    })
    const oldVersion = await volcCall(emu, 'BindAXB', bindParams(7), { version: '2021-01-01' })
    expect(oldVersion.status).toBe(404)
  })

  it('answers a request without Authorization in the gateway format', async () => {
    const res = await fetch(`${emu.volcengine.endpoint}/?Action=BindAXB&Version=2022-01-01`, {
      method: 'POST',
    })
    expect(res.status).toBe(401)
    const body = (await res.json()) as { ResponseMetadata: { Error: { Code: string } } }
    expect(body.ResponseMetadata.Error.Code).toBe('MissingAuthenticationToken')
  })

  it('answers business errors with HTTP 200 and ResponseMetadata.Error, without Result', async () => {
    const res = await volcCall(emu, 'UnbindAXB', {
      NumberPoolNo: emu.volcengine.numberPoolNo,
      SubId: 'S404',
    })
    expect(res.status).toBe(200)
    expect(res.json.ResponseMetadata.Error).toEqual({
      Code: 'SubscriptionEmpty',
      Message: 'SubId S404 not found',
    })
    expect(res.json.Result).toBeUndefined()
  })
})
