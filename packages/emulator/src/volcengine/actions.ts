// Volcengine vms business actions (vendor note §2–3, §8): validation with the vendor's codes,
// X selection by city, and the result shapes of each action.
import { provincialCapital } from '../areas'
import { createFifoMap } from '../fifo'
import type { HomeCityRules } from '../phone'
import { homeCityOf, isValidPhone, isValidXNumber } from '../phone'
import type {
  BindingChange,
  BindingKind,
  Selection,
  StateFailure,
  StoredBinding,
  StoredGroup,
  VendorStore,
} from '../store'
import { ownString } from '../strings'
import { MIN_LIFETIME_MS, YEAR_2038_MS } from '../time'
import type { VolcAction, VolcError, VolcOutcome } from './gateway'
import type { VolcParams } from './params'

/** What the Volcengine actions need. */
export interface VolcActionsConfig {
  readonly store: VendorStore
  readonly numberPoolNo: string
  readonly nowMs: () => number
  readonly homeCities: HomeCityRules
  readonly newGroupId: () => string
  /** Base URL of recordings (`…/recordings`), known once the server listens. */
  readonly recordingBase: () => string
}

/** B number the vendor puts in an AXN bound without B (it reaches nobody). */
export const VOLC_PLACEHOLDER_B = '10000000000'
const MAX_GROUP = 200
const MAX_USER_DATA = 2048
const MAX_OUT_ID = 128
const MAX_DEGRADE = 5

/** QuerySubscriptionForList filters → the binding field each one matches (AND-ed). */
const LIST_FILTERS = {
  SubId: 'subscriptionId',
  PhoneNoA: 'a',
  PhoneNoB: 'b',
  PhoneNoX: 'x',
  OutId: 'outId',
} as const satisfies Record<string, keyof StoredBinding>
type ListField = (typeof LIST_FILTERS)[keyof typeof LIST_FILTERS]

const fail = (code: string, message: string): { error: VolcError } => ({ error: { code, message } })
const illegal = (message: string) => fail('IllegalArgument', message)

/** State failures → vms codes (note §6.1). */
const STATE_CODES: Readonly<Record<StateFailure, VolcError>> = {
  'x-not-in-pool': {
    code: 'PhoneNoXOccupied',
    message: 'PhoneNoX is not available in this number pool',
  },
  'x-occupied': { code: 'PhoneNoXOccupied', message: 'PhoneNoX is occupied' },
  conflict: { code: 'ConflictWithExisting', message: 'Conflict with existing' },
  'no-number': { code: 'NumberNotEnough', message: 'Number not enough' },
}

type Check<A> = { ok: true; value: A } | { ok: false; error: VolcError }
const ok = <A>(value: A): Check<A> => ({ ok: true, value })
const bad = <A>(message: string, code = 'IllegalArgument'): Check<A> => ({
  ok: false,
  error: { code, message },
})

/** Builds the action table. */
export const createVolcActions = (config: VolcActionsConfig): Record<string, VolcAction> => {
  const { store, nowMs } = config

  const phone = (p: VolcParams, name: string, required: boolean): Check<string | undefined> => {
    const v = p.str(name)
    if (v === undefined) return required ? bad(`${name} is required`) : ok(undefined)
    return isValidPhone(v) ? ok(v) : bad(`${name} is not a valid phone number`)
  }

  const expireTime = (p: VolcParams, required: boolean): Check<number | undefined> => {
    const v = p.str('ExpireTime')
    if (v === undefined) return required ? bad('ExpireTime is required') : ok(undefined)
    if (!/^\d+$/.test(v)) return bad('ExpireTime must be Unix seconds')
    const ms = Number(v) * 1000
    if (ms <= nowMs() + MIN_LIFETIME_MS)
      return bad('ExpireTime must be more than 1 minute after now')
    if (ms >= YEAR_2038_MS) return bad('ExpireTime must be before 2038-01-01 00:00:00')
    return ok(ms)
  }

  const textLimits = (p: VolcParams): Check<{ userData?: string; outId?: string }> => {
    const userData = p.str('UserData')
    const outId = p.str('OutId')
    if (userData !== undefined && userData.length > MAX_USER_DATA)
      return bad('UserData is longer than 2048')
    if (outId !== undefined && outId.length > MAX_OUT_ID) return bad('OutId is longer than 128')
    return ok({
      ...(userData !== undefined ? { userData } : {}),
      ...(outId !== undefined ? { outId } : {}),
    })
  }

  const recordFlag = (p: VolcParams): Check<boolean> => {
    // The vendor records by default: an adapter that forgets AudioRecordFlag gets recordings.
    const v = p.str('AudioRecordFlag') ?? '1'
    if (v !== '0' && v !== '1') return bad('AudioRecordFlag must be 0 or 1')
    return ok(v === '1')
  }

  const pool = (p: VolcParams): Check<string> => {
    const v = p.str('NumberPoolNo')
    if (v === undefined) return bad('NumberPoolNo is required')
    if (v !== config.numberPoolNo) return bad(`NumberPoolNo ${v} does not exist`)
    return ok(v)
  }

  const selection = (p: VolcParams, a: string, b: string | undefined): Check<Selection> => {
    const byParty = p.str('CityCodeByPhoneNo') ?? 'A'
    if (byParty !== 'A' && byParty !== 'B') return bad('CityCodeByPhoneNo must be A or B')
    const party = byParty === 'B' && b !== undefined ? b : a
    const primary = p.str('CityCode') ?? homeCityOf(party, config.homeCities)
    const degrade = p.list('DegradeCityList') ?? []
    if (degrade.length > MAX_DEGRADE) return bad('DegradeCityList has more than 5 cities')
    const cities = [primary]
    for (const c of degrade) {
      const code = c === 'PNPC' ? provincialCapital(primary) : c
      if (code !== undefined) cities.push(code)
    }
    return ok({ cities, anyCity: false })
  }

  const bindResult = (b: StoredBinding): Record<string, unknown> => {
    const out: Record<string, unknown> = {
      SubId: b.subscriptionId,
      PhoneNoX: b.x,
      PhoneNoXCityCode: b.xCity,
      PhoneNoA: b.a,
      PhoneNoACityCode: homeCityOf(b.a, config.homeCities),
      Status: 1,
    }
    const shownB = b.b ?? b.placeholderB
    if (shownB !== undefined) {
      out['PhoneNoB'] = shownB
      if (b.b !== undefined) out['PhoneNoBCityCode'] = homeCityOf(b.b, config.homeCities)
    }
    if (b.groupId !== undefined) out['GroupId'] = b.groupId
    return out
  }

  // IdempotentId (SelectNumberAndBindAXB, BindAXG): a repeated id answers the binding it made,
  // while that binding lives. Bounded, oldest forgotten first.
  const idempotent = createFifoMap<string, string>(100_000)

  /** Shared body of every bind action. */
  const bind = (
    p: VolcParams,
    kind: BindingKind,
    opts: { selectX: boolean; bRequired?: boolean; group?: (ms: number) => Check<string> },
  ): VolcOutcome => {
    const idempotentId = p.str('IdempotentId')
    if (idempotentId !== undefined) {
      const prior = idempotent.get(idempotentId)
      const b = prior === undefined ? undefined : store.get(prior)
      if (b !== undefined && b.kind === kind) return { result: bindResult(b) }
      const outcome = bindOnce(p, kind, opts)
      if ('result' in outcome) {
        idempotent.set(ownString(idempotentId), (outcome.result as { SubId: string }).SubId)
      }
      return outcome
    }
    return bindOnce(p, kind, opts)
  }

  const bindOnce = (
    p: VolcParams,
    kind: BindingKind,
    opts: { selectX: boolean; bRequired?: boolean; group?: (ms: number) => Check<string> },
  ): VolcOutcome => {
    // Checked in the order the vendor reports them: the first failure is the answer.
    const poolOk = pool(p)
    if (!poolOk.ok) return { error: poolOk.error }
    const aOk = phone(p, 'PhoneNoA', true)
    if (!aOk.ok) return { error: aOk.error }
    const bOk = phone(p, 'PhoneNoB', opts.bRequired ?? false)
    if (!bOk.ok) return { error: bOk.error }
    const expiry = expireTime(p, true)
    if (!expiry.ok) return { error: expiry.error }
    const text = textLimits(p)
    if (!text.ok) return { error: text.error }
    const record = recordFlag(p)
    if (!record.ok) return { error: record.error }
    const a = aOk.value ?? ''
    const b = bOk.value
    const expiresAt = expiry.value ?? 0
    if (b !== undefined && b === a) return illegal('PhoneNoA and PhoneNoB must differ')
    let x = p.str('PhoneNoX')
    let sel: Selection | undefined
    if (x !== undefined) {
      if (!isValidXNumber(x)) return fail('IllegalPhoneNoX', 'PhoneNoX is invalid')
    } else if (!opts.selectX) {
      return illegal('PhoneNoX is required')
    } else {
      const s = selection(p, a, b)
      if (!s.ok) return { error: s.error }
      sel = s.value
      x = undefined
    }
    let groupId: string | undefined
    if (opts.group !== undefined) {
      const g = opts.group(expiresAt)
      if (!g.ok) return { error: g.error }
      groupId = g.value
    }
    const result = store.bind({
      kind,
      a,
      ...(b !== undefined ? { b } : kind === 'AXN' ? { placeholderB: VOLC_PLACEHOLDER_B } : {}),
      ...(x !== undefined ? { x } : {}),
      ...(sel !== undefined ? { selection: sel } : {}),
      ...(groupId !== undefined ? { groupId } : {}),
      expiresAt,
      ...text.value,
      record: record.value,
      axConflictsWithAxb: p.str('AxConflictAxbFlag') === '1',
    })
    if (!result.ok) return { error: STATE_CODES[result.failure] }
    return { result: bindResult(result.value) }
  }

  const groupNumbers = (numbers: string[] | undefined, required: boolean): Check<string[]> => {
    if (numbers === undefined || numbers.length === 0) {
      return required ? bad('Numbers is required') : ok([])
    }
    if (numbers.length > MAX_GROUP) return bad('a G group holds at most 200 numbers')
    for (const n of numbers)
      if (!isValidPhone(n)) return bad(`group number ${n} is not a valid phone number`)
    return ok([...new Set(numbers)])
  }

  /** BindAXG: a group by id, or one created inline from GroupName + GroupNumbers. */
  const axgGroup =
    (p: VolcParams) =>
    (expiresAt: number): Check<string> => {
      const id = p.str('GroupId')
      if (id !== undefined) {
        return store.getGroup(id) === undefined ? bad(`GroupId ${id} does not exist`) : ok(id)
      }
      const name = p.str('GroupName')
      if (name === undefined) return bad('GroupId, or GroupName and GroupNumbers, is required')
      const numbers = groupNumbers(p.list('GroupNumbers'), true)
      if (!numbers.ok) return numbers
      // An inline group lives as long as its binding (seed 000, 使用说明 3).
      const g = store.createGroup({
        id: config.newGroupId(),
        name,
        numbers: numbers.value,
        expiresAt,
      })
      return ok(g.id)
    }

  /** Looks up the binding an Unbind/Update/Query names, of the right kind. */
  const target = (p: VolcParams, kinds: ReadonlyArray<BindingKind>): Check<StoredBinding> => {
    const poolCheck = pool(p)
    if (!poolCheck.ok) return poolCheck
    const id = p.str('SubId')
    if (id === undefined) return bad('SubId is required')
    const b = store.get(id)
    if (b === undefined || !kinds.includes(b.kind))
      return bad(`SubId ${id} not found`, 'SubscriptionEmpty')
    return ok(b)
  }

  const unbind =
    (kinds: ReadonlyArray<BindingKind>, shape: 'bool' | 'success'): VolcAction =>
    (p) => {
      const t = target(p, kinds)
      if (!t.ok) return { error: t.error }
      store.unbind(t.value.subscriptionId)
      if (kinds.includes('AXG') && p.str('DelGroup') === 'true' && t.value.groupId !== undefined) {
        store.deleteGroup(t.value.groupId)
      }
      return { result: shape === 'bool' ? true : { Success: true } }
    }

  /** UpdateType → how it changes the binding (UpdateAXB/AXN/AXG). */
  const UPDATES: Readonly<
    Record<string, (p: VolcParams, b: StoredBinding) => Check<BindingChange>>
  > = {
    updateExpireTime: (p) => {
      const e = expireTime(p, true)
      return e.ok ? ok({ expiresAt: e.value as number }) : e
    },
    updateUserData: (p) => {
      const t = textLimits(p)
      if (!t.ok) return t
      return ok({ userData: t.value.userData ?? '' })
    },
    updateOutId: (p) => {
      const t = textLimits(p)
      if (!t.ok) return t
      return ok({ outId: t.value.outId ?? '' })
    },
    updatePhoneNoA: (p) => {
      const a = phone(p, 'PhoneNoA', true)
      return a.ok ? ok({ a: a.value as string }) : a
    },
    updatePhoneNoB: (p, b) => {
      if (b.kind === 'AXB' && b.b === undefined) {
        return bad('an AX binding cannot update B; use UpgradeAXToAXB', 'CanNotUpdate')
      }
      const nb = phone(p, 'PhoneNoB', true)
      return nb.ok ? ok({ b: nb.value as string }) : nb
    },
    updateGroupId: (p, b) => {
      if (b.kind !== 'AXG') return bad('updateGroupId applies to AXG only')
      const id = p.str('GroupId')
      if (id === undefined || store.getGroup(id) === undefined)
        return bad(`GroupId ${id ?? ''} does not exist`)
      return ok({ groupId: id })
    },
    updateOrderId: (p) => ok({ extra: { OrderId: p.str('OrderId') ?? '' } }),
    updateIndustrialId: (p) => ok({ extra: { IndustrialId: p.str('IndustrialId') ?? '' } }),
  }

  const UPDATE_TYPES: Readonly<Record<BindingKind, ReadonlyArray<string>>> = {
    AXB: ['updateExpireTime', 'updateUserData', 'updateOutId', 'updatePhoneNoA', 'updatePhoneNoB'],
    AXN: ['updateExpireTime', 'updateUserData', 'updateOutId', 'updatePhoneNoA', 'updatePhoneNoB'],
    // The note's UpdateAXG list has no updateExpireTime, but the action takes ExpireTime; accepted.
    AXG: [
      'updatePhoneNoA',
      'updatePhoneNoB',
      'updateUserData',
      'updateGroupId',
      'updateOrderId',
      'updateIndustrialId',
      'updateExpireTime',
      'updateOutId',
    ],
  }

  const update =
    (kind: BindingKind, shape: 'bool' | 'success'): VolcAction =>
    (p) => {
      const type = p.str('UpdateType')
      if (type === undefined) return illegal('UpdateType is required')
      const t = target(p, [kind])
      if (!t.ok) return { error: t.error }
      const apply = UPDATE_TYPES[kind].includes(type) ? UPDATES[type] : undefined
      if (apply === undefined)
        return illegal(`UpdateType ${type} is not supported by Update${kind}`)
      const change = apply(p, t.value)
      if (!change.ok) return { error: change.error }
      const r = store.update(t.value.subscriptionId, change.value)
      if (!r.ok) return { error: STATE_CODES[r.failure] }
      return { result: shape === 'bool' ? true : { Success: true } }
    }

  const subscription = (
    b: StoredBinding,
    timesAsStrings: boolean,
    status: 0 | 1 = 1,
  ): Record<string, unknown> => {
    const enable = Math.floor(b.createdAt / 1000)
    const expire = Math.floor(b.expiresAt / 1000)
    const out: Record<string, unknown> = {
      SubId: b.subscriptionId,
      PhoneNoA: b.a,
      PhoneNoB: b.b ?? b.placeholderB ?? '',
      PhoneNoX: b.x,
      Status: status,
      RecordFlag: b.record ? 1 : 0,
      EnableTime: timesAsStrings ? String(enable) : enable,
      ExpireTime: timesAsStrings ? String(expire) : expire,
      UserData: b.userData ?? '',
      OutId: b.outId ?? '',
      CallDisplayType: 1,
    }
    if (b.groupId !== undefined) out['GroupId'] = b.groupId
    return out
  }

  const groupOf = (p: VolcParams): Check<StoredGroup> => {
    const poolCheck = pool(p)
    if (!poolCheck.ok) return poolCheck
    let id = p.str('GroupId')
    if (id === undefined) {
      const sub = p.str('SubId')
      if (sub !== undefined) id = store.get(sub)?.groupId
    }
    if (id === undefined) return bad('GroupId is required')
    const g = store.getGroup(id)
    return g === undefined ? bad(`GroupId ${id} does not exist`) : ok(g)
  }

  /** UpdateAXGGroup's UpdateType values. */
  const GROUP_UPDATES: Readonly<Record<string, (p: VolcParams, g: StoredGroup) => Check<true>>> = {
    addNumbers: (p, g) => {
      const n = groupNumbers(p.list('Numbers'), true)
      if (!n.ok) return n
      const merged = [...g.numbers, ...n.value.filter((x) => !g.numbers.includes(x))]
      if (merged.length > MAX_GROUP) {
        if ((p.str('OverflowStrategy') ?? 'denyAll') !== 'fifo')
          return bad('a G group holds at most 200 numbers')
        merged.splice(0, merged.length - MAX_GROUP)
      }
      g.numbers = merged
      return ok(true)
    },
    deleteNumbers: (p, g) => {
      const n = groupNumbers(p.list('Numbers'), true)
      if (!n.ok) return n
      g.numbers = g.numbers.filter((x) => !n.value.includes(x))
      return ok(true)
    },
    overwriteNumbers: (p, g) => {
      const n = groupNumbers(p.list('Numbers'), true)
      if (!n.ok) return n
      g.numbers = n.value
      return ok(true)
    },
    updateGroupInfo: (p, g) => {
      const name = p.str('GroupName')
      if (name !== undefined) g.name = name
      const e = expireTime(p, false)
      if (!e.ok) return e
      if (e.value !== undefined) g.expiresAt = e.value
      return ok(true)
    },
  }

  const actions: Record<string, VolcAction> = {
    BindAXB: (p) => bind(p, 'AXB', { selectX: false }),
    SelectNumberAndBindAXB: (p) => bind(p, 'AXB', { selectX: true }),
    BindAXN: (p) => bind(p, 'AXN', { selectX: false }),
    SelectNumberAndBindAXN: (p) => bind(p, 'AXN', { selectX: true }),
    BindAXG: (p) => bind(p, 'AXG', { selectX: true, group: axgGroup(p) }),
    UnbindAXB: unbind(['AXB'], 'bool'),
    UnbindAXBV2: unbind(['AXB'], 'success'),
    UnbindAXN: unbind(['AXN'], 'bool'),
    UnbindAXNV2: unbind(['AXN'], 'success'),
    UnbindAXG: unbind(['AXG'], 'success'),
    UnbindAXGV2: unbind(['AXG'], 'success'),
    UpdateAXB: update('AXB', 'bool'),
    UpdateAXN: update('AXN', 'bool'),
    UpdateAXG: update('AXG', 'success'),
    UpgradeAXToAXB: (p) => {
      const t = target(p, ['AXB'])
      if (!t.ok) return { error: t.error }
      if (t.value.b !== undefined) return fail('UpgradeError', 'the binding already has a B number')
      const nb = phone(p, 'PhoneNoB', true)
      if (!nb.ok) return { error: nb.error }
      const r = store.update(t.value.subscriptionId, { b: nb.value as string })
      if (!r.ok) return { error: STATE_CODES[r.failure] }
      const { Status: _status, ...rest } = bindResult(r.value)
      return { result: rest }
    },
    QuerySubscription: (p) => {
      const t = target(p, ['AXB', 'AXN', 'AXG'])
      if (t.ok) return { result: subscription(t.value, false) }
      // A binding that recently ended is still reported, with Status 0 (unbound).
      const ended = store.retired(p.str('SubId') ?? '')
      if (t.error.code === 'SubscriptionEmpty' && ended !== undefined) {
        return { result: subscription(ended.binding, false, 0) }
      }
      return { error: t.error }
    },
    QuerySubscriptionForList: (p) => {
      const poolCheck = pool(p)
      if (!poolCheck.ok) return { error: poolCheck.error }
      const filters: Array<[ListField, string]> = []
      for (const [name, field] of Object.entries(LIST_FILTERS) as Array<[string, ListField]>) {
        const v = p.str(name)
        if (v !== undefined) filters.push([field, v])
      }
      if (filters.length === 0)
        return illegal('one of SubId, PhoneNoA, PhoneNoB, PhoneNoX, OutId is required')
      const offset = Number(p.str('Offset') ?? '0')
      const limit = Number(p.str('Limit') ?? '20')
      if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1) {
        return illegal('Offset and Limit must be non-negative integers')
      }
      // Live bindings unless Status=0 asks for the (recently) ended ones; 2 (error) never occurs.
      const status = p.str('Status') ?? '1'
      const candidates: ReadonlyArray<StoredBinding> =
        status === '1'
          ? store.bindings()
          : status === '0'
            ? store.retiredBindings().map((r) => r.binding)
            : []
      const matching = candidates.filter((b) => filters.every(([f, v]) => b[f] === v))
      const shownStatus = status === '0' ? 0 : 1
      return {
        result: {
          Records: matching
            .slice(offset, offset + limit)
            .map((b) => subscription(b, true, shownStatus)),
          Offset: offset,
          Limit: limit,
          Total: matching.length,
        },
      }
    },
    CreateAXGGroup: (p) => {
      const poolCheck = pool(p)
      if (!poolCheck.ok) return { error: poolCheck.error }
      const name = p.str('GroupName')
      if (name === undefined) return illegal('GroupName is required')
      const numbers = groupNumbers(p.list('Numbers'), false)
      if (!numbers.ok) return { error: numbers.error }
      const e = expireTime(p, false)
      if (!e.ok) return { error: e.error }
      const g = store.createGroup({
        id: config.newGroupId(),
        name,
        numbers: numbers.value,
        ...(e.value !== undefined ? { expiresAt: e.value } : {}),
      })
      return { result: { GroupId: g.id } }
    },
    UpdateAXGGroup: (p) => {
      const type = p.str('UpdateType')
      if (type === undefined) return illegal('UpdateType is required')
      const apply = GROUP_UPDATES[type]
      if (apply === undefined) return illegal(`UpdateType ${type} is not supported`)
      const g = groupOf(p)
      if (!g.ok) return { error: g.error }
      const r = apply(p, g.value)
      return r.ok ? { result: { Success: true } } : { error: r.error }
    },
    DeleteAXGGroup: (p) => {
      const g = groupOf(p)
      if (!g.ok) return { error: g.error }
      if (store.groupInUse(g.value.id))
        return illegal(`GroupId ${g.value.id} is used by a live binding`)
      store.deleteGroup(g.value.id)
      return { result: { Success: true } }
    },
    QueryAudioRecordFileUrl: (p) => {
      const callId = p.str('CallId')
      if (callId === undefined) return illegal('CallId is required')
      const base = `${config.recordingBase()}/${encodeURIComponent(callId)}`
      return {
        result: {
          AudioRecordFileUrl: `${base}.mp3`,
          AudioRecordLeftFileUrl: '',
          AudioRecordRightFileUrl: '',
        },
      }
    },
    SelectNumber: (p) => {
      const poolCheck = pool(p)
      if (!poolCheck.ok) return { error: poolCheck.error }
      const degrade = p.list('DegradeCityList') ?? []
      if (degrade.length > MAX_DEGRADE) return illegal('DegradeCityList has more than 5 cities')
      const count = Number(p.str('NumberCount') ?? '1')
      if (!Number.isInteger(count) || count < 1)
        return illegal('NumberCount must be a positive integer')
      const primary = p.str('CityCode')
      const cities: Array<string | undefined> = primary === undefined ? [undefined] : [primary]
      for (const c of degrade)
        cities.push(c === 'PNPC' && primary !== undefined ? provincialCapital(primary) : c)
      const picked: string[] = []
      for (const c of cities) {
        for (const x of store.freeNumbers(c)) {
          if (picked.length < count && !picked.includes(x)) picked.push(x)
        }
      }
      if (picked.length === 0) return fail('NumberNotEnough', 'Number not enough')
      return {
        result: { Numbers: picked.map((x) => ({ Number: x, CityCode: store.pool.get(x) ?? '' })) },
      }
    },
  }
  return actions
}
