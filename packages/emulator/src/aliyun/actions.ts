// Aliyun dypls business actions (vendor note §1, §3, §4.1): validation with the vendor's codes,
// ExpectCity selection, Beijing wall-clock times, and ids that must survive JSON (> 2^53).
import { LosslessNumber } from 'lossless-json'
import { areaCodesOfCity, cityName } from '../areas'
import { isValidPhone, isValidXNumber } from '../phone'
import type {
  BindingChange,
  BindingKind,
  StateFailure,
  StoredBinding,
  StoredGroup,
  VendorStore,
} from '../store'
import { formatBeijing, MIN_LIFETIME_MS, parseBeijing, YEAR_2038_MS } from '../time'
import type { AliAction, AliError, AliParams } from './gateway'

/** What the Aliyun actions need. */
export interface AliActionsConfig {
  readonly store: VendorStore
  readonly poolKey: string
  readonly nowMs: () => number
  /** Strict matching: ExpectCity never falls back to another city. */
  readonly strictCity: boolean
  /** Base URL of recordings (`…/recordings`), known once the server listens. */
  readonly recordingBase: () => string
  readonly newGroupId: () => string
}

/** B number the vendor invents for an AXN bound without B ("a nonexistent number"). */
export const ALIYUN_PLACEHOLDER_B = '10000000000'
const MAX_GROUP = 200
const MAX_GROUPS_PER_POOL = 2000
const CALL_RESTRICTS = ['CONTROL_AX_DISABLE', 'CONTROL_BX_DISABLE'] as const

const err = (code: string, message: string): { error: AliError } => ({ error: { code, message } })
const invalid = (message: string) => err('isv.INVALID_PARAMETERS', message)

/** State failures → dypls codes. */
const STATE_CODES: Readonly<Record<StateFailure, AliError>> = {
  'x-not-in-pool': { code: 'isv.FORBIDDEN_ACTION', message: 'secretNo not in pool' },
  'x-occupied': { code: 'isv.NO_AVAILABLE_NUMBER', message: '无可用号码' },
  conflict: { code: 'isv.BIND_CONFLICT', message: '绑定冲突' },
  'no-number': { code: 'isv.NO_AVAILABLE_NUMBER', message: '无可用号码' },
}

type Check<A> = { ok: true; value: A } | { ok: false; error: AliError }
const ok = <A>(value: A): Check<A> => ({ ok: true, value })
const no = <A>(code: string, message: string): Check<A> => ({ ok: false, error: { code, message } })

/** A parameter bag that reads like the query: strings, '' as absent. */
interface Bag {
  get(name: string): string | undefined
}

const bagOfParams = (p: AliParams): Bag => ({
  get: (name) => {
    const v = p.get(name)
    return v === undefined || v === '' ? undefined : v
  },
})

/** BindBatchAxg items are JSON objects; their scalars read as the query would carry them. */
const bagOfObject = (o: Record<string, unknown>): Bag => ({
  get: (name) => {
    const v = o[name]
    if (typeof v === 'string') return v === '' ? undefined : v
    if (typeof v === 'number' || typeof v === 'boolean') return String(v)
    return undefined
  },
})

/** Builds the action table. */
export const createAliActions = (config: AliActionsConfig): Record<string, AliAction> => {
  const { store, nowMs } = config

  const poolKey = (p: Bag): Check<string> => {
    const v = p.get('PoolKey')
    if (v === undefined) return no('isv.INVALID_PARAMETERS', 'PoolKey is mandatory')
    return v === config.poolKey
      ? ok(v)
      : no('isv.POOLKEY_NOT_EXISTS', `PoolKey ${v} does not exist`)
  }

  const phone = (p: Bag, name: string, required: boolean): Check<string | undefined> => {
    const v = p.get(name)
    if (v === undefined)
      return required ? no('isv.INVALID_PARAMETERS', `${name} is mandatory`) : ok(undefined)
    return isValidPhone(v) ? ok(v) : no('isv.MOBILE_NUMBER_ILLEGAL', `${name} 号码格式非法`)
  }

  const expiration = (p: Bag): Check<number> => {
    const v = p.get('Expiration')
    if (v === undefined) return no('isv.INVALID_PARAMETERS', 'Expiration is mandatory')
    const t = parseBeijing(v)
    if (t === undefined || t <= nowMs() + MIN_LIFETIME_MS || t >= YEAR_2038_MS) {
      return no(
        'isv.EXPIRE_DATE_ILLEGAL',
        '检查绑定过期时间格式是否正确且是否晚于当前系统时间一分钟',
      )
    }
    return ok(t)
  }

  const bool = (p: Bag, name: string): Check<boolean | undefined> => {
    const v = p.get(name)
    if (v === undefined) return ok(undefined)
    if (v === 'true' || v === 'false') return ok(v === 'true')
    return no('isv.INVALID_PARAMETERS', `${name} must be true or false`)
  }

  const selection = (p: Bag) => {
    const city = p.get('ExpectCity')
    if (city === undefined) return { cities: [], anyCity: true }
    return { cities: areaCodesOfCity(city), anyCity: !config.strictCity }
  }

  /** Shared body of BindAxb/BindAxn/BindAxg and each BindBatchAxg item. */
  const bind = (p: Bag, kind: BindingKind): Check<StoredBinding> => {
    // Checked in the order the vendor reports them: the first failure is the answer.
    const pk = poolKey(p)
    if (!pk.ok) return pk
    const aOk = phone(p, 'PhoneNoA', true)
    if (!aOk.ok) return aOk
    const bOk = phone(p, 'PhoneNoB', kind === 'AXB')
    if (!bOk.ok) return bOk
    const expiry = expiration(p)
    if (!expiry.ok) return expiry
    const recording = bool(p, 'IsRecordingEnabled')
    if (!recording.ok) return recording
    const a = aOk.value ?? ''
    const b = bOk.value
    const expiresAt = expiry.value
    const record = recording.value ?? false
    if (b !== undefined && b === a) return no('isv.INVALID_PARAMETERS', 'PhoneNoA equals PhoneNoB')
    const x = p.get('PhoneNoX')
    if (x !== undefined && !isValidXNumber(x))
      return no('isv.MOBILE_NUMBER_ILLEGAL', 'PhoneNoX 号码格式非法')
    let groupId: string | undefined
    if (kind === 'AXG') {
      groupId = p.get('GroupId')
      if (groupId === undefined) return no('isv.INVALID_PARAMETERS', 'GroupId is mandatory')
      const g = store.getGroup(groupId)
      if (g === undefined) return no('isv.INVALID_PARAMETERS', `GroupId ${groupId} does not exist`)
      if (g.numbers.length === 0) return no('isv.INVALID_PARAMETERS', 'the G group has no number')
    }
    const restrict = p.get('CallRestrict')
    if (restrict !== undefined && !(CALL_RESTRICTS as ReadonlyArray<string>).includes(restrict)) {
      return no('isv.INVALID_PARAMETERS', 'CallRestrict is invalid')
    }
    const outId = p.get('OutId')
    const extra: Record<string, string> = {}
    if (restrict !== undefined) extra['CallRestrict'] = restrict
    for (const k of ['OutOrderId', 'ASRStatus', 'ASRModelId', 'CallDisplayType']) {
      const v = p.get(k)
      if (v !== undefined) extra[k] = v
    }
    const r = store.bind({
      kind,
      a,
      ...(b !== undefined ? { b } : kind === 'AXN' ? { placeholderB: ALIYUN_PLACEHOLDER_B } : {}),
      ...(x !== undefined ? { x } : { selection: selection(p) }),
      ...(groupId !== undefined ? { groupId } : {}),
      expiresAt,
      ...(outId !== undefined ? { outId } : {}),
      record,
      extra,
    })
    return r.ok ? ok(r.value) : { ok: false, error: STATE_CODES[r.failure] }
  }

  const bindDto = (b: StoredBinding) => ({
    SecretBindDTO: { SubsId: b.subscriptionId, SecretNo: b.x, Extension: '' },
  })

  const bindAction =
    (kind: BindingKind): AliAction =>
    (params) => {
      const r = bind(bagOfParams(params), kind)
      return r.ok ? { payload: bindDto(r.value) } : { error: r.error }
    }

  /** SubsId + X (PhoneNoX or SecretNo) → the live binding; expired ones are told apart. */
  const target = (
    p: Bag,
    xName: 'PhoneNoX' | 'SecretNo',
  ): Check<StoredBinding> | { expired: true } => {
    const pk = poolKey(p)
    if (!pk.ok) return pk
    const subsId = p.get('SubsId')
    const x = p.get(xName)
    if (subsId === undefined) return no('isv.INVALID_PARAMETERS', 'SubsId is mandatory')
    if (x === undefined) return no('isv.INVALID_PARAMETERS', `${xName} is mandatory`)
    const b = store.get(subsId)
    if (b !== undefined && b.x === x) return ok(b)
    if (b === undefined && store.expired(subsId)) return { expired: true }
    return no('isv.SUBS_NOT_EXIST', '绑定关系不存在')
  }

  const notExist = err('isv.SUBS_NOT_EXIST', '绑定关系不存在')

  /** OperateType → the change it makes (UpdateSubscription). */
  const OPERATIONS: Readonly<Record<string, (p: Bag, b: StoredBinding) => Check<BindingChange>>> = {
    updateNoA: (p) => {
      const a = phone(p, 'PhoneNoA', true)
      return a.ok ? ok({ a: a.value as string }) : a
    },
    updateNoB: (p) => {
      const b = phone(p, 'PhoneNoB', true)
      return b.ok ? ok({ b: b.value as string }) : b
    },
    updateExpire: (p) => {
      const e = expiration(p)
      return e.ok ? ok({ expiresAt: e.value }) : e
    },
    updateAxgGroup: (p, b) => {
      if (b.kind !== 'AXG')
        return no('isv.INVALID_PARAMETERS', 'updateAxgGroup applies to AXG bindings only')
      const id = p.get('GroupId')
      if (id === undefined) return no('isv.INVALID_PARAMETERS', 'GroupId is mandatory')
      if (store.getGroup(id) === undefined)
        return no('isv.INVALID_PARAMETERS', `GroupId ${id} does not exist`)
      return ok({ groupId: id })
    },
    updateCallRestrict: (p) => {
      const v = p.get('CallRestrict')
      if (v === 'CONTROL_CLEAR_DISABLE') return ok({ extra: { CallRestrict: '' } })
      if (v === undefined || !(CALL_RESTRICTS as ReadonlyArray<string>).includes(v)) {
        return no('isv.INVALID_PARAMETERS', 'CallRestrict is invalid')
      }
      return ok({ extra: { CallRestrict: v } })
    },
    updateCallDisplayType: (p) => {
      const v = p.get('CallDisplayType')
      if (v === undefined || !/^\d+$/.test(v))
        return no('isv.INVALID_PARAMETERS', 'CallDisplayType is invalid')
      return ok({ extra: { CallDisplayType: v } })
    },
    updateOutId: (p) => ok({ outId: p.get('OutId') ?? '' }),
    updateIsRecordingEnabled: (p) => {
      const v = bool(p, 'IsRecordingEnabled')
      if (!v.ok) return v
      if (v.value === undefined)
        return no('isv.INVALID_PARAMETERS', 'IsRecordingEnabled is mandatory')
      return ok({ record: v.value })
    },
    updateAsr: (p) => {
      const s = bool(p, 'ASRStatus')
      if (!s.ok) return s
      return ok({
        extra: {
          ...(s.value !== undefined ? { ASRStatus: String(s.value) } : {}),
          ...(p.get('ASRModelId') !== undefined
            ? { ASRModelId: p.get('ASRModelId') as string }
            : {}),
        },
      })
    },
  }

  const groupNumbers = (raw: string | undefined, required: boolean): Check<string[]> => {
    const numbers = (raw ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
    if (numbers.length === 0 && required)
      return no('isv.INVALID_PARAMETERS', 'Numbers is mandatory')
    if (numbers.length > MAX_GROUP)
      return no('isv.INVALID_PARAMETERS', 'at most 200 numbers per G group')
    for (const n of numbers)
      if (!isValidPhone(n)) return no('isv.MOBILE_NUMBER_ILLEGAL', `${n} 号码格式非法`)
    return ok([...new Set(numbers)])
  }

  const groupOf = (p: Bag): Check<StoredGroup> => {
    const pk = poolKey(p)
    if (!pk.ok) return pk
    const id = p.get('GroupId')
    if (id === undefined || !/^\d+$/.test(id))
      return no('isv.INVALID_PARAMETERS', 'GroupId is mandatory')
    const g = store.getGroup(id)
    return g === undefined ? no('isv.INVALID_PARAMETERS', `GroupId ${id} does not exist`) : ok(g)
  }

  const GROUP_OPERATIONS: Readonly<
    Record<string, (g: StoredGroup, numbers: string[]) => Check<true>>
  > = {
    addNumbers: (g, numbers) => {
      const merged = [...g.numbers, ...numbers.filter((n) => !g.numbers.includes(n))]
      if (merged.length > MAX_GROUP)
        return no('isv.INVALID_PARAMETERS', 'a G group holds at most 200 numbers')
      g.numbers = merged
      return ok(true)
    },
    deleteNumbers: (g, numbers) => {
      g.numbers = g.numbers.filter((n) => !numbers.includes(n))
      return ok(true)
    },
    overwriteNumbers: (g, numbers) => {
      g.numbers = numbers
      return ok(true)
    },
  }

  const remain = (city: string | undefined): number => store.freeNumbers(city).length

  const actions: Record<string, AliAction> = {
    BindAxb: bindAction('AXB'),
    BindAxn: bindAction('AXN'),
    BindAxg: bindAction('AXG'),
    BindBatchAxg: (params) => {
      const p = bagOfParams(params)
      for (const k of params.keys()) {
        // The metadata says style: json; a flattened list is the wrong encoding (note §0).
        if (k.startsWith('AxgBindList.')) return invalid('AxgBindList must be one JSON string')
      }
      const pk = poolKey(p)
      if (!pk.ok) return { error: pk.error }
      const raw = p.get('AxgBindList')
      if (raw === undefined) return invalid('AxgBindList is mandatory')
      let items: unknown
      try {
        items = JSON.parse(raw)
      } catch {
        return invalid('AxgBindList is not valid JSON')
      }
      if (!Array.isArray(items) || items.length === 0)
        return invalid('AxgBindList must be a non-empty JSON array')
      const results = items.map((item: unknown) => {
        const o = item !== null && typeof item === 'object' ? (item as Record<string, unknown>) : {}
        const bag = bagOfObject({ ...o, PoolKey: config.poolKey })
        const r = bind(bag, 'AXG')
        const base = {
          GroupId: bag.get('GroupId') ?? '',
          PhoneNoA: bag.get('PhoneNoA') ?? '',
          Extension: '',
        }
        return r.ok
          ? {
              ...base,
              SecretNo: r.value.x,
              SubsId: r.value.subscriptionId,
              Code: 'OK',
              Message: 'OK',
            }
          : { ...base, SecretNo: '', SubsId: '', Code: r.error.code, Message: r.error.message }
      })
      return { payload: { SecretBindList: { SecretBind: results } } }
    },
    UnbindSubscription: (params) => {
      const t = target(bagOfParams(params), 'SecretNo')
      if ('expired' in t) return notExist
      if (!t.ok) return { error: t.error }
      store.unbind(t.value.subscriptionId)
      return { payload: { ChargeId: 'true' } }
    },
    UpdateSubscription: (params) => {
      const p = bagOfParams(params)
      const type = p.get('OperateType')
      if (type === undefined) return invalid('OperateType is mandatory')
      const op = OPERATIONS[type]
      if (op === undefined) return invalid(`OperateType ${type} is not supported`)
      const t = target(p, 'PhoneNoX')
      if ('expired' in t) return err('isv.FORBIDDEN_ACTION', '绑定关系已过期')
      if (!t.ok) return { error: t.error }
      const change = op(p, t.value)
      if (!change.ok) return { error: change.error }
      const r = store.update(t.value.subscriptionId, change.value)
      return r.ok ? { payload: {} } : { error: STATE_CODES[r.failure] }
    },
    QuerySubscriptionDetail: (params) => {
      const t = target(bagOfParams(params), 'PhoneNoX')
      if ('expired' in t) return notExist
      if (!t.ok) return { error: t.error }
      const b = t.value
      const dto: Record<string, unknown> = {
        SubsId: b.subscriptionId,
        PhoneNoA: b.a,
        PhoneNoB: b.b ?? b.placeholderB ?? '',
        PhoneNoX: b.x,
        GroupId: new LosslessNumber(b.groupId ?? '0'),
        ExpireDate: formatBeijing(b.expiresAt),
        GmtCreate: formatBeijing(b.createdAt),
        Status: 1,
        NeedRecord: b.record,
        Extension: '',
        ASRStatus: b.extra['ASRStatus'] === 'true',
        ASRModelId: b.extra['ASRModelId'] ?? '',
      }
      if (b.extra['CallRestrict']) dto['CallRestrict'] = b.extra['CallRestrict']
      return { payload: { SecretBindDetailDTO: dto }, lossless: true }
    },
    QuerySubsId: (params) => {
      const p = bagOfParams(params)
      const pk = poolKey(p)
      if (!pk.ok) return { error: pk.error }
      const x = p.get('PhoneNoX')
      if (x === undefined) return invalid('PhoneNoX is mandatory')
      const subs = store.bindingsOnX(x)
      if (subs.length === 0) return notExist
      // Several AXB bindings can share an X; the vendor leaves the separator undocumented.
      return { payload: { SubsId: subs.map((b) => b.subscriptionId).join(',') } }
    },
    QuerySecretNoRemain: (params) => {
      const p = bagOfParams(params)
      const spec = p.get('SpecId')
      if (spec === undefined || !['1', '2', '3'].includes(spec))
        return invalid('SpecId must be 1, 2 or 3')
      const city = p.get('City')
      if (city === undefined) return invalid('City is mandatory')
      if (city === '全国' || city === '全国通用') {
        return { payload: { SecretRemainDTO: { Amount: remain(undefined), City: city } } }
      }
      if (city === '全国列表') {
        const codes = [...new Set(store.pool.values())]
        const list = codes.map((code) => ({ Amount: remain(code), City: cityName(code) }))
        return {
          payload: {
            SecretRemainDTO: {
              Amount: remain(undefined),
              City: city,
              RemainDTOList: { remainDTO: list },
            },
          },
        }
      }
      const amount = areaCodesOfCity(city).reduce((n, code) => n + remain(code), 0)
      return { payload: { SecretRemainDTO: { Amount: amount, City: city } } }
    },
    CreateAxgGroup: (params) => {
      const p = bagOfParams(params)
      const pk = poolKey(p)
      if (!pk.ok) return { error: pk.error }
      const numbers = groupNumbers(p.get('Numbers'), false)
      if (!numbers.ok) return { error: numbers.error }
      if (store.groups().length >= MAX_GROUPS_PER_POOL)
        return invalid('at most 2000 G groups per pool')
      const name = p.get('Name')
      if (name !== undefined && name.length > 128) return invalid('Name is longer than 128')
      const id = config.newGroupId()
      const remark = p.get('Remark')
      store.createGroup({
        id,
        name: name ?? id,
        numbers: numbers.value,
        ...(remark !== undefined ? { remark } : {}),
      })
      // GroupId is an int64 JSON number that can exceed 2^53: written as raw digits.
      return { payload: { GroupId: new LosslessNumber(id) }, lossless: true }
    },
    OperateAxgGroup: (params) => {
      const p = bagOfParams(params)
      const type = p.get('OperateType')
      const op = type === undefined ? undefined : GROUP_OPERATIONS[type]
      if (op === undefined)
        return invalid('OperateType must be addNumbers, deleteNumbers or overwriteNumbers')
      const g = groupOf(p)
      if (!g.ok) return { error: g.error }
      const numbers = groupNumbers(p.get('Numbers'), true)
      if (!numbers.ok) return { error: numbers.error }
      const r = op(g.value, numbers.value)
      return r.ok ? { payload: {} } : { error: r.error }
    },
    QueryRecordFileDownloadUrl: (params) => {
      const p = bagOfParams(params)
      const pk = poolKey(p)
      if (!pk.ok) return { error: pk.error }
      const callId = p.get('CallId')
      if (callId === undefined) return invalid('CallId is mandatory')
      const callTime = p.get('CallTime')
      // The vendor refuses timestamps here ("CallTime不支持传入时间戳格式"): wall clock only.
      if (callTime === undefined || parseBeijing(callTime) === undefined) {
        return invalid('CallTime must be yyyy-MM-dd HH:mm:ss')
      }
      return {
        payload: { DownloadUrl: `${config.recordingBase()}/${encodeURIComponent(callId)}.mp3` },
      }
    },
    DeleteAxgGroup: (params) => {
      const g = groupOf(bagOfParams(params))
      if (!g.ok) return { error: g.error }
      if (store.groupInUse(g.value.id))
        return err('isv.FORBIDDEN_ACTION', 'the G group is used by a live binding')
      store.deleteGroup(g.value.id)
      return { payload: {} }
    },
  }
  return actions
}
