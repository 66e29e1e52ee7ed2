import type { RawRequest } from '../server'
import type { AliParams } from './gateway'
import { createAliFrontEnd } from './gateway'
import { rpcSignature } from './signature'

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5)
const SECRET = 'secret'

const frontEnd = () =>
  createAliFrontEnd({
    accessKeyId: 'AK',
    accessKeySecret: SECRET,
    nowMs: () => NOW,
    actions: { Echo: (params: AliParams) => ({ payload: { Params: Object.fromEntries(params) } }) },
  })

let nonce = 0
const common = (): Array<[string, string]> => [
  ['Action', 'Echo'],
  ['Version', '2017-05-25'],
  ['AccessKeyId', 'AK'],
  ['SignatureNonce', `n-${++nonce}`],
  ['Timestamp', '2026-01-02T03:04:05Z'],
]

/** A POST with every parameter in the query string, signed unless told otherwise. */
const request = (pairs: Array<[string, string]>, sign = true): RawRequest => {
  const all = sign
    ? [...pairs, ['Signature', rpcSignature(SECRET, 'POST', pairs)] as [string, string]]
    : pairs
  return {
    method: 'POST',
    path: '/',
    rawQuery: new URLSearchParams(all).toString(),
    headers: {},
    body: Buffer.alloc(0),
  }
}

const codeOf = (fe: ReturnType<typeof frontEnd>, req: RawRequest) => {
  const accepted = fe.accept(req)
  if ('call' in accepted) return 'accepted'
  return (JSON.parse(accepted.reply.body) as { Code: string; Message: string }).Message
}

describe('Aliyun gateway, RPC v1', () => {
  it('names the first missing (or empty) common parameter, in the vendor order', () => {
    const fe = frontEnd()
    const without = (name: string) => common().filter(([k]) => k !== name)
    expect(codeOf(fe, request(without('Action')))).toBe('Action is mandatory for this action.')
    expect(codeOf(fe, request([...without('Version'), ['Version', '']]))).toBe(
      'Version is mandatory for this action.',
    )
    expect(codeOf(fe, request(without('SignatureNonce'), false))).toBe(
      'Signature is mandatory for this action.',
    )
    expect(codeOf(fe, request(without('SignatureNonce')))).toBe(
      'SignatureNonce is mandatory for this action.',
    )
    expect(codeOf(fe, request(without('Timestamp')))).toBe(
      'Timestamp is mandatory for this action.',
    )
  })

  it('refuses every SignatureMethod but HMAC-SHA1, an empty one included', () => {
    const fe = frontEnd()
    expect(codeOf(fe, request([...common(), ['SignatureMethod', 'HMAC-SHA1']]))).toBe('accepted')
    expect(codeOf(fe, request([...common(), ['SignatureMethod', '']]))).toBe(
      'Specified signature method  is not valid.',
    )
    expect(codeOf(fe, request([...common(), ['SignatureMethod', 'HMAC-SHA256']]))).toBe(
      'Specified signature method HMAC-SHA256 is not valid.',
    )
  })

  it('hands the action its business parameters only, the later of a repeated name winning', () => {
    const fe = frontEnd()
    const accepted = fe.accept(
      request([
        ...common(),
        ['Format', 'JSON'],
        ['RegionId', 'cn-hangzhou'],
        ['SignatureVersion', '1.0'],
        ['PoolKey', 'FC1'],
        ['PhoneNoA', '13800000000'],
        ['PoolKey', 'FC2'],
      ]),
    )
    if (!('call' in accepted)) throw new Error(accepted.reply.body)
    expect([...accepted.call.params]).toEqual([
      ['PoolKey', 'FC2'],
      ['PhoneNoA', '13800000000'],
    ])
  })

  it('checks the signature over every parameter and refuses a replayed nonce', () => {
    const fe = frontEnd()
    const pairs = common()
    const req = request(pairs)
    const tampered = { ...req, rawQuery: req.rawQuery.replace('Action=Echo', 'Action=Echo&X=1') }
    expect(codeOf(fe, tampered)).toMatch(/^Specified signature is not matched/)
    expect(codeOf(fe, req)).toBe('accepted')
    expect(codeOf(fe, req)).toBe('Specified signature nonce was used already.')
  })
})
