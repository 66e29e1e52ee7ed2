import fc from 'fast-check'
import {
  canonicalQuery,
  parseVolcAuthorization,
  parseXDate,
  sha256Hex,
  volcCanonicalRequest,
  volcSignature,
} from './signature'

const EMPTY_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

describe('Volcengine signature', () => {
  it('reproduces the official published vector (28eeabbb…a8a7)', () => {
    const input = {
      method: 'GET',
      path: '/',
      query: [
        ['Action', 'ListUsers'],
        ['Version', '2018-01-01'],
        ['Limit', '10'],
        ['Offset', '0'],
      ] as const,
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        host: 'iam.volcengineapi.com',
        'x-content-sha256': EMPTY_HASH,
        'x-date': '20201230T081805Z',
      },
      signedHeaders: ['content-type', 'host', 'x-content-sha256', 'x-date'],
      payloadHash: EMPTY_HASH,
      xDate: '20201230T081805Z',
      region: 'cn-north-1',
      service: 'iam',
      secretAccessKey: 'TnpCak5XWXpZV1U0WkRaaE5ERmxaR0ZpTmpjeVkyUXlZek0wTWpJMU1qWQ==',
    }
    expect(sha256Hex(volcCanonicalRequest(input))).toBe(
      '3a4d4dee07c3308a52da01bc12d7a83c3705bfa543f51648f46de880bb2a7447',
    )
    expect(volcSignature(input)).toBe(
      '28eeabbbd726b87002e0fe58ad8c1c768e619b06e2646f35b6ad7ed029a6d8a7',
    )
  })

  const vmsInput = (contentType: string, body: string) => ({
    method: 'POST',
    path: '/',
    query: [
      ['Action', 'BindAXB'],
      ['Version', '2022-01-01'],
    ] as const,
    headers: {
      'content-type': contentType,
      host: 'cloud-vms.volcengineapi.com',
      'x-content-sha256': sha256Hex(body),
      'x-date': '20240101T000000Z',
    },
    signedHeaders: ['content-type', 'host', 'x-content-sha256', 'x-date'],
    payloadHash: sha256Hex(body),
    xDate: '20240101T000000Z',
    region: 'cn-north-1',
    service: 'vms',
    secretAccessKey: 'exampleSK==',
  })

  it('reproduces the derived vms form-body vector', () => {
    const body =
      'ExpireTime=1632920195&NumberPoolNo=NP161156328504091435&PhoneNoA=13700000001&PhoneNoB=13700000002&PhoneNoX=13700000003'
    expect(sha256Hex(body)).toBe('0c64252e14b1886306b444211fbbd4ea448e3e4c4bf8893727f003397f5c0d4a')
    expect(volcSignature(vmsInput('application/x-www-form-urlencoded', body))).toBe(
      '5dc60e1400b2ed587f616c7e2d819e59ea92b7fa920055875162a117a0fcc39c',
    )
  })

  it('reproduces the derived vms JSON-body vector', () => {
    const body =
      '{"NumberPoolNo":"NP161156328504091435","PhoneNoA":"13700000001","PhoneNoB":"13700000002","PhoneNoX":"13700000003","ExpireTime":1632920195}'
    expect(sha256Hex(body)).toBe('19a9ee6125f26d1a0c5f1275753f82d0b0c9cb7967bc0b2b204086248f2c5579')
    expect(volcSignature(vmsInput('application/json', body))).toBe(
      '3a306e2434cf7fdd6d029a4762adf1b2a64562a4b4237143e2310f9d1b41617b',
    )
  })

  it('encodes the canonical query per RFC 3986 with %20 for spaces and sorted keys', () => {
    expect(
      canonicalQuery([
        ['b', 'x y*'],
        ['a', "!'()~"],
      ]),
    ).toBe('a=%21%27%28%29~&b=x%20y%2A')
  })

  it('parses the Authorization header of the published example', () => {
    expect(
      parseVolcAuthorization(
        'HMAC-SHA256 Credential=AKLTabc/20201230/cn-north-1/iam/request, SignedHeaders=content-type;host;x-content-sha256;x-date, Signature=28EE',
      ),
    ).toEqual({
      accessKeyId: 'AKLTabc',
      date: '20201230',
      region: 'cn-north-1',
      service: 'iam',
      signedHeaders: ['content-type', 'host', 'x-content-sha256', 'x-date'],
      signature: '28ee',
    })
    expect(parseVolcAuthorization('Bearer x')).toBeUndefined()
    expect(
      parseVolcAuthorization('HMAC-SHA256 Credential=AK/20201230/request, Signature=1'),
    ).toBeUndefined()
  })

  it('parses every Authorization header like a plain split on commas and equals signs', () => {
    // The straightforward reading of the note, kept as the reference for the faster parser.
    const reference = (header: string) => {
      const m = /^HMAC-SHA256\s+(.*)$/.exec(header.trim())
      if (m === null || m[1] === undefined) return undefined
      const fields = new Map<string, string>()
      for (const part of m[1].split(',')) {
        const eq = part.indexOf('=')
        if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim())
      }
      const credential = fields.get('Credential')?.split('/')
      const signed = fields.get('SignedHeaders')
      const signature = fields.get('Signature')
      if (credential?.length !== 5 || signed === undefined || signature === undefined)
        return undefined
      const [accessKeyId, date, region, service, terminator] = credential
      if (terminator !== 'request' || accessKeyId === '') return undefined
      return {
        accessKeyId,
        date,
        region,
        service,
        signedHeaders: signed
          .split(';')
          .map((h) => h.trim().toLowerCase())
          .filter(Boolean),
        signature: signature.toLowerCase(),
      }
    }
    const piece = fc.oneof(
      fc.constantFrom('Credential=AK/20201230/cn-north-1/vms/request', 'Credential=/d/r/s/request'),
      fc.constantFrom('SignedHeaders=host;X-Date', 'SignedHeaders= ;', 'Signature=AB12'),
      fc.string({ unit: fc.constantFrom('a', '=', ' ', '/', ';', 'C') }),
    )
    const header = fc
      .tuple(
        fc.constantFrom('HMAC-SHA256 ', 'HMAC-SHA256', ' HMAC-SHA256  '),
        fc.array(piece),
        fc.constantFrom(',', ', '),
      )
      .map(([scheme, parts, comma]) => scheme + parts.join(comma))
    fc.assert(
      fc.property(header, (h) => {
        expect(parseVolcAuthorization(h)).toEqual(reference(h))
      }),
    )
  })

  it('signs over the signed headers as they are at each call, a reused array included', () => {
    const signedHeaders = ['x-date', 'host']
    const input = {
      method: 'POST',
      path: '/',
      query: [],
      headers: { host: 'h', 'x-date': 'd', 'x-b': 'b' },
      signedHeaders,
      payloadHash: EMPTY_HASH,
      xDate: 'd',
      region: 'r',
      service: 's',
      secretAccessKey: 'k',
    }
    expect(volcCanonicalRequest(input)).toContain('\nhost;x-date\n')
    signedHeaders.push('x-b')
    expect(volcCanonicalRequest(input)).toContain('\nhost;x-b;x-date\n')
  })

  it('parses X-Date as UTC', () => {
    expect(parseXDate('20201230T081805Z')).toBe(Date.UTC(2020, 11, 30, 8, 18, 5))
    expect(parseXDate('2020-12-30T08:18:05Z')).toBeUndefined()
    // The same string twice (the one-entry cache) and a different one after it.
    expect(parseXDate('20201230T081805Z')).toBe(Date.UTC(2020, 11, 30, 8, 18, 5))
    expect(parseXDate('20201230T081806Z')).toBe(Date.UTC(2020, 11, 30, 8, 18, 6))
  })
})
