import fc from 'fast-check'
import { canonicalQuery, canonicalRequest, formatXDate, rfc3986, signVolcengine } from './signer'

const signatureOf = (authorization: string): string | undefined =>
  /Signature=([0-9a-f]{64})$/.exec(authorization)?.[1]

describe('signVolcengine', () => {
  it('reproduces the published official vector (28eeabbb…a8a7)', () => {
    const headers = signVolcengine({
      method: 'GET',
      host: 'iam.volcengineapi.com',
      path: '/',
      query: { Action: 'ListUsers', Version: '2018-01-01', Limit: '10', Offset: '0' },
      headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: '',
      accessKeyId: 'AKLTMjI2ODVlYzI3ZGY1NGU4ZjhjYWRjMTlmNTM5OTZkYzE',
      secretAccessKey: 'TnpCak5XWXpZV1U0WkRaaE5ERmxaR0ZpTmpjeVkyUXlZek0wTWpJMU1qWQ==',
      region: 'cn-north-1',
      service: 'iam',
      date: new Date('2020-12-30T08:18:05Z'),
    })
    expect(headers.Authorization).toBe(
      'HMAC-SHA256 Credential=AKLTMjI2ODVlYzI3ZGY1NGU4ZjhjYWRjMTlmNTM5OTZkYzE/20201230/cn-north-1/iam/request, SignedHeaders=content-type;host;x-content-sha256;x-date, Signature=28eeabbbd726b87002e0fe58ad8c1c768e619b06e2646f35b6ad7ed029a6d8a7',
    )
    expect(headers['X-Date']).toBe('20201230T081805Z')
    expect(headers['X-Content-Sha256']).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    )
  })

  it('signs with the right derived key when secret, day, region or service change between calls', () => {
    const base = {
      method: 'POST',
      host: 'open.volcengineapi.com',
      path: '/',
      query: { Action: 'SelectNumberAndBindAXB', Version: '2022-01-01' },
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
      accessKeyId: 'AK',
      secretAccessKey: 'secret-one',
      region: 'cn-north-1',
      service: 'vms',
      date: new Date('2026-11-23T08:00:00Z'),
    }
    const variants = [
      base,
      { ...base, secretAccessKey: 'secret-two' },
      { ...base, date: new Date('2026-11-24T08:00:00Z') },
      { ...base, region: 'cn-beijing' },
      { ...base, service: 'iam' },
    ]
    // Each alone, from a fresh module (no cache), then all interleaved through this one.
    const alone = variants.map((v) => {
      let auth = ''
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const fresh = require('./signer') as { signVolcengine: typeof signVolcengine }
        auth = fresh.signVolcengine(v).Authorization
      })
      return auth
    })
    expect(new Set(alone).size).toBe(variants.length)
    for (const order of [
      [0, 1, 0, 2, 0, 3, 4, 0],
      [4, 3, 2, 1, 0, 1, 2, 3, 4],
    ])
      for (const i of order) expect(signVolcengine(variants[i]!).Authorization).toBe(alone[i])
  })

  it('builds the canonical request of the official vector', () => {
    const { text } = canonicalRequest(
      {
        method: 'GET',
        host: 'iam.volcengineapi.com',
        path: '/',
        query: { Action: 'ListUsers', Version: '2018-01-01', Limit: '10', Offset: '0' },
        headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body: '',
        accessKeyId: 'AK',
        secretAccessKey: 'SK',
        region: 'cn-north-1',
        service: 'iam',
        date: new Date(0),
      },
      '20201230T081805Z',
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    )
    expect(text).toBe(
      [
        'GET',
        '/',
        'Action=ListUsers&Limit=10&Offset=0&Version=2018-01-01',
        'content-type:application/x-www-form-urlencoded; charset=utf-8',
        'host:iam.volcengineapi.com',
        'x-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        'x-date:20201230T081805Z',
        '',
        'content-type;host;x-content-sha256;x-date',
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      ].join('\n'),
    )
  })

  const vmsBase = {
    method: 'POST',
    host: 'cloud-vms.volcengineapi.com',
    path: '/',
    query: { Action: 'BindAXB', Version: '2022-01-01' },
    accessKeyId: 'AKLTexampleAK',
    secretAccessKey: 'exampleSK==',
    region: 'cn-north-1',
    service: 'vms',
    date: new Date('2024-01-01T00:00:00Z'),
  }

  it('matches the vms-shaped form-body vector of the vendor note §5.2', () => {
    const h = signVolcengine({
      ...vmsBase,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'ExpireTime=1632920195&NumberPoolNo=NP161156328504091435&PhoneNoA=13700000001&PhoneNoB=13700000002&PhoneNoX=13700000003',
    })
    expect(h['X-Content-Sha256']).toBe(
      '0c64252e14b1886306b444211fbbd4ea448e3e4c4bf8893727f003397f5c0d4a',
    )
    expect(signatureOf(h.Authorization)).toBe(
      '5dc60e1400b2ed587f616c7e2d819e59ea92b7fa920055875162a117a0fcc39c',
    )
    expect(h.Authorization).toContain('SignedHeaders=content-type;host;x-content-sha256;x-date')
  })

  it('matches the vms-shaped JSON-body vector of the vendor note §5.2', () => {
    const h = signVolcengine({
      ...vmsBase,
      headers: { 'Content-Type': 'application/json' },
      body: '{"NumberPoolNo":"NP161156328504091435","PhoneNoA":"13700000001","PhoneNoB":"13700000002","PhoneNoX":"13700000003","ExpireTime":1632920195}',
    })
    expect(h['X-Content-Sha256']).toBe(
      '19a9ee6125f26d1a0c5f1275753f82d0b0c9cb7967bc0b2b204086248f2c5579',
    )
    expect(signatureOf(h.Authorization)).toBe(
      '3a306e2434cf7fdd6d029a4762adf1b2a64562a4b4237143e2310f9d1b41617b',
    )
  })

  it('is pure: the same input gives the same headers, whatever the wall clock', () => {
    const input = { ...vmsBase, headers: {}, body: '{}' }
    expect(signVolcengine(input)).toEqual(signVolcengine(input))
  })

  it('signs a different signature for a different secret (no cross-secret key cache)', () => {
    const a = signVolcengine({ ...vmsBase, headers: {}, body: '' })
    const b = signVolcengine({ ...vmsBase, secretAccessKey: 'otherSK==', headers: {}, body: '' })
    expect(signatureOf(a.Authorization)).not.toBe(signatureOf(b.Authorization))
  })

  it('drops the default port from the signed host', () => {
    const a = signVolcengine({ ...vmsBase, headers: {}, body: '' })
    const b = signVolcengine({
      ...vmsBase,
      host: 'cloud-vms.volcengineapi.com:443',
      headers: {},
      body: '',
    })
    expect(a).toEqual(b)
  })

  it('agrees with the official @volcengine/openapi signer on random query strings', () => {
    // The official signer signs host, x-date and x-content-sha256 (not content-type): sign the
    // same set here (no Content-Type passed), so both must agree byte for byte.
    fc.assert(
      fc.property(
        fc.dictionary(
          // Keys as vms uses them (ASCII names); values anything, Unicode and reserved included.
          fc
            .stringMatching(/^[A-Za-z][A-Za-z0-9]{0,7}$/)
            .filter((k) => k !== 'Action' && k !== 'Version'),
          fc.string({ unit: 'grapheme', maxLength: 12 }),
          { maxKeys: 4 },
        ),
        fc.date({
          min: new Date('2020-01-01T00:00:00Z'),
          max: new Date('2037-01-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        (extra, date) => {
          const params = { Action: 'QuerySubscription', Version: '2022-01-01', ...extra }
          const ours = signVolcengine({
            ...vmsBase,
            query: params,
            headers: {},
            body: '{"PhoneNoA":"13700000001"}',
            date,
          })
          const official = officialSign(params, date)
          expect(signatureOf(ours.Authorization)).toBe(signatureOf(official))
        },
      ),
      { numRuns: 50 },
    )
  })
})

describe('canonical helpers', () => {
  it('escapes RFC 3986 style: space as %20, *~+%&= handled, upper-case hex', () => {
    expect(rfc3986("a b*~+%&=!'()")).toBe('a%20b%2A~%2B%25%26%3D%21%27%28%29')
  })

  it('sorts query pairs by key in ASCII order', () => {
    expect(canonicalQuery({ b: '2', a: '1', B: '0' })).toBe('B=0&a=1&b=2')
  })

  it('formats X-Date in UTC whatever the host zone', () => {
    expect(formatXDate(new Date('2024-02-03T04:05:06.789Z'))).toBe('20240203T040506Z')
  })
})

// The official SDK's signer (its lib/base/sign module), with the clock fixed.
function officialSign(params: Record<string, string>, date: Date): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Signer = require('@volcengine/openapi/lib/base/sign').default as new (
    request: {
      region: string
      method: string
      params?: Record<string, string>
      pathname?: string
      headers?: Record<string, string>
      body?: string
    },
    serviceName: string,
  ) => { addAuthorization(c: { accessKeyId: string; secretKey: string }, d?: Date): void }
  const request = {
    region: 'cn-north-1',
    method: 'POST',
    params,
    pathname: '/',
    headers: { Host: 'cloud-vms.volcengineapi.com' } as Record<string, string>,
    body: '{"PhoneNoA":"13700000001"}',
  }
  new Signer(request, 'vms').addAuthorization(
    { accessKeyId: 'AKLTexampleAK', secretKey: 'exampleSK==' },
    date,
  )
  return request.headers['Authorization'] ?? ''
}
