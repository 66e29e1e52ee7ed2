import type { Emulator, EmulatorOptions } from '../emulator'
import { startEmulator } from '../emulator'
import type { Answer } from '../test-helpers/clients'
import { volcCall, volcExpiry } from '../test-helpers/clients'

const open: Emulator[] = []
const start = async (options: EmulatorOptions = {}): Promise<Emulator> => {
  const emu = await startEmulator(options)
  open.push(emu)
  return emu
}
afterAll(() => Promise.all(open.map((e) => e.close())))

const code = (res: Answer): string | undefined => res.json.ResponseMetadata.Error?.Code

/** A small pool: 2 X numbers in 010, 1 in 0531, 1 in 021. */
const small = (extra: EmulatorOptions = {}) =>
  start({
    pools: {
      volcengine: {
        '010': ['17000000001', '17000000002'],
        '0531': ['17000000531'],
        '021': ['17000000021'],
      },
    },
    ...extra,
  })

const call = (emu: Emulator, action: string, params: Record<string, unknown>) =>
  volcCall(emu, action, { NumberPoolNo: emu.volcengine.numberPoolNo, ...params })

const axb = (
  emu: Emulator,
  a: string,
  b: string | undefined,
  x: string,
  more: Record<string, unknown> = {},
) =>
  call(emu, 'BindAXB', {
    PhoneNoA: a,
    ...(b ? { PhoneNoB: b } : {}),
    PhoneNoX: x,
    ExpireTime: volcExpiry(emu),
    ...more,
  })

describe('Volcengine binding rules', () => {
  it('binds AX (AXB without B) and reports no B', async () => {
    const emu = await small()
    const res = await axb(emu, '13800000001', undefined, '17000000001')
    expect(res.json.Result.PhoneNoB).toBeUndefined()
    expect(emu.state.bindings('volcengine')[0]).toMatchObject({
      kind: 'AXB',
      a: '13800000001',
      x: '17000000001',
    })
    expect(emu.state.bindings('volcengine')[0]?.b).toBeUndefined()
  })

  it('refuses a party already bound on the same X with ConflictWithExisting (reuse rule)', async () => {
    const emu = await small()
    expect(code(await axb(emu, '13800000001', '13900000001', '17000000001'))).toBeUndefined()
    expect(code(await axb(emu, '13800000001', '13900000002', '17000000001'))).toBe(
      'ConflictWithExisting',
    )
    expect(code(await axb(emu, '13800000003', '13900000001', '17000000001'))).toBe(
      'ConflictWithExisting',
    )
    expect(code(await axb(emu, '13800000001', '13900000002', '17000000002'))).toBeUndefined()
  })

  it('frees the party again once the binding is unbound', async () => {
    const emu = await small()
    const first = await axb(emu, '13800000001', '13900000001', '17000000001')
    await call(emu, 'UnbindAXB', { SubId: first.json.Result.SubId })
    expect(code(await axb(emu, '13800000001', '13900000009', '17000000001'))).toBeUndefined()
  })

  it('answers PhoneNoXOccupied when an X reaches its pair capacity', async () => {
    const emu = await small({ pairCapacity: 2 })
    await axb(emu, '13800000001', '13900000001', '17000000001')
    await axb(emu, '13800000002', '13900000002', '17000000001')
    expect(code(await axb(emu, '13800000003', '13900000003', '17000000001'))).toBe(
      'PhoneNoXOccupied',
    )
  })

  it('answers PhoneNoXOccupied for an X outside the pool and IllegalPhoneNoX for a malformed X', async () => {
    const emu = await small()
    expect(code(await axb(emu, '13800000001', '13900000001', '17099999999'))).toBe(
      'PhoneNoXOccupied',
    )
    expect(code(await axb(emu, '13800000001', '13900000001', '170-0000'))).toBe('IllegalPhoneNoX')
  })

  it('validates phone formats with IllegalArgument', async () => {
    const emu = await small()
    expect(code(await axb(emu, '1380000000', '13900000001', '17000000001'))).toBe('IllegalArgument')
    expect(code(await axb(emu, '13800000001', '139-0000-0001', '17000000001'))).toBe(
      'IllegalArgument',
    )
    expect(code(await axb(emu, '02131075869', '13900000001', '17000000001'))).toBeUndefined()
  })

  it('requires ExpireTime more than 60 s ahead and before 2038', async () => {
    const emu = await small()
    const base = { PhoneNoA: '13800000001', PhoneNoB: '13900000001', PhoneNoX: '17000000001' }
    expect(code(await call(emu, 'BindAXB', { ...base, ExpireTime: volcExpiry(emu, 30) }))).toBe(
      'IllegalArgument',
    )
    expect(code(await call(emu, 'BindAXB', { ...base, ExpireTime: 2145916800 }))).toBe(
      'IllegalArgument',
    )
    expect(code(await call(emu, 'BindAXB', base))).toBe('IllegalArgument')
    expect(
      code(await call(emu, 'BindAXB', { ...base, ExpireTime: volcExpiry(emu, 120) })),
    ).toBeUndefined()
  })

  it('limits UserData to 2048 characters', async () => {
    const emu = await small()
    const tooLong = await axb(emu, '13800000001', '13900000001', '17000000001', {
      UserData: 'x'.repeat(2049),
    })
    expect(code(tooLong)).toBe('IllegalArgument')
    const fits = await axb(emu, '13800000001', '13900000001', '17000000001', {
      UserData: 'x'.repeat(2048),
    })
    expect(code(fits)).toBeUndefined()
  })

  it('records by default when AudioRecordFlag is absent, as the vendor does', async () => {
    const emu = await small()
    const on = await axb(emu, '13800000001', '13900000001', '17000000001')
    const off = await axb(emu, '13800000002', '13900000002', '17000000001', { AudioRecordFlag: 0 })
    const q = async (subId: string) =>
      (await call(emu, 'QuerySubscription', { SubId: subId })).json.Result.RecordFlag
    expect(await q(on.json.Result.SubId)).toBe(1)
    expect(await q(off.json.Result.SubId)).toBe(0)
  })

  it('drops a binding once the injectable clock passes its expiry', async () => {
    const emu = await small()
    const res = await axb(emu, '13800000001', '13900000001', '17000000001', {
      ExpireTime: volcExpiry(emu, 120),
    })
    expect(emu.state.liveCount('volcengine')).toBe(1)
    emu.clock.advance(121_000)
    expect(emu.state.liveCount('volcengine')).toBe(0)
    const q = await call(emu, 'QuerySubscription', { SubId: res.json.Result.SubId })
    expect(q.json.Result.Status).toBe(0)
    const unbind = await call(emu, 'UnbindAXB', { SubId: res.json.Result.SubId })
    expect(code(unbind)).toBe('SubscriptionEmpty')
  })
})

describe('Volcengine X selection', () => {
  it('selects by CityCode, then the DegradeCityList, else NumberNotEnough', async () => {
    const emu = await small()
    const sel = (a: string, more: Record<string, unknown>) =>
      call(emu, 'SelectNumberAndBindAXN', {
        PhoneNoA: a,
        PhoneNoB: '13900000001',
        ExpireTime: volcExpiry(emu),
        ...more,
      })
    expect((await sel('13800000001', { CityCode: '021' })).json.Result.PhoneNoX).toBe('17000000021')
    // 021's only X is now held by an AXN: the degrade list moves on to 0531.
    const degraded = await sel('13800000002', {
      CityCode: '021',
      DegradeCityList: ['0571', '0531'],
    })
    expect(degraded.json.Result.PhoneNoXCityCode).toBe('0531')
    expect(code(await sel('13800000003', { CityCode: '021' }))).toBe('NumberNotEnough')
  })

  it('falls back to the provincial capital with PNPC', async () => {
    const emu = await small()
    const res = await call(emu, 'SelectNumberAndBindAXB', {
      PhoneNoA: '13800000001',
      CityCode: '0532',
      DegradeCityList: ['PNPC'],
      ExpireTime: volcExpiry(emu),
    })
    expect(res.json.Result.PhoneNoXCityCode).toBe('0531')
  })

  it('selects by the city of A by default, or of B with CityCodeByPhoneNo=B', async () => {
    const emu = await small()
    const byA = await call(emu, 'SelectNumberAndBindAXB', {
      PhoneNoA: '053188886666',
      PhoneNoB: '02188886666',
      ExpireTime: volcExpiry(emu),
    })
    expect(byA.json.Result.PhoneNoXCityCode).toBe('0531')
    const byB = await call(emu, 'SelectNumberAndBindAXB', {
      PhoneNoA: '053188886667',
      PhoneNoB: '02188886667',
      CityCodeByPhoneNo: 'B',
      ExpireTime: volcExpiry(emu),
    })
    expect(byB.json.Result.PhoneNoXCityCode).toBe('021')
  })

  it('refuses more than 5 degrade cities', async () => {
    const emu = await small()
    const res = await call(emu, 'SelectNumberAndBindAXB', {
      PhoneNoA: '13800000001',
      DegradeCityList: ['010', '021', '020', '0755', '0571', '0531'],
      ExpireTime: volcExpiry(emu),
    })
    expect(code(res)).toBe('IllegalArgument')
  })

  it('gives an AXN its X exclusively', async () => {
    const emu = await small()
    await call(emu, 'BindAXN', {
      PhoneNoA: '13800000001',
      PhoneNoX: '17000000021',
      ExpireTime: volcExpiry(emu),
    })
    expect(code(await axb(emu, '13800000002', '13900000002', '17000000021'))).toBe(
      'PhoneNoXOccupied',
    )
  })
})

describe('Volcengine actions', () => {
  it('binds AXN without B using a placeholder B', async () => {
    const emu = await small()
    const res = await call(emu, 'BindAXN', {
      PhoneNoA: '13800000001',
      PhoneNoX: '17000000001',
      ExpireTime: volcExpiry(emu),
    })
    expect(res.json.Result.PhoneNoB).toBe('10000000000')
    expect(emu.state.bindings('volcengine')[0]?.b).toBeUndefined()
  })

  it('binds AXG with a group created inline, and with an existing GroupId', async () => {
    const emu = await small()
    const inline = await call(emu, 'BindAXG', {
      PhoneNoA: '13800000001',
      PhoneNoX: '17000000001',
      GroupName: 'team',
      GroupNumbers: ['13700000001', '13700000002'],
      ExpireTime: volcExpiry(emu),
    })
    expect(inline.json.Result.GroupId).toMatch(/^G\d+$/)
    expect(emu.state.groups('volcengine')[0]?.numbers).toEqual(['13700000001', '13700000002'])
    const created = await call(emu, 'CreateAXGGroup', { GroupName: 'g2', Numbers: ['13700000003'] })
    const byId = await call(emu, 'BindAXG', {
      PhoneNoA: '13800000002',
      GroupId: created.json.Result.GroupId,
      ExpireTime: volcExpiry(emu),
    })
    expect(byId.json.Result.GroupId).toBe(created.json.Result.GroupId)
    expect(
      code(
        await call(emu, 'BindAXG', {
          PhoneNoA: '13800000003',
          GroupId: 'G0',
          ExpireTime: volcExpiry(emu),
        }),
      ),
    ).toBe('IllegalArgument')
  })

  it('limits a G group to 200 numbers on create and on addNumbers', async () => {
    const emu = await small()
    const numbers = (n: number, from = 0) =>
      Array.from({ length: n }, (_, i) => `137${String(from + i).padStart(8, '0')}`)
    expect(
      code(await call(emu, 'CreateAXGGroup', { GroupName: 'big', Numbers: numbers(201) })),
    ).toBe('IllegalArgument')
    const g = await call(emu, 'CreateAXGGroup', { GroupName: 'full', Numbers: numbers(200) })
    const id = g.json.Result.GroupId
    expect(
      code(
        await call(emu, 'UpdateAXGGroup', {
          GroupId: id,
          UpdateType: 'addNumbers',
          Numbers: numbers(1, 500),
        }),
      ),
    ).toBe('IllegalArgument')
    const fifo = await call(emu, 'UpdateAXGGroup', {
      GroupId: id,
      UpdateType: 'addNumbers',
      Numbers: numbers(1, 500),
      OverflowStrategy: 'fifo',
    })
    expect(fifo.json.Result).toEqual({ Success: true })
    expect(emu.state.groups('volcengine')[0]?.numbers).toHaveLength(200)
    expect(emu.state.groups('volcengine')[0]?.numbers).toContain(numbers(1, 500)[0])
  })

  it('updates, overwrites and deletes G groups with Result {Success:true}', async () => {
    const emu = await small()
    const id = (await call(emu, 'CreateAXGGroup', { GroupName: 'g', Numbers: ['13700000001'] }))
      .json.Result.GroupId
    await call(emu, 'UpdateAXGGroup', {
      GroupId: id,
      UpdateType: 'overwriteNumbers',
      Numbers: ['13700000009'],
    })
    await call(emu, 'UpdateAXGGroup', {
      GroupId: id,
      UpdateType: 'updateGroupInfo',
      GroupName: 'renamed',
    })
    expect(emu.state.groups('volcengine')[0]).toMatchObject({
      name: 'renamed',
      numbers: ['13700000009'],
    })
    expect((await call(emu, 'DeleteAXGGroup', { GroupId: id })).json.Result).toEqual({
      Success: true,
    })
    expect(emu.state.groups('volcengine')).toHaveLength(0)
  })

  it('returns Result true for legacy unbinds and {Success:true} for V2 and AXG', async () => {
    const emu = await small()
    const a = await axb(emu, '13800000001', '13900000001', '17000000001')
    const b = await axb(emu, '13800000002', '13900000002', '17000000001')
    expect((await call(emu, 'UnbindAXB', { SubId: a.json.Result.SubId })).json.Result).toBe(true)
    expect((await call(emu, 'UnbindAXBV2', { SubId: b.json.Result.SubId })).json.Result).toEqual({
      Success: true,
    })
    const g = await call(emu, 'BindAXG', {
      PhoneNoA: '13800000003',
      GroupName: 'g',
      GroupNumbers: ['13700000001'],
      ExpireTime: volcExpiry(emu),
    })
    const unbound = await call(emu, 'UnbindAXG', { SubId: g.json.Result.SubId, DelGroup: true })
    expect(unbound.json.Result).toEqual({ Success: true })
    expect(emu.state.groups('volcengine')).toHaveLength(0)
    expect(emu.state.liveCount('volcengine')).toBe(0)
  })

  it('answers SubscriptionEmpty for an unknown SubId or one of another kind', async () => {
    const emu = await small()
    const a = await axb(emu, '13800000001', '13900000001', '17000000001')
    expect(code(await call(emu, 'UnbindAXN', { SubId: a.json.Result.SubId }))).toBe(
      'SubscriptionEmpty',
    )
    expect(code(await call(emu, 'QuerySubscription', { SubId: 'S000' }))).toBe('SubscriptionEmpty')
  })

  it('applies each UpdateAXB UpdateType', async () => {
    const emu = await small()
    const subId = (await axb(emu, '13800000001', '13900000001', '17000000001')).json.Result.SubId
    const up = (UpdateType: string, more: Record<string, unknown>) =>
      call(emu, 'UpdateAXB', { SubId: subId, UpdateType, ...more })
    const newExpiry = volcExpiry(emu, 7200)
    expect((await up('updateExpireTime', { ExpireTime: newExpiry })).json.Result).toBe(true)
    await up('updateUserData', { UserData: 'u' })
    await up('updateOutId', { OutId: 'o' })
    await up('updatePhoneNoA', { PhoneNoA: '13800000009' })
    await up('updatePhoneNoB', { PhoneNoB: '13900000009' })
    const q = (await call(emu, 'QuerySubscription', { SubId: subId })).json.Result
    expect(q).toMatchObject({
      PhoneNoA: '13800000009',
      PhoneNoB: '13900000009',
      UserData: 'u',
      OutId: 'o',
      ExpireTime: newExpiry,
      Status: 1,
      CallDisplayType: 1,
    })
    expect(typeof q.EnableTime).toBe('number')
    expect(code(await up('updateNothing', {}))).toBe('IllegalArgument')
  })

  it('refuses to give an AX binding a B through UpdateAXB, but upgrades it with UpgradeAXToAXB', async () => {
    const emu = await small()
    const subId = (await axb(emu, '13800000001', undefined, '17000000001')).json.Result.SubId
    const refused = await call(emu, 'UpdateAXB', {
      SubId: subId,
      UpdateType: 'updatePhoneNoB',
      PhoneNoB: '13900000001',
    })
    expect(code(refused)).toBe('CanNotUpdate')
    const upgraded = await call(emu, 'UpgradeAXToAXB', { SubId: subId, PhoneNoB: '13900000001' })
    expect(upgraded.json.Result.PhoneNoB).toBe('13900000001')
  })

  it('updates AXG with {Success:true} and AXN with true', async () => {
    const emu = await small()
    const g = await call(emu, 'BindAXG', {
      PhoneNoA: '13800000001',
      GroupName: 'g',
      GroupNumbers: ['13700000001'],
      ExpireTime: volcExpiry(emu),
    })
    const other = (await call(emu, 'CreateAXGGroup', { GroupName: 'h', Numbers: ['13700000002'] }))
      .json.Result.GroupId
    const r = await call(emu, 'UpdateAXG', {
      SubId: g.json.Result.SubId,
      UpdateType: 'updateGroupId',
      GroupId: other,
    })
    expect(r.json.Result).toEqual({ Success: true })
    expect(emu.state.bindings('volcengine')[0]?.groupId).toBe(other)
    const n = await call(emu, 'BindAXN', {
      PhoneNoA: '13800000002',
      PhoneNoX: '17000000021',
      ExpireTime: volcExpiry(emu),
    })
    const rn = await call(emu, 'UpdateAXN', {
      SubId: n.json.Result.SubId,
      UpdateType: 'updatePhoneNoB',
      PhoneNoB: '13900000002',
    })
    expect(rn.json.Result).toBe(true)
  })

  it('lists subscriptions with AND-ed filters, paging and string times', async () => {
    const emu = await small()
    await axb(emu, '13800000001', '13900000001', '17000000001', { OutId: 'order' })
    await axb(emu, '13800000001', '13900000002', '17000000002', { OutId: 'order' })
    await axb(emu, '13800000003', '13900000003', '17000000001', { OutId: 'other' })
    expect(code(await call(emu, 'QuerySubscriptionForList', {}))).toBe('IllegalArgument')
    const all = await call(emu, 'QuerySubscriptionForList', { PhoneNoA: '13800000001' })
    expect(all.json.Result).toMatchObject({ Offset: 0, Limit: 20, Total: 2 })
    const page = await call(emu, 'QuerySubscriptionForList', {
      PhoneNoA: '13800000001',
      OutId: 'order',
      Limit: 1,
      Offset: 1,
    })
    expect(page.json.Result.Total).toBe(2)
    expect(page.json.Result.Records).toHaveLength(1)
    expect(typeof page.json.Result.Records[0].ExpireTime).toBe('string')
    const unbound = await call(emu, 'QuerySubscriptionForList', {
      PhoneNoA: '13800000001',
      Status: 0,
    })
    expect(unbound.json.Result.Total).toBe(0)
    await call(emu, 'UnbindAXB', { SubId: page.json.Result.Records[0].SubId })
    const after = await call(emu, 'QuerySubscriptionForList', {
      PhoneNoA: '13800000001',
      Status: 0,
    })
    expect(after.json.Result.Total).toBe(1)
    expect(after.json.Result.Records[0].Status).toBe(0)
  })

  it('answers a repeated IdempotentId with the binding it already made', async () => {
    const emu = await small()
    const once = {
      PhoneNoA: '13800000001',
      PhoneNoB: '13900000001',
      IdempotentId: 'req-1',
      ExpireTime: volcExpiry(emu),
    }
    const first = await call(emu, 'SelectNumberAndBindAXB', once)
    const again = await call(emu, 'SelectNumberAndBindAXB', once)
    expect(again.json.Result.SubId).toBe(first.json.Result.SubId)
    expect(emu.state.liveCount('volcengine')).toBe(1)
  })

  it('lets an AX and an AXB share A on one X unless AxConflictAxbFlag=1', async () => {
    const emu = await small()
    expect(code(await axb(emu, '13800000001', undefined, '17000000001'))).toBeUndefined()
    expect(code(await axb(emu, '13800000001', '13900000001', '17000000001'))).toBeUndefined()
    expect(code(await axb(emu, '13800000001', undefined, '17000000001'))).toBe(
      'ConflictWithExisting',
    )
    const strict = await axb(emu, '13800000002', undefined, '17000000002')
    expect(code(strict)).toBeUndefined()
    const refused = await axb(emu, '13800000002', '13900000002', '17000000002', {
      AxConflictAxbFlag: 1,
    })
    expect(code(refused)).toBe('ConflictWithExisting')
  })

  it('reports a recently unbound binding with Status 0, an unknown one as SubscriptionEmpty', async () => {
    const emu = await small()
    const subId = (await axb(emu, '13800000001', '13900000001', '17000000001')).json.Result.SubId
    await call(emu, 'UnbindAXB', { SubId: subId })
    const q = await call(emu, 'QuerySubscription', { SubId: subId })
    expect(q.json.Result).toMatchObject({ SubId: subId, Status: 0 })
    expect(code(await call(emu, 'UnbindAXB', { SubId: subId }))).toBe('SubscriptionEmpty')
    expect(code(await call(emu, 'QuerySubscription', { SubId: 'S999' }))).toBe('SubscriptionEmpty')
  })
})
