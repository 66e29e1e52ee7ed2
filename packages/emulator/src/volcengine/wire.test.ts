import type { Emulator } from '../emulator'
import { startEmulator } from '../emulator'
import { volcCall, volcExpiry } from '../test-helpers/clients'

let emu: Emulator
beforeAll(async () => {
  emu = await startEmulator()
})
afterAll(() => emu.close())

describe('Volcengine wire', () => {
  it('binds AXB from a JSON body signed by the vendor signer', async () => {
    const res = await volcCall(emu, 'BindAXB', {
      NumberPoolNo: emu.volcengine.numberPoolNo,
      PhoneNoA: '13800000001',
      PhoneNoB: '13900000001',
      PhoneNoX: '17000000001',
      ExpireTime: volcExpiry(emu),
    })
    expect(res.status).toBe(200)
    expect(res.json.ResponseMetadata).toMatchObject({
      Action: 'BindAXB',
      Version: '2022-01-01',
      Service: 'vms',
      Region: 'cn-north-1',
    })
    expect(res.json.Result).toMatchObject({
      PhoneNoX: '17000000001',
      PhoneNoXCityCode: '010',
      Status: 1,
    })
    expect(res.json.Result.SubId).toMatch(/^S\d+$/)
  })
})
