import http from 'node:http'
import type { AddressInfo } from 'node:net'
import RPCClient from '@alicloud/pop-core'
import fc from 'fast-check'
import {
  acsTimestamp,
  canonicalQuery,
  percentEncode,
  sha256Hex,
  signAcs3,
  signRequest,
  signRpcV1,
  signedV1Url,
  type Param,
} from './signer'

const pairs = (o: Record<string, string>): Param[] => Object.entries(o)

describe('percentEncode', () => {
  it('keeps only unreserved characters literal, with %20 for space and %2A for *', () => {
    expect(percentEncode("a b*c~d-_.!'()/")).toBe('a%20b%2Ac~d-_.%21%27%28%29%2F')
    expect(percentEncode('济南')).toBe('%E6%B5%8E%E5%8D%97')
  })

  // The reference definition, written the slow way: every fast path must agree with it.
  const reference = (s: string): string =>
    encodeURIComponent(s).replace(
      /[!'()*]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    )

  it('agrees with the reference encoding on any text, with or without the fast path', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.stringMatching(/^[\w.~-]*$/)),
        (s) => percentEncode(s) === reference(s),
      ),
    )
  })
})

describe('canonicalQuery', () => {
  it('sorts by encoded key in byte order, keeping the given order of equal keys', () => {
    // The definition the slow way: encode, a stable library sort, join.
    const reference = (params: ReadonlyArray<Param>): string =>
      params
        .map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
        .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .map(([k, v]) => `${k}=${v}`)
        .join('&')
    const key = fc.oneof(fc.constantFrom('A', 'B', 'a', 'Action', 'Ab', 'b', '_', '~'), fc.string())
    fc.assert(
      fc.property(fc.array(fc.tuple(key, fc.string()), { maxLength: 24 }), (params) => {
        return canonicalQuery(params) === reference(params)
      }),
      { numRuns: 500 },
    )
  })
})

describe('signedV1Url', () => {
  // The reference the slow way: canonical query and signRpcV1 (held to the published vectors
  // below), joined as strings; or the error it throws (a lone surrogate cannot be encoded).
  const reference = (o: string, m: string, ps: ReadonlyArray<Param>, k: string): string => {
    try {
      const { signature } = signRpcV1({ method: m, params: ps, accessKeySecret: k })
      return `${o}/?${canonicalQuery(ps)}&Signature=${percentEncode(signature)}`
    } catch (e) {
      return `throws ${(e as Error).name}`
    }
  }
  const ours = (o: string, m: string, ps: ReadonlyArray<Param>, k: string): string => {
    try {
      return signedV1Url(o, m, ps, k)
    } catch (e) {
      return `throws ${(e as Error).name}`
    }
  }
  const origin = fc.constantFrom('https://dyplsapi.aliyuncs.com', 'http://127.0.0.1:8123')
  const method = fc.constantFrom('POST', 'GET', '')
  const secret = fc.constantFrom('testSecret', 's', 'another secret')

  it('sends the canonical query and the signature of the string signRpcV1 signs', () => {
    // Keys and values with `%`, `=`, `&`, blanks, Chinese and emoji exercise both encodings;
    // long values exercise the scratch buffers' growth.
    const text = fc.oneof(
      fc.string(),
      fc.string({ unit: 'grapheme' }),
      fc.constantFrom('100%', '=&%25', '济南 *', '😀~', 'x'.repeat(5000), '济'.repeat(3000)),
    )
    const param = fc.tuple(fc.oneof(text, fc.constantFrom('Action', 'a%b', 'x=y&z', '城市')), text)
    fc.assert(
      fc.property(origin, method, fc.array(param, { maxLength: 16 }), secret, (o, m, ps, k) => {
        return ours(o, m, ps, k) === reference(o, m, ps, k)
      }),
      { numRuns: 300 },
    )
  })

  it('signs call after call with the same keys, other keys in between, whatever the values', () => {
    // A provider sends the same keys in the same order on every call, and the signer keeps the
    // last order's sort; a different list (the same keys reordered, fewer keys, a key that needs
    // encoding, equal keys) must be sorted afresh, and equal keys must keep their given order.
    const keyLists = [
      ['Version', 'Action', 'PoolKey', 'Action', 'OutId'],
      ['Action', 'Version', 'PoolKey', 'OutId', 'Action'],
      ['Action', 'Version', 'OutId', 'PoolKey', 'Action'],
      ['Action', 'Version'],
      ['a b', 'Action', 'a b'],
      [],
    ]
    const call = fc.tuple(
      fc.constantFrom(...keyLists),
      fc.array(fc.string(), { minLength: 5, maxLength: 5 }),
    )
    fc.assert(
      fc.property(origin, fc.array(call, { minLength: 1, maxLength: 10 }), secret, (o, calls, k) =>
        calls.every(([keys, values]) => {
          const ps = keys.map((key, i): Param => [key, values[i] ?? ''])
          return ours(o, 'POST', ps, k) === reference(o, 'POST', ps, k)
        }),
      ),
      { numRuns: 300 },
    )
  })

  it('throws a TypeError for a key or value that is not a string, instead of sending it empty', () => {
    const bad = [
      [
        ['Action', 'X'],
        ['Amount', 5],
      ],
      [[7, 'X']],
    ] as unknown as Param[][]
    for (const ps of bad)
      expect(() => signedV1Url('http://127.0.0.1:1', 'POST', ps, 's')).toThrow(TypeError)
  })

  it('throws as percentEncode does on a lone surrogate, and signs normally afterwards', () => {
    const lone = fc.string({ unit: 'binary', maxLength: 20 })
    fc.assert(
      fc.property(
        origin,
        method,
        fc.array(fc.tuple(lone, lone), { maxLength: 6 }),
        secret,
        (o, m, ps, k) => {
          const ok: Param[] = [['Action', 'BindAxb']]
          return (
            ours(o, m, ps, k) === reference(o, m, ps, k) &&
            ours(o, m, ok, k) === reference(o, m, ok, k)
          )
        },
      ),
      { numRuns: 300 },
    )
  })
})

describe('acsTimestamp', () => {
  it('formats any instant as UTC seconds, also for calls within and across one second', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2000-01-01T00:00:00Z'),
          max: new Date('2099-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: -1500, max: 1500 }),
        (d, deltaMs) => {
          const e = new Date(d.getTime() + deltaMs)
          const iso = (x: Date) => `${x.toISOString().slice(0, 19)}Z`
          return acsTimestamp(d) === iso(d) && acsTimestamp(e) === iso(e)
        },
      ),
    )
  })

  it('throws on an invalid Date, as toISOString does', () => {
    expect(() => acsTimestamp(new Date(Number.NaN))).toThrow(RangeError)
  })
})

describe('signRpcV1 (HMAC-SHA1)', () => {
  it('reproduces the published doc vector zJDF+Lrzhj/ThnlvIToysFRq6t4=', () => {
    const { signature } = signRpcV1({
      method: 'GET',
      accessKeySecret: 'testSecret',
      params: pairs({
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
      }),
    })
    expect(signature).toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=')
  })

  it('reproduces the openapi-core unit vector with an empty method', () => {
    const r = signRpcV1({
      method: '',
      accessKeySecret: 'accessKeySecret',
      params: [['test', 'ok']],
    })
    expect(r.stringToSign).toBe('&%2F&test%3Dok')
    expect(r.signature).toBe('jHx/oHoHNrbVfhncHEvPdHXZwHU=')
  })

  const common = {
    AccessKeyId: 'testId',
    Format: 'JSON',
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466',
    SignatureVersion: '1.0',
    Timestamp: '2017-07-12T02:42:19Z',
    Version: '2017-05-25',
  }

  it('reproduces the derived dypls BindAxb vector (Chinese, space and * in OutId)', () => {
    const { signature } = signRpcV1({
      method: 'POST',
      accessKeySecret: 'testSecret',
      params: pairs({
        ...common,
        Action: 'BindAxb',
        PoolKey: 'FC123456',
        PhoneNoA: '15000000000',
        PhoneNoB: '15000000001',
        Expiration: '2019-09-05 12:00:00',
        OutId: 'order*1 (测试)',
      }),
    })
    expect(signature).toBe('o73ySuJyvh7ADe6ffGGuGXDPklw=')
  })

  it('reproduces the derived dypls BindBatchAxg vector (AxgBindList as one JSON string)', () => {
    const { signature } = signRpcV1({
      method: 'POST',
      accessKeySecret: 'testSecret',
      params: pairs({
        ...common,
        Action: 'BindBatchAxg',
        PoolKey: 'FC123456',
        AxgBindList:
          '[{"PhoneNoA":"13900000000","GroupId":"1234","Expiration":"2022-07-11 01:05:15","IsRecordingEnabled":false}]',
      }),
    })
    expect(signature).toBe('d2DmgWHvlbsYE2OVY6kmHfSuclY=')
  })

  it('ignores a Signature parameter among the inputs', () => {
    const base = pairs({ ...common, Action: 'BindAxb' })
    expect(signRpcV1({ method: 'POST', accessKeySecret: 's', params: base }).signature).toBe(
      signRpcV1({
        method: 'POST',
        accessKeySecret: 's',
        params: [...base, ['Signature', 'x']],
      }).signature,
    )
  })
})

describe('signAcs3 (ACS3-HMAC-SHA256)', () => {
  it('reproduces the published fixed-parameter vector 06563a9e…83c0', () => {
    const empty = sha256Hex('')
    const r = signAcs3({
      method: 'POST',
      path: '/',
      query: pairs({
        ImageId: 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd',
        RegionId: 'cn-shanghai',
      }),
      headers: {
        host: 'ecs.cn-shanghai.aliyuncs.com',
        'x-acs-action': 'RunInstances',
        'x-acs-version': '2014-05-26',
        'x-acs-date': '2023-10-26T10:22:32Z',
        'x-acs-signature-nonce': '3156853299f313e23d1673dc12e1703d',
        'x-acs-content-sha256': empty,
      },
      payloadHash: empty,
      accessKeyId: 'YourAccessKeyId',
      accessKeySecret: 'YourAccessKeySecret',
    })
    expect(r.hashedCanonicalRequest).toBe(
      '7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259',
    )
    expect(r.signature).toBe('06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0')
    expect(r.authorization).toBe(
      'ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0',
    )
  })

  it('signs only host, content-type and x-acs-* headers, merging duplicate names', () => {
    const r = signAcs3({
      method: 'post',
      path: '/',
      query: [],
      headers: { 'x-acs-TEST': 'https', 'x-acs-test': 'http', accept: 'application/json' },
      payloadHash: 'h',
      accessKeyId: 'id',
      accessKeySecret: 'secret',
    })
    expect(r.signedHeaders).toBe('x-acs-test')
    expect(r.canonicalRequest).toBe('POST\n/\n\nx-acs-test:http,https\n\nx-acs-test\nh')
  })
})

describe('signRequest', () => {
  const base = {
    endpoint: 'https://dyplsapi.aliyuncs.com',
    action: 'BindAxb',
    params: pairs({ PoolKey: 'FC1', PhoneNoA: '13800138000', Expiration: '2030-01-01 08:00:00' }),
    accessKeyId: 'id',
    accessKeySecret: 'secret',
    timestamp: new Date('2026-11-23T04:05:06.789Z'),
    nonce: 'n-1',
  }

  it('v1: POSTs every parameter and the Signature in the query, with no body', () => {
    const r = signRequest({ ...base, signatureVersion: 'v1' })
    expect(r.method).toBe('POST')
    expect('body' in r).toBe(false)
    const url = new URL(r.url)
    const q = Object.fromEntries(url.searchParams)
    expect(q).toMatchObject({
      Action: 'BindAxb',
      Version: '2017-05-25',
      Format: 'JSON',
      AccessKeyId: 'id',
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      SignatureNonce: 'n-1',
      Timestamp: '2026-11-23T04:05:06Z',
      PoolKey: 'FC1',
      Expiration: '2030-01-01 08:00:00',
    })
    const unsigned = [...url.searchParams].filter(([k]) => k !== 'Signature')
    expect(q['Signature']).toBe(
      signRpcV1({ method: 'POST', params: unsigned, accessKeySecret: 'secret' }).signature,
    )
    // Space is %20 on the wire (never '+').
    expect(r.url).toContain('Expiration=2030-01-01%2008%3A00%3A00')
  })

  it('v3: business parameters only in the query, the rest in signed x-acs-* headers', () => {
    const r = signRequest({ ...base, signatureVersion: 'v3' })
    const url = new URL(r.url)
    expect([...url.searchParams.keys()].sort()).toEqual(['Expiration', 'PhoneNoA', 'PoolKey'])
    expect(r.headers).toMatchObject({
      host: 'dyplsapi.aliyuncs.com',
      'x-acs-action': 'BindAxb',
      'x-acs-version': '2017-05-25',
      'x-acs-date': '2026-11-23T04:05:06Z',
      'x-acs-signature-nonce': 'n-1',
      'x-acs-content-sha256': sha256Hex(''),
    })
    const expected = signAcs3({
      method: 'POST',
      path: '/',
      query: base.params,
      headers: {
        host: 'dyplsapi.aliyuncs.com',
        'x-acs-action': 'BindAxb',
        'x-acs-version': '2017-05-25',
        'x-acs-date': '2026-11-23T04:05:06Z',
        'x-acs-signature-nonce': 'n-1',
        'x-acs-content-sha256': sha256Hex(''),
      },
      payloadHash: sha256Hex(''),
      accessKeyId: 'id',
      accessKeySecret: 'secret',
    })
    expect(r.headers['authorization']).toBe(expected.authorization)
  })

  it('keeps a non-default port in the URL and the signed host header', () => {
    const r = signRequest({ ...base, endpoint: 'http://127.0.0.1:8123', signatureVersion: 'v3' })
    expect(r.url.startsWith('http://127.0.0.1:8123/?')).toBe(true)
    expect(r.headers['host']).toBe('127.0.0.1:8123')
  })

  it('formats the gateway timestamp in UTC without milliseconds', () => {
    expect(acsTimestamp(new Date('2017-07-12T02:42:19.999Z'))).toBe('2017-07-12T02:42:19Z')
  })
})

describe('agreement with the official pop-core client', () => {
  let server: http.Server
  let endpoint: string
  const seen: string[] = []

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = ''
      req.on('data', (c: Buffer) => (body += c.toString('utf8')))
      req.on('end', () => {
        seen.push(body !== '' ? body : (req.url ?? '').replace(/^\/\?/, ''))
        res.setHeader('content-type', 'application/json')
        res.end('{"Code":"OK","Message":"OK","RequestId":"r"}')
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  it.each(['POST', 'GET'] as const)(
    'computes the same v1 Signature as pop-core for its own nonce and time (%s)',
    async (method) => {
      const client = new RPCClient({
        endpoint,
        apiVersion: '2017-05-25',
        accessKeyId: 'popId',
        accessKeySecret: 'pop secret*~',
      })
      await client.request(
        'BindAxb',
        {
          PoolKey: 'FC123',
          PhoneNoA: '13800138000',
          PhoneNoB: '13900139000',
          Expiration: '2030-01-01 12:00:00',
          OutId: "o*1 (测试) ~!'",
        },
        { method, agent: new http.Agent({ keepAlive: false }) },
      )
      const sent = [...new URLSearchParams(seen[seen.length - 1] ?? '')]
      const theirs = sent.find(([k]) => k === 'Signature')?.[1]
      expect(theirs).toBeDefined()
      const ours = signRpcV1({
        method,
        params: sent.filter(([k]) => k !== 'Signature'),
        accessKeySecret: 'pop secret*~',
      }).signature
      expect(ours).toBe(theirs)
      expect(canonicalQuery(sent.filter(([k]) => k !== 'Signature'))).toContain('Action=BindAxb')
    },
  )
})
