import RPCClient from '@alicloud/pop-core'
import type { Emulator } from '../emulator'
import { startEmulator } from '../emulator'
import { aliCall, aliExpiry } from '../test-helpers/clients'

let emu: Emulator
beforeAll(async () => {
  emu = await startEmulator()
})
afterAll(() => emu.close())

const bind = (n: number) => ({
  PoolKey: emu.aliyun.poolKey,
  PhoneNoA: `1380000${String(n).padStart(4, '0')}`,
  PhoneNoB: `1390000${String(n).padStart(4, '0')}`,
  Expiration: aliExpiry(emu),
})

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
      { ...bind(1), ExpectCity: '济南' },
      { method: 'POST' },
    )) as { Code: string; SecretBindDTO: { SubsId: string; SecretNo: string } }
    expect(res.Code).toBe('OK')
    expect(res.SecretBindDTO.SubsId).toMatch(/^\d{16}$/)
    const stored = emu.state
      .bindings('aliyun')
      .find((b) => b.subscriptionId === res.SecretBindDTO.SubsId)
    expect(stored?.x).toBe(res.SecretBindDTO.SecretNo)
  })

  it('accepts pop-core GET requests with parameters in the query string', async () => {
    const client = new RPCClient({
      accessKeyId: emu.aliyun.accessKeyId,
      accessKeySecret: emu.aliyun.accessKeySecret,
      endpoint: emu.aliyun.endpoint,
      apiVersion: '2017-05-25',
    })
    const res = (await client.request('QuerySecretNoRemain', { SpecId: 1, City: '全国' })) as {
      Code: string
    }
    expect(res.Code).toBe('OK')
  })

  it('binds AXB for an ACS3-signed request with the action in x-acs-action', async () => {
    const res = await aliCall(emu, 'BindAxb', bind(2), { signature: 'v3' })
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({ Code: 'OK', Message: 'OK' })
    expect(res.json.RequestId).toMatch(/^[0-9A-F-]{36}$/)
  })

  it('accepts v1 parameters in the query string of a POST with an empty body', async () => {
    const res = await aliCall(emu, 'BindAxb', bind(3), { method: 'POST' })
    expect(res.json.Code).toBe('OK')
  })

  it('answers a wrong secret with SignatureDoesNotMatch, HTTP 400, in the gateway format', async () => {
    for (const signature of ['v1', 'v3'] as const) {
      const res = await aliCall(emu, 'BindAxb', bind(4), { signature, accessKeySecret: 'wrong' })
      expect(res.status).toBe(400)
      expect(res.json).toMatchObject({
        Code: 'SignatureDoesNotMatch',
        HostId: 'dyplsapi.aliyuncs.com',
      })
      expect(res.json.Recommend).toContain('SignatureDoesNotMatch')
    }
  })

  it('rejects a parameter changed after signing', async () => {
    const res = await aliCall(emu, 'BindAxb', bind(5), {
      tamperParams: (p) => {
        p['PhoneNoB'] = '13900009999'
      },
    })
    expect(res.json.Code).toBe('SignatureDoesNotMatch')
  })

  it('answers an unknown AccessKeyId with InvalidAccessKeyId.NotFound, HTTP 404', async () => {
    for (const signature of ['v1', 'v3'] as const) {
      const res = await aliCall(emu, 'BindAxb', bind(6), { signature, accessKeyId: 'LTAInobody' })
      expect(res.status).toBe(404)
      expect(res.json.Code).toBe('InvalidAccessKeyId.NotFound')
    }
  })

  it('answers a Timestamp more than 15 minutes off with InvalidTimeStamp.Expired', async () => {
    const date = new Date(emu.clock.now().getTime() + 16 * 60 * 1000)
    for (const signature of ['v1', 'v3'] as const) {
      const res = await aliCall(emu, 'BindAxb', bind(7), { signature, date })
      expect(res.status).toBe(400)
      expect(res.json.Code).toBe('InvalidTimeStamp.Expired')
    }
  })

  it('answers a reused SignatureNonce with SignatureNonceUsed', async () => {
    const first = await aliCall(
      emu,
      'QuerySecretNoRemain',
      { SpecId: '1', City: '全国' },
      { nonce: 'n-1' },
    )
    expect(first.json.Code).toBe('OK')
    const again = await aliCall(
      emu,
      'QuerySecretNoRemain',
      { SpecId: '1', City: '北京' },
      { nonce: 'n-1' },
    )
    expect(again.status).toBe(400)
    expect(again.json.Code).toBe('SignatureNonceUsed')
    const v3 = await aliCall(
      emu,
      'QuerySecretNoRemain',
      { SpecId: '1', City: '全国' },
      { signature: 'v3', nonce: 'n-1' },
    )
    expect(v3.json.Code).toBe('SignatureNonceUsed')
  })

  it('answers missing common parameters with MissingParameter', async () => {
    const res = await fetch(`${emu.aliyun.endpoint}/?Action=BindAxb&Version=2017-05-25`, {
      method: 'POST',
    })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { Code: string }).Code).toBe('MissingParameter')
  })

  it('answers an unknown action with InvalidAction.NotFound (404) and a wrong version with InvalidVersion', async () => {
    const unknown = await aliCall(emu, 'BindAxz', bind(8))
    expect(unknown.status).toBe(404)
    expect(unknown.json.Code).toBe('InvalidAction.NotFound')
    const version = await aliCall(emu, 'BindAxb', bind(8), { version: '2016-01-01' })
    expect(version.json.Code).toBe('InvalidVersion')
  })

  it('answers business errors with HTTP 200 and Code ≠ OK', async () => {
    const res = await aliCall(emu, 'QuerySubscriptionDetail', {
      PoolKey: emu.aliyun.poolKey,
      SubsId: '1000000000000000',
      PhoneNoX: '17100000001',
    })
    expect(res.status).toBe(200)
    expect(res.json.Code).toBe('isv.SUBS_NOT_EXIST')
  })
})
