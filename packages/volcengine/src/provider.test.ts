import { inspect } from 'node:util'
import {
  parseRef,
  formatRef,
  type BindRequest,
  type HttpTransport,
  type PrivacyNumberError,
  type RawRequest,
  type RawResponse,
} from '@privacy-number/core'
import * as E from 'fp-ts/Either'
import * as TE from 'fp-ts/TaskEither'
import { createVolcengineProvider, type VolcengineProviderOptions } from './provider'

// ---------------------------------------------------------------------------------------------
// a recording fake transport
// ---------------------------------------------------------------------------------------------

interface Sent {
  readonly req: RawRequest
  readonly action: string
  readonly params: Record<string, unknown>
}

const paramsOf = (req: RawRequest): Record<string, unknown> => {
  if (req.body === undefined || req.body === '') return {}
  if ((req.headers['Content-Type'] ?? '').includes('json'))
    return JSON.parse(req.body) as Record<string, unknown>
  return Object.fromEntries(new URLSearchParams(req.body))
}

const envelope = (action: string, result: unknown, error?: { Code: string; Message: string }) =>
  JSON.stringify({
    ResponseMetadata: {
      RequestId: `REQ-${action}`,
      Action: action,
      Version: '2022-01-01',
      Service: 'vms',
      Region: 'cn-north-1',
      ...(error === undefined ? {} : { Error: error }),
    },
    ...(error === undefined ? { Result: result } : {}),
  })

type Responder = (
  s: Sent,
) => RawResponse | { result: unknown } | { error: string; message?: string }

const fake = (respond: Responder) => {
  const sent: Sent[] = []
  const transport: HttpTransport = (req) => () => {
    const action = new URL(req.url).searchParams.get('Action') ?? ''
    const s = { req, action, params: paramsOf(req) }
    sent.push(s)
    const r = respond(s)
    const res: RawResponse =
      'status' in r
        ? r
        : 'result' in r
          ? { status: 200, headers: {}, body: envelope(action, r.result) }
          : {
              status: 200,
              headers: {},
              body: envelope(action, undefined, { Code: r.error, Message: r.message ?? r.error }),
            }
    return Promise.resolve(E.right(res))
  }
  return { transport, sent }
}

const NOW = new Date('2026-01-01T00:00:00Z')
const hours = (h: number) => new Date(NOW.getTime() + h * 3_600_000)
const CANARY = 'CANARY-SECRET-7f3a9c'

const options = (transport: HttpTransport, extra: Partial<VolcengineProviderOptions> = {}) => ({
  accessKeyId: 'AKLTtest',
  secretAccessKey: CANARY,
  numberPoolNo: 'NP1',
  endpoint: 'https://cloud-vms.volcengineapi.com',
  transport,
  now: () => NOW,
  ...extra,
})

const bindOk = (x = '17000000000') => ({
  result: { SubId: 'S1', PhoneNoX: x, Status: 1, PhoneNoXCityCode: '010' },
})

const right = <A>(r: E.Either<PrivacyNumberError, A>): A => {
  if (E.isLeft(r)) throw new Error(`expected Right, got ${r.left._tag}: ${r.left.message}`)
  return r.right
}
const left = <A>(r: E.Either<PrivacyNumberError, A>): PrivacyNumberError => {
  if (E.isRight(r)) throw new Error('expected Left')
  return r.left
}

const refFor = (kind: 'AXB' | 'AXN' | 'AXG', pool = 'NP1') =>
  formatRef({ vendor: 'volcengine', pool, kind, subscriptionId: 'S9', x: '17000000009' })

// ---------------------------------------------------------------------------------------------
// the vendor's documented examples (seeds 000–002)
// ---------------------------------------------------------------------------------------------

describe('seed fixtures', () => {
  // The documented examples expire in 2020–2022: validate against a clock just before them.
  const seedNow = (iso: string) => () => new Date(iso)

  it('seed 000 BindAXG: the neutral request sends the documented fields and decodes the answer', async () => {
    const { transport, sent } = fake(() => ({
      status: 200,
      headers: {},
      body: JSON.stringify({
        ResponseMetadata: {
          RequestId: '20251103152556248011180219E995FF',
          Action: 'BindAXG',
          Version: '2022-01-01',
          Service: 'vms',
          Region: 'cn-beijing',
        },
        Result: {
          GroupId: 'G72131231',
          SubId: 'S160817372431596661',
          PhoneNoX: '17000000000',
          Status: 1,
          PhoneNoXCityCode: '010',
        },
      }),
    }))
    const p = createVolcengineProvider(
      options(transport, {
        numberPoolNo: 'NP1600xxx061100694433',
        now: seedNow('2020-12-17T00:00:00Z'),
      }),
    )
    const binding = right(
      await p.bind({
        kind: 'AXG',
        a: '02131075869',
        expiresAt: new Date(1608209071 * 1000),
        group: { name: '测试G组', numbers: ['13800000000'] },
      })(),
    )
    const [call] = sent
    expect(call?.action).toBe('BindAXG')
    expect(call?.req.headers['Content-Type']).toMatch(/^application\/json/)
    expect(call?.params).toEqual({
      ExpireTime: 1608209071,
      NumberPoolNo: 'NP1600xxx061100694433',
      PhoneNoA: '02131075869',
      AudioRecordFlag: 0,
      GroupName: '测试G组',
      GroupNumbers: ['13800000000'],
    })
    expect(binding).toMatchObject({
      vendor: 'volcengine',
      kind: 'AXG',
      subscriptionId: 'S160817372431596661',
      x: '17000000000',
      a: '02131075869',
      groupId: 'G72131231',
      xCity: '010',
      expiresAt: new Date(1608209071 * 1000),
    })
    expect(right(parseRef(binding.ref))).toEqual({
      vendor: 'volcengine',
      pool: 'NP1600xxx061100694433',
      kind: 'AXG',
      subscriptionId: 'S160817372431596661',
      x: '17000000000',
    })
  })

  it('seed 001 SelectNumberAndBindAXB: selection fields as documented, answer decoded', async () => {
    const { transport, sent } = fake(() => ({
      status: 200,
      headers: {},
      body: JSON.stringify({
        ResponseMetadata: {
          RequestId: '202503102308362452260641709B5958',
          Action: 'SelectNumberAndBindAXB',
          Version: '2022-01-01',
          Service: 'vms',
          Region: 'cn-beijing',
        },
        Result: {
          SubId: 'S160817372431596661',
          PhoneNoX: '17000000000',
          Status: 1,
          PhoneNoXCityCode: '010',
          PhoneNoA: 'YiZXOxjK0',
          PhoneNoACityCode: '010',
        },
      }),
    }))
    const p = createVolcengineProvider(
      options(transport, {
        numberPoolNo: 'NP160084061100694433',
        randomSelection: true,
        now: seedNow('2020-12-17T00:00:00Z'),
      }),
    )
    const req: BindRequest = {
      kind: 'AXB',
      a: '13700000000',
      b: '13700000001',
      select: { city: '010', byParty: 'A', fallbackCities: ['010'] },
      expiresAt: new Date(1608209071 * 1000),
      record: true,
      outId: 'abcdef',
      userData: '123456',
    }
    const binding = right(await p.bind(req)())
    expect(sent[0]?.action).toBe('SelectNumberAndBindAXB')
    // The documented body minus AxConflictAxbFlag and VerifyFlag (vendor defaults, not sent).
    expect(sent[0]?.params).toEqual({
      CityCodeByPhoneNo: 'A',
      OutId: 'abcdef',
      DegradeCityList: ['010'],
      AudioRecordFlag: 1,
      CityCode: '010',
      ExpireTime: 1608209071,
      NumberPoolNo: 'NP160084061100694433',
      PhoneNoA: '13700000000',
      PhoneNoB: '13700000001',
      RandomFlag: 1,
      UserData: '123456',
    })
    // PhoneNoA comes back encrypted ('YiZXOxjK0'): the binding keeps the caller's A.
    expect(binding).toMatchObject({
      kind: 'AXB',
      subscriptionId: 'S160817372431596661',
      x: '17000000000',
      a: '13700000000',
      b: '13700000001',
      xCity: '010',
      outId: 'abcdef',
    })
  })

  it('seed 002 BindAXN (legacy form body): documented fields and answer', async () => {
    const { transport, sent } = fake(() => ({
      status: 200,
      headers: {},
      body: `{
    "ResponseMetadata": {
        "RequestId": "20221227174849BF8394362FCB7E6CFF68",
        "Action": "BindAXN",
        "Version": "2022-01-01",
        "Service": "vms",
        "Region": "cn-north-1"
    },
    "Result": {
        "PhoneNoX": "13120407901",
        "SubId": "S16721345297901cf3e074",
        "Status": 1,
        "PhoneNoXCityCode": "010",
        "PhoneNoA": "18811791647",
        "PhoneNoACityCode": "010",
        "PhoneNoB": "13718578258",
        "PhoneNoBCityCode": "010"
    }
}`,
    }))
    const p = createVolcengineProvider(
      options(transport, {
        numberPoolNo: 'NP167092127702825445',
        encoding: 'form',
        now: seedNow('2022-12-27T00:00:00Z'),
      }),
    )
    const binding = right(
      await p.bind({
        kind: 'AXN',
        a: '18811791647',
        b: '13718578258',
        x: '13120407901',
        expiresAt: new Date(1672216113 * 1000),
        record: true,
      })(),
    )
    expect(sent[0]?.action).toBe('BindAXN')
    expect(sent[0]?.req.headers['Content-Type']).toMatch(/^application\/x-www-form-urlencoded/)
    expect(sent[0]?.params).toEqual({
      NumberPoolNo: 'NP167092127702825445',
      PhoneNoA: '18811791647',
      PhoneNoB: '13718578258',
      PhoneNoX: '13120407901',
      ExpireTime: '1672216113',
      AudioRecordFlag: '1',
    })
    expect(binding).toMatchObject({
      kind: 'AXN',
      subscriptionId: 'S16721345297901cf3e074',
      x: '13120407901',
      a: '18811791647',
      b: '13718578258',
      xCity: '010',
    })
  })

  it('seed 002 error example: ConflictWithExisting is a BindingConflict with the request id', async () => {
    const { transport } = fake(() => ({
      status: 200,
      headers: {},
      body: JSON.stringify({
        ResponseMetadata: {
          RequestId: '20221227175006BB5AAB15C44D176E0F42',
          Action: 'BindAXN',
          Version: '2022-01-01',
          Service: 'vms',
          Region: 'cn-north-1',
          Error: { Code: 'ConflictWithExisting', Message: 'Conflict with existing' },
        },
      }),
    }))
    const p = createVolcengineProvider(options(transport))
    const e = left(
      await p.bind({ kind: 'AXN', a: '18811791647', x: '13120407901', expiresAt: hours(1) })(),
    )
    expect(e).toMatchObject({
      _tag: 'BindingConflict',
      vendorCode: 'ConflictWithExisting',
      requestId: '20221227175006BB5AAB15C44D176E0F42',
      outcome: 'not-applied',
      retryable: false,
    })
  })
})

// ---------------------------------------------------------------------------------------------
// request building
// ---------------------------------------------------------------------------------------------

describe('bind requests', () => {
  it('signs every call, with Action and Version in the query string only', async () => {
    const { transport, sent } = fake(() => bindOk())
    const p = createVolcengineProvider(options(transport))
    right(await p.bind({ kind: 'AXB', a: '13800138000', b: '13900139000', expiresAt: hours(1) })())
    const req = sent[0]!.req
    const url = new URL(req.url)
    expect(url.origin).toBe('https://cloud-vms.volcengineapi.com')
    expect([...url.searchParams.keys()]).toEqual(['Action', 'Version'])
    expect(url.searchParams.get('Version')).toBe('2022-01-01')
    expect(req.method).toBe('POST')
    expect(req.headers['Authorization']).toMatch(
      /^HMAC-SHA256 Credential=AKLTtest\/20260101\/cn-north-1\/vms\/request, SignedHeaders=content-type;host;x-content-sha256;x-date, Signature=[0-9a-f]{64}$/,
    )
    expect(req.headers['X-Date']).toBe('20260101T000000Z')
    expect(sent[0]!.params).not.toHaveProperty('Action')
  })

  it('always sends AudioRecordFlag 0 unless record is true (the vendor records by default)', async () => {
    const { transport, sent } = fake(() => bindOk())
    const p = createVolcengineProvider(options(transport))
    right(await p.bind({ kind: 'AXB', a: '13800138000', b: '13900139000', expiresAt: hours(1) })())
    expect(sent[0]!.params['AudioRecordFlag']).toBe(0)
  })

  it('sends ExpireTime in Unix seconds and only the fields that are set', async () => {
    const { transport, sent } = fake(() => bindOk())
    const p = createVolcengineProvider(options(transport))
    right(
      await p.bind({
        kind: 'AXB',
        a: '+86 138-0013-8000',
        x: '17000000000',
        expiresAt: new Date('2026-01-01T01:00:00.900Z'),
        userData: '',
      })(),
    )
    expect(sent[0]!.action).toBe('BindAXB')
    expect(sent[0]!.params).toEqual({
      NumberPoolNo: 'NP1',
      PhoneNoA: '13800138000',
      PhoneNoX: '17000000000',
      ExpireTime: 1767229200,
      AudioRecordFlag: 0,
    })
  })

  it('maps AXB without X and B to an AX SelectNumberAndBindAXB', async () => {
    const { transport, sent } = fake(() => bindOk())
    const p = createVolcengineProvider(options(transport))
    const b = right(await p.bind({ kind: 'AXB', a: '13800138000', expiresAt: hours(1) })())
    expect(sent[0]!.action).toBe('SelectNumberAndBindAXB')
    expect(sent[0]!.params).not.toHaveProperty('PhoneNoB')
    expect(b.b).toBeUndefined()
  })

  it('sends PROVINCE_CAPITAL as PNPC and byParty as CityCodeByPhoneNo', async () => {
    const { transport, sent } = fake(() => bindOk())
    const p = createVolcengineProvider(options(transport))
    right(
      await p.bind({
        kind: 'AXN',
        a: '13800138000',
        b: '13900139000',
        expiresAt: hours(1),
        select: { byParty: 'B', fallbackCities: ['PROVINCE_CAPITAL', '021'] },
      })(),
    )
    expect(sent[0]!.action).toBe('SelectNumberAndBindAXN')
    expect(sent[0]!.params).toMatchObject({
      CityCodeByPhoneNo: 'B',
      DegradeCityList: ['PNPC', '021'],
    })
    expect(sent[0]!.params).not.toHaveProperty('RandomFlag')
  })

  it('sends an existing group as GroupId on BindAXG', async () => {
    const { transport, sent } = fake(() => bindOk())
    const p = createVolcengineProvider(options(transport))
    const b = right(
      await p.bind({ kind: 'AXG', a: '13800138000', expiresAt: hours(1), group: { id: 'G7' } })(),
    )
    expect(sent[0]!.params).toMatchObject({ GroupId: 'G7' })
    expect(sent[0]!.params).not.toHaveProperty('GroupName')
    expect(b.groupId).toBe('G7')
  })

  it('sends list fields comma-separated in the form encoding', async () => {
    const { transport, sent } = fake(() => bindOk())
    const p = createVolcengineProvider(options(transport, { encoding: 'form' }))
    right(
      await p.bind({
        kind: 'AXG',
        a: '13800138000',
        expiresAt: hours(1),
        select: { city: '0531', fallbackCities: ['010', 'PROVINCE_CAPITAL'] },
        group: { name: 'g', numbers: ['13900139000', '13700137000'] },
      })(),
    )
    expect(sent[0]!.params).toMatchObject({
      CityCode: '0531',
      DegradeCityList: '010,PNPC',
      GroupNumbers: '13900139000,13700137000',
    })
  })

  it('adds the requested city to NoAvailableNumber', async () => {
    const { transport } = fake(() => ({ error: 'NumberNotEnough' }))
    const p = createVolcengineProvider(options(transport))
    const e = left(
      await p.bind({
        kind: 'AXB',
        a: '13800138000',
        expiresAt: hours(1),
        select: { city: '021' },
      })(),
    )
    expect(e).toMatchObject({ _tag: 'NoAvailableNumber', city: '021', outcome: 'not-applied' })
  })

  it('answers InvalidResponse when the bind answer has wrong field types', async () => {
    const { transport } = fake(() => ({ result: { SubId: 42.5, PhoneNoX: ['x'] } }))
    const p = createVolcengineProvider(options(transport))
    const e = left(await p.bind({ kind: 'AXB', a: '13800138000', expiresAt: hours(1) })())
    expect(e._tag).toBe('InvalidResponse')
  })
})

describe('validation sends nothing', () => {
  it.each<[string, (p: ReturnType<typeof createVolcengineProvider>) => Promise<unknown>, string]>([
    [
      'bad phone',
      (p) => p.bind({ kind: 'AXB', a: '123', expiresAt: hours(1) })(),
      'InvalidArgument',
    ],
    [
      'expiry too soon',
      (p) => p.bind({ kind: 'AXB', a: '13800138000', expiresAt: new Date(NOW.getTime() + 1000) })(),
      'InvalidArgument',
    ],
    ['garbage ref', (p) => p.unbind('nope')(), 'InvalidArgument'],
    [
      'ref of another vendor',
      (p) =>
        p.query(
          formatRef({ vendor: 'aliyun', pool: 'FC1', kind: 'AXB', subscriptionId: '1', x: '170' }),
        )(),
      'InvalidArgument',
    ],
    ['empty update', (p) => p.update(refFor('AXB'), {})(), 'InvalidArgument'],
    ['record update', (p) => p.update(refFor('AXB'), { record: true })(), 'Unsupported'],
    [
      'AXG expiry update',
      (p) => p.update(refFor('AXG'), { a: '13800138000', expiresAt: hours(2) })(),
      'Unsupported',
    ],
    ['AXB groupId update', (p) => p.update(refFor('AXB'), { groupId: 'G1' })(), 'Unsupported'],
    ['empty group', (p) => p.createGroup({ name: 'g', numbers: [] })(), 'InvalidArgument'],
    ['bad group change', (p) => p.updateGroup('G1', { replace: ['1'] })(), 'InvalidArgument'],
    ['empty group id', (p) => p.deleteGroup('')(), 'InvalidArgument'],
    ['empty find', (p) => p.findBindings!({})(), 'InvalidArgument'],
    ['bindBatch of a non-array', (p) => p.bindBatch('x' as never)(), 'InvalidArgument'],
  ])('%s → %s, zero requests', async (_name, run, tag) => {
    const { transport, sent } = fake(() => bindOk())
    const p = createVolcengineProvider(options(transport))
    const r = (await run(p)) as E.Either<PrivacyNumberError, unknown>
    expect(E.isLeft(r) && r.left._tag).toBe(tag)
    expect(E.isLeft(r) && r.left.outcome).toBe('not-applied')
    expect(sent).toHaveLength(0)
  })
})

// ---------------------------------------------------------------------------------------------
// other operations
// ---------------------------------------------------------------------------------------------

describe('recordingUrl', () => {
  it('asks QueryAudioRecordFileUrl by GET with CallId in the signed query', async () => {
    const { transport, sent } = fake(() => ({
      result: { AudioRecordFileUrl: 'https://rec.example/c1.mp3' },
    }))
    const p = createVolcengineProvider(options(transport))
    expect(right(await p.recordingUrl!({ callId: 'c1' })())).toBe('https://rec.example/c1.mp3')
    expect(sent[0]!.action).toBe('QueryAudioRecordFileUrl')
    expect(sent[0]!.req.method).toBe('GET')
    expect(new URL(sent[0]!.req.url).searchParams.get('CallId')).toBe('c1')
    expect(sent[0]!.req.headers.Authorization).toMatch(/^HMAC-SHA256 Credential=AKLTtest\//)
  })

  it('falls back to the left track, and answers BindingNotFound when there is no file', async () => {
    const left1 = fake(() => ({ result: { AudioRecordLeftFileUrl: 'https://rec.example/l.wav' } }))
    const p1 = createVolcengineProvider(options(left1.transport))
    expect(right(await p1.recordingUrl!({ callId: 'c2' })())).toBe('https://rec.example/l.wav')
    const none = fake(() => ({ result: {} }))
    const p2 = createVolcengineProvider(options(none.transport))
    expect(left(await p2.recordingUrl!({ callId: 'c3' })())._tag).toBe('BindingNotFound')
  })

  it('refuses an empty callId without sending anything', async () => {
    const { transport, sent } = fake(() => ({ result: {} }))
    const p = createVolcengineProvider(options(transport))
    expect(left(await p.recordingUrl!({ callId: ' ' })())).toMatchObject({
      _tag: 'InvalidArgument',
      field: 'callId',
    })
    expect(sent).toHaveLength(0)
  })
})

describe('unbind', () => {
  it.each([
    ['AXB', 'UnbindAXB'],
    ['AXN', 'UnbindAXN'],
    ['AXG', 'UnbindAXG'],
  ] as const)('unbinds %s with %s', async (kind, action) => {
    const { transport, sent } = fake(() => ({ result: kind === 'AXG' ? { Success: true } : true }))
    const p = createVolcengineProvider(options(transport))
    right(await p.unbind(refFor(kind))())
    expect(sent[0]!.action).toBe(action)
    expect(sent[0]!.params).toEqual({ NumberPoolNo: 'NP1', SubId: 'S9' })
  })

  it('counts SubscriptionEmpty as done', async () => {
    const { transport } = fake(() => ({ error: 'SubscriptionEmpty' }))
    const p = createVolcengineProvider(options(transport))
    expect(await p.unbind(refFor('AXB'))()).toEqual(E.right(undefined))
  })

  it("serves a ref of another pool in the ref's pool", async () => {
    const { transport, sent } = fake(() => ({ result: true }))
    const p = createVolcengineProvider(options(transport))
    right(await p.unbind(refFor('AXB', 'NP-OTHER'))())
    expect(sent[0]!.params['NumberPoolNo']).toBe('NP-OTHER')
  })

  it('reports Success false as an unknown outcome', async () => {
    const { transport } = fake(() => ({ result: { Success: false } }))
    const p = createVolcengineProvider(options(transport))
    expect(left(await p.unbind(refFor('AXG'))())).toMatchObject({ outcome: 'unknown' })
  })
})

describe('update', () => {
  it('sends one call per field, in order, with the right UpdateType', async () => {
    const { transport, sent } = fake(() => ({ result: true }))
    const p = createVolcengineProvider(options(transport))
    right(
      await p.update(refFor('AXB'), {
        outId: 'o1',
        b: '13900139000',
        a: '13800138000',
        expiresAt: new Date('2026-01-02T00:00:00Z'),
      })(),
    )
    expect(sent.map((s) => [s.action, s.params['UpdateType']])).toEqual([
      ['UpdateAXB', 'updateExpireTime'],
      ['UpdateAXB', 'updatePhoneNoA'],
      ['UpdateAXB', 'updatePhoneNoB'],
      ['UpdateAXB', 'updateOutId'],
    ])
    expect(sent[0]!.params).toEqual({
      NumberPoolNo: 'NP1',
      SubId: 'S9',
      UpdateType: 'updateExpireTime',
      ExpireTime: 1767312000,
    })
    expect(sent[3]!.params).toMatchObject({ OutId: 'o1' })
  })

  it('says which fields were applied when a later one fails', async () => {
    const { transport, sent } = fake((s) =>
      s.params['UpdateType'] === 'updatePhoneNoB'
        ? { error: 'PhoneNoBRiskFrozen' }
        : { result: true },
    )
    const p = createVolcengineProvider(options(transport))
    const e = left(
      await p.update(refFor('AXN'), { a: '13800138000', b: '13900139000', outId: 'z' })(),
    )
    expect(e).toMatchObject({ _tag: 'RiskControlled', applied: ['a'] })
    expect(sent).toHaveLength(2)
  })

  it('updates the group of an AXG binding with updateGroupId', async () => {
    const { transport, sent } = fake(() => ({ result: { Success: true } }))
    const p = createVolcengineProvider(options(transport))
    right(await p.update(refFor('AXG'), { groupId: 'G2' })())
    expect(sent[0]!.params).toMatchObject({ UpdateType: 'updateGroupId', GroupId: 'G2' })
    expect(sent[0]!.action).toBe('UpdateAXG')
  })
})

describe('query', () => {
  const sub = {
    SubId: 'S9',
    PhoneNoA: '13800138000',
    PhoneNoB: '13900139000',
    PhoneNoX: '17000000009',
    Status: 1,
    RecordFlag: 0,
    EnableTime: 1767225600,
    ExpireTime: 1767232800,
    UserData: '',
    OutId: 'o9',
  }

  it('maps QuerySubscription to a Binding with expiresAt from ExpireTime', async () => {
    const { transport, sent } = fake(() => ({ result: sub }))
    const p = createVolcengineProvider(options(transport))
    const b = right(await p.query(refFor('AXN'))())
    expect(sent[0]!.action).toBe('QuerySubscription')
    expect(b).toEqual({
      ref: refFor('AXN'),
      vendor: 'volcengine',
      kind: 'AXN',
      subscriptionId: 'S9',
      x: '17000000009',
      a: '13800138000',
      b: '13900139000',
      expiresAt: new Date(1767232800 * 1000),
      outId: 'o9',
    })
  })

  it('answers BindingNotFound for Status 0 (unbound)', async () => {
    const { transport } = fake(() => ({ result: { ...sub, Status: 0 } }))
    const p = createVolcengineProvider(options(transport))
    expect(left(await p.query(refFor('AXB'))())._tag).toBe('BindingNotFound')
  })

  it('answers BindingNotFound for SubscriptionEmpty', async () => {
    const { transport } = fake(() => ({ error: 'SubscriptionEmpty' }))
    const p = createVolcengineProvider(options(transport))
    expect(left(await p.query(refFor('AXB'))())._tag).toBe('BindingNotFound')
  })
})

describe('groups', () => {
  it('creates a group with CreateAXGGroup', async () => {
    const { transport, sent } = fake(() => ({ result: { GroupId: 'G1' } }))
    const p = createVolcengineProvider(options(transport))
    expect(
      right(await p.createGroup({ name: 'n', numbers: ['139-0013-9000'], expiresAt: hours(5) })()),
    ).toEqual({ groupId: 'G1' })
    expect(sent[0]!.action).toBe('CreateAXGGroup')
    expect(sent[0]!.params).toEqual({
      NumberPoolNo: 'NP1',
      GroupName: 'n',
      Numbers: ['13900139000'],
      ExpireTime: 1767243600,
    })
  })

  it('changes a group with one UpdateAXGGroup per step and reports applied steps', async () => {
    const { transport, sent } = fake((s) =>
      s.params['UpdateType'] === 'updateGroupInfo'
        ? { error: 'SystemError' }
        : { result: { Success: true } },
    )
    const p = createVolcengineProvider(options(transport))
    const e = left(
      await p.updateGroup('G1', {
        add: ['13800138000'],
        remove: ['13900139000'],
        name: 'renamed',
      })(),
    )
    expect(sent.map((s) => s.params['UpdateType'])).toEqual([
      'deleteNumbers',
      'addNumbers',
      'updateGroupInfo',
    ])
    expect(e).toMatchObject({ _tag: 'VendorUnavailable', applied: ['remove', 'add'] })
  })

  it('replaces members with overwriteNumbers and deletes with DeleteAXGGroup', async () => {
    const { transport, sent } = fake(() => ({ result: { Success: true } }))
    const p = createVolcengineProvider(options(transport))
    right(await p.updateGroup('G1', { replace: ['13800138000'] })())
    right(await p.deleteGroup('G1')())
    expect(sent.map((s) => [s.action, s.params['UpdateType']])).toEqual([
      ['UpdateAXGGroup', 'overwriteNumbers'],
      ['DeleteAXGGroup', undefined],
    ])
  })
})

describe('findBindings', () => {
  const record = (i: number, extra: Record<string, unknown> = {}) => ({
    SubId: `S${i}`,
    PhoneNoA: '13800138000',
    PhoneNoB: '13900139000',
    PhoneNoX: `1700000${String(i).padStart(4, '0')}`,
    Status: 1,
    EnableTime: '1767225600',
    ExpireTime: '1767232800',
    OutId: 'o',
    ...extra,
  })

  it('pages through QuerySubscriptionForList until Total', async () => {
    const { transport, sent } = fake((s) => {
      const offset = Number(s.params['Offset'])
      const limit = Number(s.params['Limit'])
      const all = Array.from({ length: 150 }, (_, i) => record(i))
      return {
        result: {
          Records: all.slice(offset, offset + limit),
          Total: 150,
          Offset: offset,
          Limit: limit,
        },
      }
    })
    const p = createVolcengineProvider(options(transport))
    const found = right(await p.findBindings!({ a: '13800138000', outId: 'o' })())
    expect(found).toHaveLength(150)
    expect(sent).toHaveLength(2)
    expect(sent[0]!.params).toMatchObject({
      NumberPoolNo: 'NP1',
      PhoneNoA: '13800138000',
      OutId: 'o',
      Status: 1,
      Offset: 0,
    })
    expect(found[0]!.expiresAt).toEqual(new Date(1767232800 * 1000))
  })

  it('infers AXG from GroupId and remembers the kind of its own binds', async () => {
    const { transport } = fake((s) =>
      s.action === 'QuerySubscriptionForList'
        ? {
            result: {
              Records: [record(1, { GroupId: 'G1' }), record(2, { OutId: 'mine' }), record(3)],
              Total: 3,
            },
          }
        : { status: 0, headers: {}, body: '' },
    )
    const p = createVolcengineProvider(options(transport))
    // A bind whose answer was lost: the outId still tells the kind of what was sent.
    await p.bind({ kind: 'AXN', a: '13800138000', outId: 'mine', expiresAt: hours(1) })()
    const found = right(await p.findBindings!({ a: '13800138000' })())
    expect(found.map((b) => b.kind)).toEqual(['AXG', 'AXN', 'AXB'])
  })
})

describe('bindBatch', () => {
  it('keeps input order, isolates failures and bounds concurrency', async () => {
    let inFlight = 0
    let peak = 0
    const transport: HttpTransport = (req) => async () => {
      inFlight++
      peak = Math.max(peak, inFlight)
      await new Promise((r) => setImmediate(r))
      inFlight--
      const a = (JSON.parse(req.body ?? '{}') as { PhoneNoA: string }).PhoneNoA
      const body =
        a === '13800000003'
          ? envelope('SelectNumberAndBindAXB', undefined, { Code: 'NumberNotEnough', Message: 'm' })
          : envelope('SelectNumberAndBindAXB', { SubId: `S-${a}`, PhoneNoX: '17000000000' })
      return E.right({ status: 200, headers: {}, body })
    }
    const p = createVolcengineProvider(options(transport, { batchConcurrency: 3 }))
    const reqs: BindRequest[] = Array.from({ length: 10 }, (_, i) => ({
      kind: 'AXB',
      a: `1380000000${i}`,
      expiresAt: hours(1),
    }))
    reqs[5] = { ...reqs[5]!, a: 'bad' }
    const results = right(await p.bindBatch(reqs)())
    expect(results).toHaveLength(10)
    results.forEach((r, i) => {
      if (i === 3) expect(E.isLeft(r) && r.left._tag).toBe('NoAvailableNumber')
      else if (i === 5) expect(E.isLeft(r) && r.left._tag).toBe('InvalidArgument')
      else expect(E.isRight(r) && r.right.subscriptionId).toBe(`S-1380000000${i}`)
    })
    expect(peak).toBeLessThanOrEqual(3)
    expect(peak).toBeGreaterThan(1)
  })
})

describe('transport failures', () => {
  it('passes a transport Timeout on with the vendor, outcome unknown', async () => {
    const transport: HttpTransport = () =>
      TE.left({
        _tag: 'Timeout',
        message: 'no answer within 5 ms',
        timeoutMs: 5,
        retryable: true,
        outcome: 'unknown',
      })
    const p = createVolcengineProvider(options(transport))
    const e = left(await p.bind({ kind: 'AXB', a: '13800138000', expiresAt: hours(1) })())
    expect(e).toMatchObject({ _tag: 'Timeout', vendor: 'volcengine', outcome: 'unknown' })
  })
})

describe('construction', () => {
  it('throws a TypeError for missing credentials or pool', () => {
    const { transport } = fake(() => bindOk())
    expect(() => createVolcengineProvider({ ...options(transport), accessKeyId: '' })).toThrow(
      TypeError,
    )
    expect(() =>
      createVolcengineProvider({ ...options(transport), secretAccessKey: undefined as never }),
    ).toThrow(TypeError)
    expect(() => createVolcengineProvider({ ...options(transport), numberPoolNo: ' ' })).toThrow(
      TypeError,
    )
    expect(() =>
      createVolcengineProvider({ ...options(transport), endpoint: 'ftp://x.example' }),
    ).toThrow(TypeError)
  })

  it('defaults to the HTTPS vendor endpoint and allows an explicit http:// one', async () => {
    const { transport, sent } = fake(() => bindOk())
    const { endpoint: _e, ...noEndpoint } = options(transport)
    const p = createVolcengineProvider(noEndpoint)
    right(await p.bind({ kind: 'AXB', a: '13800138000', expiresAt: hours(1) })())
    expect(sent[0]!.req.url.startsWith('https://cloud-vms.volcengineapi.com/?')).toBe(true)
    const q = createVolcengineProvider(options(transport, { endpoint: 'http://127.0.0.1:9' }))
    right(await q.bind({ kind: 'AXB', a: '13800138000', expiresAt: hours(1) })())
    expect(sent[1]!.req.url.startsWith('http://127.0.0.1:9/?')).toBe(true)
  })

  it('never shows the secret in JSON.stringify or util.inspect of the provider or its errors', async () => {
    const { transport } = fake(() => ({ error: 'SignatureDoesNotMatch' }))
    const p = createVolcengineProvider(options(transport))
    const e = left(await p.bind({ kind: 'AXB', a: '13800138000', expiresAt: hours(1) })())
    for (const text of [
      JSON.stringify(p),
      inspect(p, { depth: 10, showHidden: true }),
      JSON.stringify(e),
      inspect(e, { depth: 10, showHidden: true }),
    ])
      expect(text).not.toContain(CANARY)
  })
})
