import type { Emulator, EmulatorOptions } from '../emulator'
import { startEmulator } from '../emulator'
import { aliCall, aliExpiry } from '../test-helpers/clients'

const open: Emulator[] = []
const start = async (options: EmulatorOptions = {}): Promise<Emulator> => {
  const emu = await startEmulator(options)
  open.push(emu)
  return emu
}
afterAll(() => Promise.all(open.map((e) => e.close())))

const small = (extra: EmulatorOptions = {}) =>
  start({
    pools: {
      aliyun: {
        '010': ['17100000001', '17100000002'],
        '0531': ['17100000531'],
        '021': ['17100000021'],
      },
    },
    ...extra,
  })

const call = (emu: Emulator, action: string, params: Record<string, string>) =>
  aliCall(emu, action, { PoolKey: emu.aliyun.poolKey, ...params })

const axb = (emu: Emulator, a: string, b: string, more: Record<string, string> = {}) =>
  call(emu, 'BindAxb', { PhoneNoA: a, PhoneNoB: b, Expiration: aliExpiry(emu), ...more })

describe('Aliyun binding rules', () => {
  it('returns SecretBindDTO with a 16-digit SubsId string', async () => {
    const emu = await small()
    const res = await axb(emu, '13800000001', '13900000001')
    expect(res.json).toMatchObject({ Code: 'OK', Message: 'OK' })
    expect(res.json.SecretBindDTO).toEqual({
      SubsId: expect.stringMatching(/^\d{16}$/),
      SecretNo: '17100000001',
      Extension: '',
    })
    expect(res.text).toMatch(/"SubsId":"\d{16}"/)
  })

  it('reads Expiration as Beijing time, whatever the host zone', async () => {
    const emu = await start({ clock: { now: () => Date.UTC(2030, 0, 1, 0, 0, 0) } })
    // 08:30 Beijing is 00:30 UTC: 30 minutes after the emulator's now.
    await call(emu, 'BindAxb', {
      PhoneNoA: '13800000001',
      PhoneNoB: '13900000001',
      Expiration: '2030-01-01 08:30:00',
    })
    expect(emu.state.bindings('aliyun')[0]?.expiresAt.toISOString()).toBe(
      '2030-01-01T00:30:00.000Z',
    )
    // 08:00:30 Beijing is only 30 s ahead: refused.
    const soon = await call(emu, 'BindAxb', {
      PhoneNoA: '13800000002',
      PhoneNoB: '13900000002',
      Expiration: '2030-01-01 08:00:30',
    })
    expect(soon.json.Code).toBe('isv.EXPIRE_DATE_ILLEGAL')
  })

  it('answers isv.EXPIRE_DATE_ILLEGAL for a malformed Expiration', async () => {
    const emu = await small()
    for (const Expiration of ['2030-01-01T08:30:00Z', '2030-02-30 08:00:00', '1893456000']) {
      const res = await call(emu, 'BindAxb', {
        PhoneNoA: '13800000001',
        PhoneNoB: '13900000001',
        Expiration,
      })
      expect(res.json.Code).toBe('isv.EXPIRE_DATE_ILLEGAL')
    }
  })

  it('answers isv.MOBILE_NUMBER_ILLEGAL for a malformed phone', async () => {
    const emu = await small()
    expect((await axb(emu, '+8613800000001', '13900000001')).json.Code).toBe(
      'isv.MOBILE_NUMBER_ILLEGAL',
    )
  })

  it('answers isv.BIND_CONFLICT when a party is already on the explicit X', async () => {
    const emu = await small()
    await axb(emu, '13800000001', '13900000001', { PhoneNoX: '17100000001' })
    expect(
      (await axb(emu, '13800000001', '13900000002', { PhoneNoX: '17100000001' })).json.Code,
    ).toBe('isv.BIND_CONFLICT')
  })

  it('picks another X for a selected bind whose party already sits on the first', async () => {
    const emu = await small()
    const first = await axb(emu, '13800000001', '13900000001', { ExpectCity: '北京' })
    const second = await axb(emu, '13800000001', '13900000002', { ExpectCity: '北京' })
    expect(second.json.SecretBindDTO.SecretNo).not.toBe(first.json.SecretBindDTO.SecretNo)
  })

  it('answers isv.NO_AVAILABLE_NUMBER when the pool is exhausted', async () => {
    const emu = await start({ pools: { aliyun: { '010': ['17100000001'] } }, pairCapacity: 1 })
    expect((await axb(emu, '13800000001', '13900000001')).json.Code).toBe('OK')
    expect((await axb(emu, '13800000002', '13900000002')).json.Code).toBe('isv.NO_AVAILABLE_NUMBER')
  })

  it('selects by ExpectCity and falls back to any city unless the pool is strict', async () => {
    const loose = await small()
    expect(
      (await axb(loose, '13800000001', '13900000001', { ExpectCity: '济南' })).json.SecretBindDTO
        .SecretNo,
    ).toBe('17100000531')
    const fallback = await axb(loose, '13800000002', '13900000002', { ExpectCity: '成都' })
    expect(fallback.json.Code).toBe('OK')
    const strict = await small({ strictCity: true })
    expect(
      (await axb(strict, '13800000002', '13900000002', { ExpectCity: '成都' })).json.Code,
    ).toBe('isv.NO_AVAILABLE_NUMBER')
  })

  it('requires B for AXB but not for AXN', async () => {
    const emu = await small()
    const noB = await call(emu, 'BindAxb', { PhoneNoA: '13800000001', Expiration: aliExpiry(emu) })
    expect(noB.json.Code).toBe('isv.INVALID_PARAMETERS')
    const axn = await call(emu, 'BindAxn', { PhoneNoA: '13800000001', Expiration: aliExpiry(emu) })
    expect(axn.json.Code).toBe('OK')
  })

  it('defaults IsRecordingEnabled to false', async () => {
    const emu = await small()
    await axb(emu, '13800000001', '13900000001')
    await axb(emu, '13800000002', '13900000002', { IsRecordingEnabled: 'true' })
    expect(emu.state.bindings('aliyun').map((b) => b.record)).toEqual([false, true])
  })
})

describe('Aliyun actions', () => {
  it('creates an AXG group whose GroupId is a raw JSON number above 2^53', async () => {
    const emu = await small()
    const res = await call(emu, 'CreateAxgGroup', {
      Name: 'team',
      Numbers: '13700000001,13700000002',
    })
    expect(res.text).toMatch(/"GroupId":(\d{17,})[,}]/)
    const raw = /"GroupId":(\d+)/.exec(res.text)?.[1] ?? ''
    expect(BigInt(raw) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true)
    expect(emu.state.groups('aliyun')[0]?.id).toBe(raw)
  })

  it('binds AXG against a group and reports GroupId in QuerySubscriptionDetail as a raw number', async () => {
    const emu = await small()
    const created = await call(emu, 'CreateAxgGroup', { Numbers: '13700000001' })
    const groupId = /"GroupId":(\d+)/.exec(created.text)?.[1] ?? ''
    const bound = await call(emu, 'BindAxg', {
      PhoneNoA: '13800000001',
      GroupId: groupId,
      Expiration: aliExpiry(emu),
    })
    expect(bound.json.Code).toBe('OK')
    const detail = await call(emu, 'QuerySubscriptionDetail', {
      SubsId: bound.json.SecretBindDTO.SubsId,
      PhoneNoX: bound.json.SecretBindDTO.SecretNo,
    })
    expect(detail.text).toContain(`"GroupId":${groupId}`)
    expect(detail.json.SecretBindDetailDTO).toMatchObject({
      Status: 1,
      NeedRecord: false,
      ASRStatus: false,
      ASRModelId: '',
    })
    expect(detail.json.SecretBindDetailDTO.ExpireDate).toMatch(
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/,
    )
  })

  it('answers QuerySubscriptionDetail with GroupId 0 and Beijing times for an AXB', async () => {
    const emu = await start({ clock: { now: () => Date.UTC(2030, 0, 1, 0, 0, 0) } })
    const bound = await call(emu, 'BindAxb', {
      PhoneNoA: '13800000001',
      PhoneNoB: '13900000001',
      Expiration: '2030-01-02 08:00:00',
    })
    const detail = await call(emu, 'QuerySubscriptionDetail', {
      SubsId: bound.json.SecretBindDTO.SubsId,
      PhoneNoX: bound.json.SecretBindDTO.SecretNo,
    })
    expect(detail.json.SecretBindDetailDTO).toMatchObject({
      GroupId: 0,
      ExpireDate: '2030-01-02 08:00:00',
      GmtCreate: '2030-01-01 08:00:00',
      PhoneNoA: '13800000001',
      PhoneNoB: '13900000001',
    })
  })

  it('binds a batch in input order with per-item Code and Message', async () => {
    const emu = await small()
    const created = await call(emu, 'CreateAxgGroup', { Numbers: '13700000001' })
    const groupId = /"GroupId":(\d+)/.exec(created.text)?.[1] ?? ''
    const list = [
      { PhoneNoA: '13800000001', GroupId: groupId, Expiration: aliExpiry(emu) },
      { PhoneNoA: 'bad', GroupId: groupId, Expiration: aliExpiry(emu) },
      {
        PhoneNoA: '13800000003',
        GroupId: groupId,
        Expiration: aliExpiry(emu),
        IsRecordingEnabled: false,
      },
    ]
    const res = await call(emu, 'BindBatchAxg', { AxgBindList: JSON.stringify(list) })
    expect(res.json.Code).toBe('OK')
    const items = res.json.SecretBindList.SecretBind
    expect(items.map((i: { Code: string }) => i.Code)).toEqual([
      'OK',
      'isv.MOBILE_NUMBER_ILLEGAL',
      'OK',
    ])
    expect(items[0]).toMatchObject({ PhoneNoA: '13800000001', GroupId: groupId, Extension: '' })
    expect(items[0].SubsId).toMatch(/^\d{16}$/)
  })

  it('refuses a flattened AxgBindList.1.PhoneNoA list', async () => {
    const emu = await small()
    const res = await call(emu, 'BindBatchAxg', {
      'AxgBindList.1.PhoneNoA': '13800000001',
      'AxgBindList.1.GroupId': '1',
    })
    expect(res.json.Code).toBe('isv.INVALID_PARAMETERS')
  })

  it('operates on G groups: add, delete, overwrite, with the 200 limit', async () => {
    const emu = await small()
    const groupId =
      /"GroupId":(\d+)/.exec(
        (await call(emu, 'CreateAxgGroup', { Numbers: '13700000001' })).text,
      )?.[1] ?? ''
    const op = (OperateType: string, Numbers: string) =>
      call(emu, 'OperateAxgGroup', { GroupId: groupId, OperateType, Numbers })
    expect((await op('addNumbers', '13700000002')).json.Code).toBe('OK')
    expect((await op('deleteNumbers', '13700000001')).json.Code).toBe('OK')
    expect(emu.state.groups('aliyun')[0]?.numbers).toEqual(['13700000002'])
    const many = Array.from({ length: 200 }, (_, i) => `136${String(i).padStart(8, '0')}`).join(',')
    expect((await op('overwriteNumbers', many)).json.Code).toBe('OK')
    expect((await op('addNumbers', '13700000009')).json.Code).toBe('isv.INVALID_PARAMETERS')
    const tooMany = Array.from({ length: 201 }, (_, i) => `135${String(i).padStart(8, '0')}`).join(
      ',',
    )
    expect((await call(emu, 'CreateAxgGroup', { Numbers: tooMany })).json.Code).toBe(
      'isv.INVALID_PARAMETERS',
    )
    expect((await call(emu, 'DeleteAxgGroup', { GroupId: groupId })).json.Code).toBe('OK')
    expect(emu.state.groups('aliyun')).toHaveLength(0)
  })

  it('unbinds by SubsId + SecretNo, and answers isv.SUBS_NOT_EXIST for a mismatched X', async () => {
    const emu = await small()
    const bound = (await axb(emu, '13800000001', '13900000001')).json.SecretBindDTO
    expect(
      (await call(emu, 'UnbindSubscription', { SubsId: bound.SubsId, SecretNo: '17100000002' }))
        .json.Code,
    ).toBe('isv.SUBS_NOT_EXIST')
    expect(
      (await call(emu, 'UnbindSubscription', { SubsId: bound.SubsId, SecretNo: bound.SecretNo }))
        .json.Code,
    ).toBe('OK')
    expect(emu.state.liveCount('aliyun')).toBe(0)
  })

  it('applies every UpdateSubscription OperateType', async () => {
    const emu = await small()
    const created = await call(emu, 'CreateAxgGroup', { Numbers: '13700000001' })
    const g2 = await call(emu, 'CreateAxgGroup', { Numbers: '13700000002' })
    const id1 = /"GroupId":(\d+)/.exec(created.text)?.[1] ?? ''
    const id2 = /"GroupId":(\d+)/.exec(g2.text)?.[1] ?? ''
    const bound = (
      await call(emu, 'BindAxg', {
        PhoneNoA: '13800000001',
        PhoneNoB: '13900000001',
        GroupId: id1,
        Expiration: aliExpiry(emu),
      })
    ).json.SecretBindDTO
    const up = (OperateType: string, more: Record<string, string>) =>
      call(emu, 'UpdateSubscription', {
        SubsId: bound.SubsId,
        PhoneNoX: bound.SecretNo,
        OperateType,
        ...more,
      })
    const expiration = aliExpiry(emu, 7200)
    const ops: Array<[string, Record<string, string>]> = [
      ['updateNoA', { PhoneNoA: '13800000009' }],
      ['updateNoB', { PhoneNoB: '13900000009' }],
      ['updateExpire', { Expiration: expiration }],
      ['updateAxgGroup', { GroupId: id2 }],
      ['updateCallRestrict', { CallRestrict: 'CONTROL_AX_DISABLE' }],
      ['updateCallDisplayType', { CallDisplayType: '1' }],
      ['updateOutId', { OutId: 'order-9' }],
      ['updateIsRecordingEnabled', { IsRecordingEnabled: 'true' }],
      ['updateAsr', { ASRStatus: 'true', ASRModelId: 'm1' }],
    ]
    for (const [type, more] of ops)
      expect([type, (await up(type, more)).json.Code]).toEqual([type, 'OK'])
    expect(emu.state.bindings('aliyun')[0]).toMatchObject({
      a: '13800000009',
      b: '13900000009',
      groupId: id2,
      outId: 'order-9',
      record: true,
    })
    const detail = await call(emu, 'QuerySubscriptionDetail', {
      SubsId: bound.SubsId,
      PhoneNoX: bound.SecretNo,
    })
    expect(detail.json.SecretBindDetailDTO).toMatchObject({
      ExpireDate: expiration,
      CallRestrict: 'CONTROL_AX_DISABLE',
      ASRStatus: true,
    })
    expect((await up('updateSomething', {})).json.Code).toBe('isv.INVALID_PARAMETERS')
  })

  it('answers isv.FORBIDDEN_ACTION when updating an expired binding, and SUBS_NOT_EXIST when querying it', async () => {
    const emu = await small()
    const bound = (
      await axb(emu, '13800000001', '13900000001', { Expiration: aliExpiry(emu, 120) })
    ).json.SecretBindDTO
    emu.clock.advance(121_000)
    expect(emu.state.liveCount('aliyun')).toBe(0)
    const update = await call(emu, 'UpdateSubscription', {
      SubsId: bound.SubsId,
      PhoneNoX: bound.SecretNo,
      OperateType: 'updateOutId',
      OutId: 'x',
    })
    expect(update.json.Code).toBe('isv.FORBIDDEN_ACTION')
    const detail = await call(emu, 'QuerySubscriptionDetail', {
      SubsId: bound.SubsId,
      PhoneNoX: bound.SecretNo,
    })
    expect(detail.json.Code).toBe('isv.SUBS_NOT_EXIST')
  })

  it('finds binding ids by X with QuerySubsId', async () => {
    const emu = await small()
    const bound = (await axb(emu, '13800000001', '13900000001')).json.SecretBindDTO
    const res = await call(emu, 'QuerySubsId', { PhoneNoX: bound.SecretNo })
    expect(res.json.SubsId).toBe(bound.SubsId)
    expect((await call(emu, 'QuerySubsId', { PhoneNoX: '17100000021' })).json.Code).toBe(
      'isv.SUBS_NOT_EXIST',
    )
  })

  it('reports remaining X numbers nationally, per city and as a list', async () => {
    const emu = await small()
    await axb(emu, '13800000001', '13900000001', { ExpectCity: '北京' })
    const all = await aliCall(emu, 'QuerySecretNoRemain', { SpecId: '1', City: '全国' })
    expect(all.json.SecretRemainDTO).toEqual({ Amount: 3, City: '全国' })
    const beijing = await aliCall(emu, 'QuerySecretNoRemain', { SpecId: '1', City: '北京' })
    expect(beijing.json.SecretRemainDTO.Amount).toBe(1)
    const list = await aliCall(emu, 'QuerySecretNoRemain', { SpecId: '1', City: '全国列表' })
    expect(list.json.SecretRemainDTO.RemainDTOList.remainDTO).toEqual([
      { Amount: 1, City: '北京' },
      { Amount: 1, City: '济南' },
      { Amount: 1, City: '上海' },
    ])
  })

  it('answers isv.POOLKEY_NOT_EXISTS for another pool key', async () => {
    const emu = await small()
    const res = await aliCall(emu, 'BindAxb', {
      PoolKey: 'FC999',
      PhoneNoA: '13800000001',
      PhoneNoB: '13900000001',
      Expiration: aliExpiry(emu),
    })
    expect(res.json.Code).toBe('isv.POOLKEY_NOT_EXISTS')
  })
})
