import fc from 'fast-check'
import {
  acs3CanonicalRequest,
  acs3Signature,
  parseAcs3Authorization,
  parseAcsTimestamp,
  percentEncode,
  rpcSignature,
  rpcStringToSign,
  sha256Hex,
} from './signature'

const dyplsCommon = {
  AccessKeyId: 'testId',
  Format: 'JSON',
  SignatureMethod: 'HMAC-SHA1',
  SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466',
  SignatureVersion: '1.0',
  Timestamp: '2017-07-12T02:42:19Z',
  Version: '2017-05-25',
}

describe('Aliyun RPC signature v1', () => {
  it('reproduces the official doc vector (zJDF+Lrzhj/ThnlvIToysFRq6t4=)', () => {
    const params = {
      AccessKeyId: 'testId',
      Action: 'SendSms',
      Format: 'XML',
      OutId: '123',
      PhoneNumbers: '15300000001',
      RegionId: 'cn-hangzhou',
      SignName: '阿里云短信测试专用',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466',
      SignatureVersion: '1.0',
      TemplateCode: 'SMS_71390007',
      TemplateParam: '{"customer":"test"}',
      Timestamp: '2017-07-12T02:42:19Z',
      Version: '2017-05-25',
    }
    expect(rpcSignature('testSecret', 'GET', Object.entries(params))).toBe(
      'zJDF+Lrzhj/ThnlvIToysFRq6t4=',
    )
  })

  it('reproduces the openapi-core unit vector (jHx/oHoHNrbVfhncHEvPdHXZwHU=)', () => {
    expect(rpcStringToSign('', [['test', 'ok']])).toBe('&%2F&test%3Dok')
    expect(rpcSignature('accessKeySecret', '', [['test', 'ok']])).toBe(
      'jHx/oHoHNrbVfhncHEvPdHXZwHU=',
    )
  })

  it('reproduces the derived dypls BindAxb vector', () => {
    const params = {
      ...dyplsCommon,
      Action: 'BindAxb',
      PoolKey: 'FC123456',
      PhoneNoA: '15000000000',
      PhoneNoB: '15000000001',
      Expiration: '2019-09-05 12:00:00',
      OutId: 'order*1 (测试)',
    }
    expect(rpcSignature('testSecret', 'POST', Object.entries(params))).toBe(
      'o73ySuJyvh7ADe6ffGGuGXDPklw=',
    )
  })

  it('reproduces the derived dypls BindBatchAxg vector', () => {
    const params = {
      ...dyplsCommon,
      Action: 'BindBatchAxg',
      PoolKey: 'FC123456',
      AxgBindList:
        '[{"PhoneNoA":"13900000000","GroupId":"1234","Expiration":"2022-07-11 01:05:15","IsRecordingEnabled":false}]',
    }
    expect(rpcSignature('testSecret', 'POST', Object.entries(params))).toBe(
      'd2DmgWHvlbsYE2OVY6kmHfSuclY=',
    )
  })

  it('ignores the Signature parameter itself when signing', () => {
    const base: Array<[string, string]> = [['a', '1']]
    expect(rpcSignature('s', 'GET', [...base, ['Signature', 'x']])).toBe(
      rpcSignature('s', 'GET', base),
    )
  })

  it('percent-encodes like the vendor: * as %2A, space as %20, ~ literal', () => {
    expect(percentEncode("a b*~!'()")).toBe('a%20b%2A~%21%27%28%29')
  })

  it('builds the string to sign like the note spells it, whatever the parameters', () => {
    // The note's construction, step by step: sort, encode each pair, join, encode the whole.
    const reference = (method: string, params: ReadonlyArray<readonly [string, string]>) => {
      const canonical = params
        .filter(([k]) => k !== 'Signature')
        .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`)
        .join('&')
      return `${method}&${percentEncode('/')}&${percentEncode(canonical)}`
    }
    fc.assert(
      fc.property(
        fc.constantFrom('GET', 'POST', ''),
        fc.array(
          fc.tuple(
            fc.oneof(fc.string(), fc.constant('Signature'), fc.constant('a')),
            fc.oneof(
              fc.string(),
              fc.string({ unit: 'grapheme' }),
              fc.string({ unit: 'binary-ascii' }),
              fc.constant('%'),
            ),
          ),
          // Past 32 pairs the sort takes another path.
          { maxLength: 40 },
        ),
        (method, params) => {
          expect(rpcStringToSign(method, params)).toBe(reference(method, params))
        },
      ),
    )
  })
})

describe('Aliyun ACS3-HMAC-SHA256', () => {
  it('reproduces the official fixed vector (06563a9e…83c0)', () => {
    const headers = {
      host: 'ecs.cn-shanghai.aliyuncs.com',
      'x-acs-action': 'RunInstances',
      'x-acs-version': '2014-05-26',
      'x-acs-date': '2023-10-26T10:22:32Z',
      'x-acs-signature-nonce': '3156853299f313e23d1673dc12e1703d',
      'x-acs-content-sha256': sha256Hex(''),
    }
    const input = {
      method: 'POST',
      path: '/',
      query: [
        ['ImageId', 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd'],
        ['RegionId', 'cn-shanghai'],
      ] as const,
      headers,
      signedHeaders: Object.keys(headers),
      payloadHash: sha256Hex(''),
    }
    expect(sha256Hex(acs3CanonicalRequest(input))).toBe(
      '7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259',
    )
    expect(acs3Signature('YourAccessKeySecret', input)).toBe(
      '06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0',
    )
  })

  it('parses the Authorization header', () => {
    expect(
      parseAcs3Authorization(
        'ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host;x-acs-date,Signature=ABC',
      ),
    ).toEqual({ accessKeyId: 'AK', signedHeaders: ['host', 'x-acs-date'], signature: 'abc' })
    expect(parseAcs3Authorization('HMAC-SHA256 Credential=AK')).toBeUndefined()
  })

  it('accepts UTC timestamps only', () => {
    expect(parseAcsTimestamp('2017-07-12T02:42:19Z')).toBe(Date.UTC(2017, 6, 12, 2, 42, 19))
    expect(parseAcsTimestamp('2017-07-12 02:42:19')).toBeUndefined()
  })
})
