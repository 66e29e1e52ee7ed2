import util from 'node:util'
import {
  formatRef,
  type Binding,
  type BindRequest,
  type PrivacyNumberError,
} from '@privacy-number/core'
import * as E from 'fp-ts/Either'
import {
  ALIYUN_MAX_BATCH_LIST_BYTES,
  createAliyunProvider,
  type AliyunProviderOptions,
} from './provider'
import {
  fakeTransport,
  fixture,
  rawJson,
  type Answer,
  type Recorded,
} from './test-helpers/fake-transport'

const NOW = new Date('2026-11-23T04:00:00.000Z')
const EXPIRES = new Date('2030-01-01T00:00:00.000Z') // 2030-01-01 08:00:00 in Beijing
const CANARY = 'canary-secret-7f3a9c'

const ok = (extra: Record<string, unknown> = {}) => ({ Code: 'OK', Message: 'OK', ...extra })
const bound = (subsId = '1000000000000001', x = '17000000001') =>
  ok({ SecretBindDTO: { SubsId: subsId, SecretNo: x, Extension: '' } })

function setup(
  respond: (r: Recorded, i: number) => Answer,
  options: Partial<AliyunProviderOptions> = {},
) {
  const fake = fakeTransport(respond)
  let n = 0
  const provider = createAliyunProvider({
    accessKeyId: 'AKID',
    accessKeySecret: CANARY,
    poolKey: 'FC100',
    endpoint: 'https://dyplsapi.example.test',
    transport: fake.transport,
    now: () => NOW,
    nonce: () => `nonce-${++n}`,
    ...options,
  })
  return { provider, ...fake }
}

const right = <A>(r: E.Either<PrivacyNumberError, A>): A => {
  if (E.isLeft(r)) throw new Error(`expected Right, got ${r.left._tag}: ${r.left.message}`)
  return r.right
}
const leftOf = <A>(r: E.Either<PrivacyNumberError, A>): PrivacyNumberError => {
  if (E.isRight(r)) throw new Error('expected Left')
  return r.left
}

const axb: BindRequest = {
  kind: 'AXB',
  a: '+86 138-0013-8000',
  b: '13900139000',
  expiresAt: EXPIRES,
  select: { city: '0531' },
  outId: 'order-1',
}

describe('bind', () => {
  it('sends BindAxb with Beijing-time Expiration, ExpectCity as a city name and IsRecordingEnabled always', async () => {
    const { provider, calls } = setup(() => bound())
    const b = right(await provider.bind(axb)())
    expect(calls).toHaveLength(1)
    const c = calls[0]!
    expect(c.raw.method).toBe('POST')
    expect(c.raw.body ?? '').toBe('')
    expect(c.action).toBe('BindAxb')
    expect(c.params).toMatchObject({
      PoolKey: 'FC100',
      PhoneNoA: '13800138000',
      PhoneNoB: '13900139000',
      Expiration: '2030-01-01 08:00:00',
      ExpectCity: '济南',
      IsRecordingEnabled: 'false',
      OutId: 'order-1',
      AccessKeyId: 'AKID',
      SignatureNonce: 'nonce-1',
      Timestamp: '2026-11-23T04:00:00Z',
    })
    expect(c.params).not.toHaveProperty('PhoneNoX')
    expect(b).toMatchObject({
      vendor: 'aliyun',
      kind: 'AXB',
      subscriptionId: '1000000000000001',
      x: '17000000001',
      a: '13800138000',
      b: '13900139000',
      outId: 'order-1',
    })
    expect(b.expiresAt.getTime()).toBe(EXPIRES.getTime())
    expect(b.ref).toBe(
      formatRef({
        vendor: 'aliyun',
        pool: 'FC100',
        kind: 'AXB',
        subscriptionId: b.subscriptionId,
        x: b.x,
      }),
    )
  })

  it('sends an explicit X as PhoneNoX without ExpectCity, and record=true as "true"', async () => {
    const { provider, calls } = setup(() => bound())
    right(
      await provider.bind({
        kind: 'AXN',
        a: '13800138000',
        x: '17000000009',
        expiresAt: EXPIRES,
        record: true,
      })(),
    )
    expect(calls[0]!.action).toBe('BindAxn')
    expect(calls[0]!.params).toMatchObject({ PhoneNoX: '17000000009', IsRecordingEnabled: 'true' })
    expect(calls[0]!.params).not.toHaveProperty('ExpectCity')
    expect(calls[0]!.params).not.toHaveProperty('PhoneNoB')
  })

  it('keeps a long SubsId exact', async () => {
    const { provider } = setup(() =>
      rawJson(fixture('bind-axb.meta.json').replace('100017838816****', '20000000000000123')),
    )
    const b = right(await provider.bind(axb)())
    expect(b.subscriptionId).toBe('20000000000000123')
  })

  it('decodes the documented BindAxb answer', async () => {
    const { provider } = setup(() => rawJson(fixture('bind-axb.meta.json')))
    const b = right(await provider.bind(axb)())
    expect(b).toMatchObject({ subscriptionId: '100017838816****', x: '171****1893' })
  })

  it.each<[string, BindRequest, string, string]>([
    [
      'AXB without b',
      { kind: 'AXB', a: '13800138000', expiresAt: EXPIRES },
      'InvalidArgument',
      'b',
    ],
    [
      'an unknown area code',
      { ...axb, select: { city: '0001' } },
      'InvalidArgument',
      'select.city',
    ],
    [
      'an unknown fallback city',
      { ...axb, select: { city: '0531', fallbackCities: ['010', '0002'] } },
      'InvalidArgument',
      'select.fallbackCities[1]',
    ],
    ['a bad phone number', { ...axb, a: '12345' }, 'InvalidArgument', 'a'],
    [
      'an expiry within 60 s',
      { ...axb, expiresAt: new Date(NOW.getTime() + 30_000) },
      'InvalidArgument',
      'expiresAt',
    ],
    ['select.byParty', { ...axb, select: { byParty: 'A' } }, 'Unsupported', ''],
    [
      'a non-numeric group id',
      { kind: 'AXG', a: '13800138000', expiresAt: EXPIRES, group: { id: 'G-1' } },
      'InvalidArgument',
      'group.id',
    ],
  ])('rejects %s before sending anything', async (_name, req, tag, field) => {
    const { provider, calls } = setup(() => bound())
    const e = leftOf(await provider.bind(req)())
    expect(e._tag).toBe(tag)
    if (e._tag === 'InvalidArgument') expect(e.field).toBe(field)
    expect(e.outcome).toBe('not-applied')
    expect(calls).toHaveLength(0)
  })

  it('tries the fallback cities in order, moving on only after NoAvailableNumber', async () => {
    const { provider, calls } = setup((_r, i) =>
      i < 2 ? ok({ Code: 'isv.NO_AVAILABLE_NUMBER', Message: '无可用号码' }) : bound(),
    )
    right(
      await provider.bind({
        ...axb,
        select: { city: '0532', fallbackCities: ['PROVINCE_CAPITAL', '010'] },
      })(),
    )
    expect(calls.map((c) => c.params['ExpectCity'])).toEqual(['青岛', '济南', '北京'])
  })

  it('stops at the first error that is not NoAvailableNumber', async () => {
    const { provider, calls } = setup(() => ok({ Code: 'isv.BIND_CONFLICT', Message: '绑定冲突' }))
    const e = leftOf(
      await provider.bind({ ...axb, select: { city: '0532', fallbackCities: ['010'] } })(),
    )
    expect(e._tag).toBe('BindingConflict')
    expect(calls).toHaveLength(1)
  })

  it('answers the last NoAvailableNumber when every city is exhausted', async () => {
    const { provider, calls } = setup(() => ok({ Code: 'isv.NO_AVAILABLE_NUMBER' }))
    const e = leftOf(
      await provider.bind({ ...axb, select: { city: '0532', fallbackCities: ['010'] } })(),
    )
    expect(e._tag).toBe('NoAvailableNumber')
    expect(calls).toHaveLength(2)
  })

  it('creates an inline group with CreateAxgGroup, then binds AXG to its exact GroupId', async () => {
    const { provider, calls } = setup((r) =>
      r.action === 'CreateAxgGroup'
        ? rawJson('{"Code":"OK","Message":"OK","RequestId":"R","GroupId":20000000000000123}')
        : bound(),
    )
    const b = right(
      await provider.bind({
        kind: 'AXG',
        a: '13800138000',
        expiresAt: EXPIRES,
        group: { name: 'team', numbers: ['13900139001', '139-0013-9002'] },
      })(),
    )
    expect(calls.map((c) => c.action)).toEqual(['CreateAxgGroup', 'BindAxg'])
    expect(calls[0]!.params).toMatchObject({
      PoolKey: 'FC100',
      Name: 'team',
      Numbers: '13900139001,13900139002',
    })
    expect(calls[1]!.params['GroupId']).toBe('20000000000000123')
    expect(b.groupId).toBe('20000000000000123')
  })

  it('deletes the inline group again when the bind certainly failed', async () => {
    const { provider, actions } = setup((r) =>
      r.action === 'CreateAxgGroup'
        ? ok({ GroupId: 77 })
        : r.action === 'BindAxg'
          ? ok({ Code: 'isv.NO_AVAILABLE_NUMBER' })
          : ok(),
    )
    const e = leftOf(
      await provider.bind({
        kind: 'AXG',
        a: '13800138000',
        expiresAt: EXPIRES,
        group: { name: 'g', numbers: ['13900139001'] },
      })(),
    )
    expect(e._tag).toBe('NoAvailableNumber')
    expect(actions()).toEqual(['CreateAxgGroup', 'BindAxg', 'DeleteAxgGroup'])
  })

  it('answers InvalidArgument, not a throw, for text that cannot be percent-encoded', async () => {
    const { provider, calls } = setup(() => bound())
    const e = leftOf(await provider.bind({ ...axb, outId: 'bad \uD800 surrogate' })())
    expect(e).toMatchObject({ _tag: 'InvalidArgument', outcome: 'not-applied' })
    expect(e.message).toMatch(/lone surrogate/)
    expect(calls).toHaveLength(0)
  })

  it('answers InvalidArgument, not an empty parameter, when a nonce function returns no string', async () => {
    // A JavaScript caller's `nonce` option can return anything; the signer refuses a parameter
    // that is not text rather than send it empty.
    const { provider, calls } = setup(() => bound(), { nonce: () => 42 as unknown as string })
    const e = leftOf(await provider.bind(axb)())
    expect(e).toMatchObject({ _tag: 'InvalidArgument', outcome: 'not-applied' })
    expect(e.message).toBe('bind: parameter SignatureNonce: key and value must be strings')
    expect(calls).toHaveLength(0)
  })

  it('uses a fresh nonce for every request', async () => {
    const { provider, calls } = setup(() => ok({ Code: 'isv.NO_AVAILABLE_NUMBER' }))
    await provider.bind({ ...axb, select: { city: '0532', fallbackCities: ['010', '021'] } })()
    const nonces = calls.map((c) => c.params['SignatureNonce'])
    expect(new Set(nonces).size).toBe(3)
  })

  it('signs with ACS3 headers when signatureVersion is v3', async () => {
    const { provider, calls } = setup(() => bound(), { signatureVersion: 'v3' })
    right(await provider.bind(axb)())
    expect(calls[0]!.raw.headers['authorization']).toMatch(/^ACS3-HMAC-SHA256 Credential=AKID,/)
    expect(calls[0]!.params).not.toHaveProperty('Action')
    expect(calls[0]!.params).toMatchObject({ PhoneNoA: '13800138000' })
  })

  it('passes transport failures on with the vendor name', async () => {
    const { provider } = setup(() => bound(), {
      transport: () => async () =>
        E.left({
          _tag: 'Timeout',
          message: 'no answer',
          retryable: true,
          outcome: 'unknown',
          timeoutMs: 5,
        }),
    })
    const e = leftOf(await provider.bind(axb)())
    expect(e).toMatchObject({ _tag: 'Timeout', vendor: 'aliyun', outcome: 'unknown' })
  })
})

describe('bindBatch', () => {
  const axg = (i: number): BindRequest => ({
    kind: 'AXG',
    a: `1380013${String(8000 + i)}`,
    expiresAt: EXPIRES,
    group: { id: '1234' },
    outId: `o${i}`,
  })
  const batchAnswer = (items: ReadonlyArray<Record<string, unknown>>) =>
    ok({ SecretBindList: { SecretBind: items } })

  it('keeps each BindBatchAxg list under the query-size limit, whatever batchSize says', async () => {
    const { provider, calls } = setup((r) => {
      const list = JSON.parse(r.params['AxgBindList'] ?? '[]') as Array<{ PhoneNoA: string }>
      return batchAnswer(
        list.map((it, k) => ({
          Code: 'OK',
          SubsId: `9${k}`,
          SecretNo: '17000000001',
          PhoneNoA: it.PhoneNoA,
        })),
      )
    })
    const reqs = Array.from({ length: 120 }, (_, i) => ({ ...axg(i % 100), outId: `order-${i}` }))
    const results = right(await provider.bindBatch(reqs)())
    expect(results.filter(E.isRight)).toHaveLength(120)
    expect(calls.length).toBeGreaterThan(1)
    for (const c of calls)
      expect(encodeURIComponent(c.params['AxgBindList'] ?? '').length).toBeLessThanOrEqual(
        ALIYUN_MAX_BATCH_LIST_BYTES,
      )
    const sent = calls.flatMap(
      (c) => JSON.parse(c.params['AxgBindList'] ?? '[]') as Array<{ OutId: string }>,
    )
    expect(sent.map((x) => x.OutId)).toEqual(reqs.map((r) => r.outId))
  })

  it('sends AxgBindList as ONE JSON string, chunked, in input order', async () => {
    const { provider, calls } = setup(
      (r) => {
        const list = JSON.parse(r.params['AxgBindList'] ?? '[]') as Array<{ PhoneNoA: string }>
        return batchAnswer(
          list.map((it, k) => ({
            Code: 'OK',
            SubsId: `${r.params['AxgBindList']?.length}${k}`,
            SecretNo: `1700000${it.PhoneNoA.slice(-4)}`,
            PhoneNoA: it.PhoneNoA,
          })),
        )
      },
      { batchSize: 2 },
    )
    const reqs = [0, 1, 2, 3, 4].map(axg)
    const results = right(await provider.bindBatch(reqs)())
    expect(calls.map((c) => c.action)).toEqual(['BindBatchAxg', 'BindBatchAxg', 'BindBatchAxg'])
    for (const c of calls) {
      expect(Object.keys(c.params).some((k) => k.startsWith('AxgBindList.'))).toBe(false)
      expect(c.params['PoolKey']).toBe('FC100')
    }
    const first = JSON.parse(calls[0]!.params['AxgBindList'] ?? '') as unknown
    expect(first).toEqual([
      {
        PhoneNoA: '13800138000',
        GroupId: '1234',
        Expiration: '2030-01-01 08:00:00',
        IsRecordingEnabled: false,
        OutId: 'o0',
      },
      {
        PhoneNoA: '13800138001',
        GroupId: '1234',
        Expiration: '2030-01-01 08:00:00',
        IsRecordingEnabled: false,
        OutId: 'o1',
      },
    ])
    expect(results.map((r) => E.isRight(r) && r.right.a)).toEqual(reqs.map((r) => r.a))
    expect(results.map((r) => E.isRight(r) && r.right.x)).toEqual([
      '17000008000',
      '17000008001',
      '17000008002',
      '17000008003',
      '17000008004',
    ])
  })

  it("decodes the documented answer's per-item error code to one Left among Rights", async () => {
    const seed = JSON.parse(fixture('bind-batch-axg.seed003.json')) as {
      SecretBindList: { SecretBind: Array<Record<string, unknown>> }
    }
    const documented = seed.SecretBindList.SecretBind[0]!
    const good = (n: number) => ({
      ...documented,
      Code: 'OK',
      Message: 'OK',
      SubsId: `100001234500000${n}`,
      SecretNo: `1390000111${n}`,
    })
    const { provider } = setup(() =>
      rawJson(
        JSON.stringify({ ...seed, SecretBindList: { SecretBind: [good(1), documented, good(3)] } }),
      ),
    )
    const results = right(await provider.bindBatch([axg(0), axg(1), axg(2)])())
    expect(results.map(E.isRight)).toEqual([true, false, true])
    const e = leftOf(results[1]!)
    expect(e).toMatchObject({
      _tag: 'InvalidArgument',
      vendorCode: 'isv.INVALID_PARAMETERS',
      vendorMessage: 'ringConfig invalid',
    })
    expect(right(results[0]!).subscriptionId).toBe('1000012345000001')
  })

  it('decodes the documented single-item answer exactly', async () => {
    const { provider } = setup(() => rawJson(fixture('bind-batch-axg.seed003.json')))
    const [only] = right(await provider.bindBatch([axg(0)])())
    expect(leftOf(only!)).toMatchObject({
      _tag: 'InvalidArgument',
      vendorCode: 'isv.INVALID_PARAMETERS',
    })
  })

  it('gives every item of a chunk the error of a failed call, and isolates invalid items', async () => {
    const { provider, calls } = setup(() => ({
      status: 503,
      headers: {},
      body: '<html>busy</html>',
    }))
    const results = right(await provider.bindBatch([axg(0), { ...axg(1), a: 'bad' }, axg(2)])())
    expect(calls).toHaveLength(1)
    expect(results.map((r) => E.isLeft(r) && r.left._tag)).toEqual([
      'VendorUnavailable',
      'InvalidArgument',
      'VendorUnavailable',
    ])
  })

  it('sends other kinds as single binds, keeping input order across kinds', async () => {
    const { provider, actions } = setup((r) =>
      r.action === 'BindBatchAxg'
        ? batchAnswer([{ Code: 'OK', SubsId: '9', SecretNo: '17000000009' }])
        : bound(r.params['PhoneNoA'] ?? '', '17000000001'),
    )
    const results = right(
      await provider.bindBatch([axb, axg(5), { ...axb, a: '13800138111', b: '13900139111' }])(),
    )
    expect(actions().sort()).toEqual(['BindAxb', 'BindAxb', 'BindBatchAxg'])
    expect(results.map((r) => E.isRight(r) && r.right.kind)).toEqual(['AXB', 'AXG', 'AXB'])
    expect(results.map((r) => E.isRight(r) && r.right.subscriptionId)).toEqual([
      '13800138000',
      '9',
      '13800138111',
    ])
  })

  it('moves an item that found no number in its first city on to its fallback cities', async () => {
    const { provider, calls } = setup((r) =>
      r.action === 'BindBatchAxg'
        ? batchAnswer([{ Code: 'isv.NO_AVAILABLE_NUMBER', Message: '无可用号码' }])
        : bound('55', '17000000055'),
    )
    const [r] = right(
      await provider.bindBatch([
        { ...axg(0), select: { city: '0532', fallbackCities: ['010'] } },
      ])(),
    )
    expect(right(r!).subscriptionId).toBe('55')
    expect(
      calls.map((c) => [
        c.action,
        c.params['ExpectCity'] ?? JSON.parse(c.params['AxgBindList'] ?? '[{}]')[0].ExpectCity,
      ]),
    ).toEqual([
      ['BindBatchAxg', '青岛'],
      ['BindAxg', '北京'],
    ])
  })
})

describe('binding operations by ref', () => {
  const ref = formatRef({
    vendor: 'aliyun',
    pool: 'FC9',
    kind: 'AXG',
    subscriptionId: '20000000000000123',
    x: '17000000001',
  })

  it('unbinds with SubsId, SecretNo and the PoolKey of the ref', async () => {
    const { provider, calls } = setup(() => rawJson(fixture('unbind-subscription.doc19.json')))
    right(await provider.unbind(ref)())
    expect(calls[0]!.action).toBe('UnbindSubscription')
    expect(calls[0]!.params).toMatchObject({
      SubsId: '20000000000000123',
      SecretNo: '17000000001',
      PoolKey: 'FC9',
    })
  })

  it('counts isv.SUBS_NOT_EXIST as done when unbinding', async () => {
    const { provider } = setup(() => ok({ Code: 'isv.SUBS_NOT_EXIST', Message: '绑定关系不存在' }))
    expect(E.isRight(await provider.unbind(ref)())).toBe(true)
  })

  it('refuses a ref of another vendor without sending anything', async () => {
    const { provider, calls } = setup(() => ok())
    const other = formatRef({
      vendor: 'volcengine',
      pool: 'NP1',
      kind: 'AXB',
      subscriptionId: 'S1',
      x: '17000000001',
    })
    expect(leftOf(await provider.unbind(other)())._tag).toBe('InvalidArgument')
    expect(leftOf(await provider.query('garbage')())._tag).toBe('InvalidArgument')
    expect(calls).toHaveLength(0)
  })

  it('updates one field per UpdateSubscription call, in the fixed order', async () => {
    const { provider, calls } = setup(() => ok())
    right(
      await provider.update(ref, {
        record: true,
        outId: 'new-out',
        groupId: '42',
        b: '13900139000',
        a: '13800138000',
        expiresAt: EXPIRES,
      })(),
    )
    expect(calls.map((c) => c.params['OperateType'])).toEqual([
      'updateExpire',
      'updateNoA',
      'updateNoB',
      'updateAxgGroup',
      'updateOutId',
      'updateIsRecordingEnabled',
    ])
    expect(calls[0]!.params).toMatchObject({
      SubsId: '20000000000000123',
      PhoneNoX: '17000000001',
      PoolKey: 'FC9',
      Expiration: '2030-01-01 08:00:00',
    })
    expect(calls[3]!.params['GroupId']).toBe('42')
    expect(calls[5]!.params['IsRecordingEnabled']).toBe('true')
  })

  it('says which fields were applied when a later one fails', async () => {
    const { provider, calls } = setup((_r, i) =>
      i === 0 ? ok() : ok({ Code: 'isv.BIND_CONFLICT', Message: '绑定冲突' }),
    )
    const e = leftOf(
      await provider.update(ref, { expiresAt: EXPIRES, b: '13900139000', outId: 'x' })(),
    )
    expect(e._tag).toBe('BindingConflict')
    expect(e.applied).toEqual(['expiresAt'])
    expect(calls).toHaveLength(2)
  })

  it('maps an update of an expired binding (isv.FORBIDDEN_ACTION) to BindingNotFound', async () => {
    const { provider } = setup(() =>
      ok({ Code: 'isv.FORBIDDEN_ACTION', Message: '绑定关系已过期' }),
    )
    expect(leftOf(await provider.update(ref, { outId: 'x' })())._tag).toBe('BindingNotFound')
  })

  it('refuses a groupId change on a non-AXG binding before sending', async () => {
    const { provider, calls } = setup(() => ok())
    const axbRef = formatRef({
      vendor: 'aliyun',
      pool: 'FC9',
      kind: 'AXB',
      subscriptionId: '1',
      x: '17000000001',
    })
    const e = leftOf(await provider.update(axbRef, { groupId: '42' })())
    expect(e._tag === 'InvalidArgument' && e.field).toBe('groupId')
    expect(calls).toHaveLength(0)
  })

  it('queries QuerySubscriptionDetail and reads ExpireDate as Beijing time', async () => {
    const { provider, calls } = setup(() => rawJson(fixture('query-subscription-detail.meta.json')))
    const axbRef = formatRef({
      vendor: 'aliyun',
      pool: 'FC9',
      kind: 'AXB',
      subscriptionId: '1000000000000000',
      x: '17000000000',
    })
    const b = right(await provider.query(axbRef)())
    expect(calls[0]!.params).toMatchObject({
      SubsId: '1000000000000000',
      PhoneNoX: '17000000000',
      PoolKey: 'FC9',
    })
    expect(b).toMatchObject({
      kind: 'AXB',
      subscriptionId: '1000000000000000',
      x: '17000000000',
      a: '13700000000',
      b: '13800000000',
    })
    expect(b.groupId).toBeUndefined()
    expect(b.expiresAt.toISOString()).toBe('2019-09-05T04:00:00.000Z')
    expect(b.ref).toBe(axbRef)
  })

  it('keeps a GroupId beyond 2^53 exact when querying', async () => {
    const body = fixture('query-subscription-detail.meta.json').replace(
      /"GroupId":\s*0/,
      '"GroupId": 20000000000000123',
    )
    const { provider } = setup(() => rawJson(body))
    expect(right(await provider.query(ref)()).groupId).toBe('20000000000000123')
  })

  it('answers BindingNotFound for an expired binding (Status 0)', async () => {
    const body = fixture('query-subscription-detail.meta.json').replace(
      /"Status":\s*1/,
      '"Status": 0',
    )
    const { provider } = setup(() => rawJson(body))
    expect(leftOf(await provider.query(ref)())._tag).toBe('BindingNotFound')
  })

  it('does not report the vendor placeholder B of an AXN as b', async () => {
    const body = fixture('query-subscription-detail.meta.json').replace(
      /"PhoneNoB":\s*"13800000000"/,
      '"PhoneNoB": "10000000000"',
    )
    const { provider } = setup(() => rawJson(body))
    expect(right(await provider.query(ref)()).b).toBeUndefined()
  })
})

describe('groups', () => {
  it('creates a group and returns its int64 GroupId as an exact string', async () => {
    const { provider, calls } = setup(() =>
      rawJson('{"Code":"OK","Message":"OK","RequestId":"R","GroupId":20000000000000123}'),
    )
    const g = right(await provider.createGroup({ name: '团队', numbers: ['13900139001'] })())
    expect(g.groupId).toBe('20000000000000123')
    expect(calls[0]!.params).toMatchObject({
      Name: '团队',
      Numbers: '13900139001',
      PoolKey: 'FC100',
    })
  })

  it('changes members with OperateAxgGroup add/delete/overwrite', async () => {
    const { provider, calls } = setup(() => ok())
    right(
      await provider.updateGroup('42', {
        add: ['13900139001'],
        remove: ['13900139002', '13900139003'],
      })(),
    )
    right(await provider.updateGroup('42', { replace: ['13900139004'] })())
    expect(
      calls.map((c) => [c.params['OperateType'], c.params['Numbers'], c.params['GroupId']]),
    ).toEqual([
      ['addNumbers', '13900139001', '42'],
      ['deleteNumbers', '13900139002,13900139003', '42'],
      ['overwriteNumbers', '13900139004', '42'],
    ])
  })

  it('answers Unsupported for a rename and InvalidArgument for a non-numeric id, sending nothing', async () => {
    const { provider, calls } = setup(() => ok())
    expect(leftOf(await provider.updateGroup('42', { name: 'new' })())._tag).toBe('Unsupported')
    expect(leftOf(await provider.deleteGroup('G-1')())._tag).toBe('InvalidArgument')
    expect(calls).toHaveLength(0)
  })

  it('deletes a group with DeleteAxgGroup (Message SUCCESS is success too)', async () => {
    const { provider, calls } = setup(() => ok({ Message: 'SUCCESS' }))
    right(await provider.deleteGroup('20000000000000123')())
    expect(calls[0]!.params).toMatchObject({ GroupId: '20000000000000123', PoolKey: 'FC100' })
  })

  it('maps "号池非AXG" to Unsupported', async () => {
    const { provider } = setup(() =>
      ok({ Code: 'isv.FORBIDDEN_ACTION', Message: 'createAxgGroup:号池非AXG' }),
    )
    expect(leftOf(await provider.createGroup({ name: 'g', numbers: ['13900139001'] })())._tag).toBe(
      'Unsupported',
    )
  })
})

describe('remainingNumbers', () => {
  it('asks for the per-city list and reports area codes', async () => {
    const { provider, calls } = setup(() => rawJson(fixture('query-secret-no-remain.meta.json')))
    const r = right(await provider.remainingNumbers()())
    expect(calls[0]!.params).toMatchObject({ City: '全国列表', SpecId: '2' })
    expect(r).toEqual({ total: 0, byCity: [{ city: '027', amount: 120 }] })
  })

  it('asks for one city by name', async () => {
    const { provider, calls } = setup(() => ok({ SecretRemainDTO: { Amount: 7, City: '济南' } }))
    expect(right(await provider.remainingNumbers('0531')())).toEqual({
      total: 7,
      byCity: [{ city: '0531', amount: 7 }],
    })
    expect(calls[0]!.params['City']).toBe('济南')
  })
})

describe('secrets', () => {
  it('never shows the secret in JSON, inspect output, requests or errors', async () => {
    const { provider, calls } = setup((_r, i) =>
      i === 0
        ? ok({ Code: 'SignatureDoesNotMatch', Message: 'bad' })
        : { status: 500, headers: {}, body: 'oops' },
    )
    const e1 = leftOf(await provider.bind(axb)())
    const e2 = leftOf(await provider.bind(axb)())
    const e3 = leftOf(await provider.bind({ ...axb, a: 'x' })())
    for (const text of [
      JSON.stringify(provider),
      util.inspect(provider, { depth: 10, showHidden: true }),
      JSON.stringify([e1, e2, e3]),
      util.inspect([e1, e2, e3], { depth: 10 }),
      JSON.stringify(calls.map((c) => c.raw)),
    ])
      expect(text).not.toContain(CANARY)
  })
})

describe('Binding shape', () => {
  it('returns plain data that survives JSON', async () => {
    const { provider } = setup(() => bound())
    const b: Binding = right(await provider.bind(axb)())
    const back = JSON.parse(JSON.stringify(b)) as Record<string, unknown>
    expect(back['subscriptionId']).toBe('1000000000000001')
  })
})

describe('createAliyunProvider', () => {
  it('throws a TypeError for missing credentials, a bad endpoint or signature version, without the secret', () => {
    const base = { accessKeyId: 'AK', accessKeySecret: CANARY, poolKey: 'FC1' }
    const bad: ReadonlyArray<Partial<AliyunProviderOptions>> = [
      { accessKeyId: '' },
      { accessKeySecret: '' },
      { poolKey: '' },
      { endpoint: 'not a url' },
      { endpoint: 'ftp://dyplsapi.aliyuncs.com' },
      { signatureVersion: 'v2' as 'v1' },
    ]
    for (const override of bad) {
      let thrown: unknown
      try {
        createAliyunProvider({ ...base, ...override })
      } catch (e) {
        thrown = e
      }
      expect(thrown).toBeInstanceOf(TypeError)
      expect(String(thrown)).not.toContain(CANARY)
    }
  })

  it('defaults to the https endpoint', async () => {
    const seen: string[] = []
    const p = createAliyunProvider({
      accessKeyId: 'AK',
      accessKeySecret: 's',
      poolKey: 'FC1',
      transport: (req) => {
        seen.push(req.url)
        return async () => E.right({ status: 200, headers: {}, body: '{"Code":"OK"}' })
      },
    })
    await p.deleteGroup('1')()
    expect(seen[0]?.startsWith('https://dyplsapi.aliyuncs.com/?')).toBe(true)
  })
})
