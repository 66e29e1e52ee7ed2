import RPCClient from '@alicloud/pop-core'
import type { Emulator } from '../emulator'
import { startEmulator } from '../emulator'
import { aliCall, aliExpiry } from '../test-helpers/clients'

let emu: Emulator
beforeAll(async () => {
  emu = await startEmulator()
})
afterAll(() => emu.close())

describe('Aliyun wire', () => {
  it('binds AXB for a request signed and sent by @alicloud/pop-core (v1, form body)', async () => {
    const client = new RPCClient({
      accessKeyId: emu.aliyun.accessKeyId,
      accessKeySecret: emu.aliyun.accessKeySecret,
      endpoint: emu.aliyun.endpoint,
      apiVersion: '2017-05-25',
    })
    const res = (await client.request(
      'BindAxb',
      {
        PoolKey: emu.aliyun.poolKey,
        PhoneNoA: '13800000001',
        PhoneNoB: '13900000001',
        Expiration: aliExpiry(emu),
        ExpectCity: '济南',
      },
      { method: 'POST' },
    )) as { Code: string; SecretBindDTO: { SubsId: string; SecretNo: string } }
    expect(res.Code).toBe('OK')
    expect(res.SecretBindDTO.SubsId).toMatch(/^\d{16}$/)
    expect(emu.state.bindings('aliyun')[0]?.x).toBe(res.SecretBindDTO.SecretNo)
  })

  it('binds AXB for an ACS3-signed request', async () => {
    const res = await aliCall(
      emu,
      'BindAxb',
      {
        PoolKey: emu.aliyun.poolKey,
        PhoneNoA: '13800000002',
        PhoneNoB: '13900000002',
        Expiration: aliExpiry(emu),
      },
      { signature: 'v3' },
    )
    expect(res.status).toBe(200)
    expect(res.json.Code).toBe('OK')
  })
})
