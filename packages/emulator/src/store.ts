// One vendor's state: its pool of X numbers, live bindings with expiry, and G groups. Both vendor
// front ends share this model; what differs between them (codes, shapes) stays in their handlers.
import { createFifoMap } from './fifo'
import { ownString } from './strings'

/** The two emulated vendors. */
export type Vendor = 'volcengine' | 'aliyun'

/** The binding kinds the emulator holds. AXB without B is Volcengine's "AX". */
export type BindingKind = 'AXB' | 'AXN' | 'AXG'

/** A live binding as the emulator stores it. Mutable only through the store. */
export interface StoredBinding {
  readonly vendor: Vendor
  readonly kind: BindingKind
  readonly subscriptionId: string
  a: string
  /** The real B; absent for AX, and for AXN bound without B. */
  b?: string
  /** AXN bound without B: the placeholder the vendor puts in B's place. */
  placeholderB?: string
  readonly x: string
  readonly xCity: string
  groupId?: string
  /** Epoch ms; the binding is gone once the clock reaches it. */
  expiresAt: number
  readonly createdAt: number
  outId?: string
  userData?: string
  record: boolean
  /** Vendor-specific settings echoed back by queries (CallRestrict, CallDisplayType, …). */
  readonly extra: Record<string, string>
}

/** A G number group (AXG). */
export interface StoredGroup {
  readonly vendor: Vendor
  readonly id: string
  name: string
  numbers: string[]
  remark?: string
  /** Epoch ms, for Volcengine groups created with an ExpireTime. */
  expiresAt?: number
}

/** A binding that ended, and how. */
export interface RetiredBinding {
  readonly binding: StoredBinding
  readonly reason: 'unbound' | 'expired'
}

/** Why a bind or update was refused by the state rules. */
export type StateFailure =
  | 'x-not-in-pool' // an explicit X the pool does not hold
  | 'x-occupied' // X is full (pair capacity) or held exclusively by an AXN binding
  | 'conflict' // reuse rule: a party already sits on that X in another live binding
  | 'no-number' // no X fits in the candidate cities

/** The outcome of a state operation. */
export type StateResult<A> = { ok: true; value: A } | { ok: false; failure: StateFailure }

/** Where to look for an X when the caller did not name one. */
export interface Selection {
  /** Area codes in priority order (a city, then its fallbacks). */
  readonly cities: ReadonlyArray<string>
  /** Take an X from any city when the listed ones have none. */
  readonly anyCity: boolean
}

/** A new binding, validated by the vendor front end. */
export interface NewBinding {
  readonly kind: BindingKind
  readonly a: string
  readonly b?: string
  readonly placeholderB?: string
  readonly x?: string
  readonly selection?: Selection
  readonly groupId?: string
  readonly expiresAt: number
  readonly outId?: string
  readonly userData?: string
  readonly record: boolean
  readonly extra?: Record<string, string>
  /** Volcengine AxConflictAxbFlag=1: an AX and an AXB on one X may not share A. */
  readonly axConflictsWithAxb?: boolean
}

/** A change to a live binding; absent fields stay as they are. */
export interface BindingChange {
  readonly a?: string
  readonly b?: string
  readonly groupId?: string
  readonly expiresAt?: number
  readonly outId?: string
  readonly userData?: string
  readonly record?: boolean
  readonly extra?: Record<string, string>
}

/** One vendor's state. */
export interface VendorStore {
  readonly vendor: Vendor
  /** X number → its area code, in pool order. */
  readonly pool: ReadonlyMap<string, string>
  bind(req: NewBinding): StateResult<StoredBinding>
  /** The live binding with that id (expired ones are purged first). */
  get(subscriptionId: string): StoredBinding | undefined
  /** True when the id belonged to a binding that expired (recently: the memory is bounded). */
  expired(subscriptionId: string): boolean
  /** A binding that recently ended (unbound or expired), as it was; the memory is bounded. */
  retired(subscriptionId: string): RetiredBinding | undefined
  /** Recently ended bindings, oldest first. */
  retiredBindings(): ReadonlyArray<RetiredBinding>
  unbind(subscriptionId: string): StoredBinding | undefined
  update(subscriptionId: string, change: BindingChange): StateResult<StoredBinding>
  /** Every live binding, oldest first. */
  bindings(): ReadonlyArray<StoredBinding>
  /** Live bindings on one X. */
  bindingsOnX(x: string): ReadonlyArray<StoredBinding>
  liveCount(): number
  /** X numbers of a city with no live binding (the "remaining stock"). */
  freeNumbers(areaCode?: string): ReadonlyArray<string>
  createGroup(group: Omit<StoredGroup, 'vendor'>): StoredGroup
  getGroup(id: string): StoredGroup | undefined
  deleteGroup(id: string): boolean
  groups(): ReadonlyArray<StoredGroup>
  /** Live bindings that use a group. */
  groupInUse(id: string): boolean
}

/** Settings of one vendor's store. */
export interface StoreConfig {
  readonly vendor: Vendor
  /** Area code → X numbers. */
  readonly pool: Readonly<Record<string, ReadonlyArray<string>>>
  /** Live bindings one X can hold (AXB pair capacity). */
  readonly pairCapacity: number
  readonly now: () => number
  readonly newSubscriptionId: () => string
  /** How many ended bindings to remember (Status 0 queries, "update of an expired binding"). */
  readonly expiredMemory?: number
}

interface XSlot {
  readonly subs: Set<string>
  /** Party number → the binding that holds it on this X (the reuse rule). */
  readonly parties: Map<string, string>
  /** Set while an AXN binding holds the whole X (any N calling X reaches A). */
  exclusive: boolean
}

/** A binding's entries in its X's reuse index. */
interface PartyShape {
  readonly kind: BindingKind
  readonly a: string
  readonly b?: string | undefined
  readonly groupId?: string | undefined
}

// Volcengine keeps AX (A alone) apart from two-party bindings unless AxConflictAxbFlag=1 (seed
// 001: default 0, "not conflicting"), so AX parties live under their own keys.
const AX = 'ax:'
const isAx = (b: PartyShape): boolean => b.kind === 'AXB' && b.b === undefined

// On AXG the group is a party too: a G member calling X must reach exactly one A, so one group
// sits on a given X in at most one live binding. (Members shared between different groups are
// not tracked one by one: group membership changes after binding, through UpdateAXGGroup.)
const GROUP = 'g:'
const partiesOf = (b: PartyShape): string[] => {
  if (isAx(b)) return [AX + b.a]
  const people = b.b === undefined || b.b === b.a ? [b.a] : [b.a, b.b]
  return b.kind === 'AXG' && b.groupId !== undefined ? [...people, GROUP + b.groupId] : people
}

/** The other side's keys, checked too when AX and AXB must not share a party. */
const crossPartiesOf = (b: PartyShape): string[] =>
  isAx(b) ? [b.a] : partiesOf(b).map((p) => AX + p)

/** A copy of vendor extras whose values are strings of their own (see ownString). */
const ownExtra = (extra: Readonly<Record<string, string>> | undefined): Record<string, string> => {
  const out: Record<string, string> = {}
  if (extra !== undefined) for (const [k, v] of Object.entries(extra)) out[k] = ownString(v)
  return out
}

/** A binary min-heap of (expiry, id): expiry checks stay O(log n) with 100k live bindings. */
const createExpiryHeap = () => {
  const times: number[] = []
  const ids: string[] = []
  const swap = (i: number, j: number): void => {
    const t = times[i] as number
    times[i] = times[j] as number
    times[j] = t
    const s = ids[i] as string
    ids[i] = ids[j] as string
    ids[j] = s
  }
  const push = (time: number, id: string): void => {
    times.push(time)
    ids.push(id)
    let i = times.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if ((times[parent] as number) <= time) break
      swap(i, parent)
      i = parent
    }
  }
  const pop = (): void => {
    const last = times.length - 1
    swap(0, last)
    times.pop()
    ids.pop()
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < times.length && (times[l] as number) < (times[m] as number)) m = l
      if (r < times.length && (times[r] as number) < (times[m] as number)) m = r
      if (m === i) break
      swap(i, m)
      i = m
    }
  }
  return {
    push,
    pop,
    peekTime: (): number | undefined => times[0],
    peekId: (): string | undefined => ids[0],
    size: (): number => times.length,
    clear: (): void => {
      times.length = 0
      ids.length = 0
    },
  }
}

const NO_NUMBERS: ReadonlyArray<string> = []

/** Builds one vendor's store over a seeded pool. */
export const createStore = (config: StoreConfig): VendorStore => {
  const { vendor, pairCapacity, now } = config
  const expiredMemory = config.expiredMemory ?? 10_000
  const pool = new Map<string, string>()
  const byCity = new Map<string, string[]>()
  for (const [code, numbers] of Object.entries(config.pool)) {
    for (const x of numbers) pool.set(x, code)
    byCity.set(code, [...(byCity.get(code) ?? []), ...numbers])
  }
  const live = new Map<string, StoredBinding>()
  const slots = new Map<string, XSlot>()
  const heap = createExpiryHeap()
  // Ended bindings, oldest first: vendors still answer for them for a while.
  const retiredMap = createFifoMap<string, RetiredBinding>(expiredMemory)
  const retire = (binding: StoredBinding, reason: RetiredBinding['reason']): void => {
    retiredMap.set(binding.subscriptionId, { binding, reason })
  }
  const groupMap = new Map<string, StoredGroup>()

  const slotOf = (x: string): XSlot => {
    let slot = slots.get(x)
    if (slot === undefined) {
      slot = { subs: new Set(), parties: new Map(), exclusive: false }
      slots.set(x, slot)
    }
    return slot
  }

  // Unbinds and expiry updates leave stale heap entries behind (skipped when popped). Rebuilding
  // once they outnumber the live bindings keeps memory flat under bind+unbind churn.
  const compact = (): void => {
    if (heap.size() <= 2 * live.size + 1024) return
    heap.clear()
    for (const b of live.values()) heap.push(b.expiresAt, b.subscriptionId)
  }

  const detach = (b: StoredBinding): void => {
    live.delete(b.subscriptionId)
    const slot = slots.get(b.x)
    if (slot === undefined) return
    slot.subs.delete(b.subscriptionId)
    for (const p of partiesOf(b)) {
      if (slot.parties.get(p) === b.subscriptionId) slot.parties.delete(p)
    }
    if (b.kind === 'AXN') slot.exclusive = false
    if (slot.subs.size === 0) slots.delete(b.x)
  }

  const unbind = (id: string): StoredBinding | undefined => {
    const b = get(id)
    if (b !== undefined) {
      detach(b)
      retire(b, 'unbound')
      compact()
    }
    return b
  }

  const purge = (): void => {
    const t = now()
    for (;;) {
      const top = heap.peekTime()
      if (top === undefined || top > t) return
      const id = heap.peekId() as string
      heap.pop()
      const b = live.get(id)
      // Stale heap entries (unbound, or expiry moved by an update) are skipped.
      if (b === undefined || b.expiresAt !== top) continue
      detach(b)
      retire(b, 'expired')
    }
  }

  const fits = (
    x: string,
    kind: BindingKind,
    parties: ReadonlyArray<string>,
  ): StateFailure | undefined => {
    const slot = slots.get(x)
    if (slot === undefined) return undefined
    if (slot.exclusive || kind === 'AXN') return 'x-occupied'
    if (slot.subs.size >= pairCapacity) return 'x-occupied'
    for (const p of parties) if (slot.parties.has(p)) return 'conflict'
    return undefined
  }

  // Next fit: each list of X numbers (a city's, or the whole pool's) is scanned from just after
  // the X it last handed out, wrapping around, so bindings spread over the pool as a vendor
  // spreads them. First fit (always from the list's start) made a selection cost grow with the
  // bindings a party already holds: a G group with n live bindings sits on n X numbers, and
  // each new one scanned past all of them (the benchmark's 10k AXG batch cost twice a 1k
  // batch's per item). Which free X comes back is not something either vendor promises.
  const allNumbers = [...pool.keys()]
  const cursors = new Map<ReadonlyArray<string>, number>()
  const nextFit = (
    xs: ReadonlyArray<string>,
    accept: (x: string) => boolean,
  ): string | undefined => {
    const start = cursors.get(xs) ?? 0
    for (let k = 0; k < xs.length; k++) {
      const i = (start + k) % xs.length
      const x = xs[i] as string
      if (accept(x)) {
        cursors.set(xs, i + 1)
        return x
      }
    }
    return undefined
  }

  const select = (
    sel: Selection,
    kind: BindingKind,
    parties: ReadonlyArray<string>,
  ): string | undefined => {
    const free = (x: string): boolean => fits(x, kind, parties) === undefined
    const tried = new Set<string>()
    for (const city of sel.cities) {
      if (tried.has(city)) continue
      tried.add(city)
      const x = nextFit(byCity.get(city) ?? NO_NUMBERS, free)
      if (x !== undefined) return x
    }
    if (!sel.anyCity) return undefined
    return nextFit(allNumbers, (x) => !tried.has(pool.get(x) ?? '') && free(x))
  }

  const bind = (req: NewBinding): StateResult<StoredBinding> => {
    purge()
    const parties =
      req.axConflictsWithAxb === true ? [...partiesOf(req), ...crossPartiesOf(req)] : partiesOf(req)
    let x = req.x
    if (x !== undefined) {
      if (!pool.has(x)) return { ok: false, failure: 'x-not-in-pool' }
      const failure = fits(x, req.kind, parties)
      if (failure !== undefined) return { ok: false, failure }
    } else {
      x = select(req.selection ?? { cities: [], anyCity: true }, req.kind, parties)
      if (x === undefined) return { ok: false, failure: 'no-number' }
    }
    // Request values are copied (ownString) so that a binding does not keep its request alive.
    const binding: StoredBinding = {
      vendor,
      kind: req.kind,
      subscriptionId: config.newSubscriptionId(),
      a: ownString(req.a),
      x,
      xCity: pool.get(x) ?? '',
      expiresAt: req.expiresAt,
      createdAt: now(),
      record: req.record,
      extra: ownExtra(req.extra),
    }
    if (req.b !== undefined) binding.b = ownString(req.b)
    if (req.placeholderB !== undefined) binding.placeholderB = req.placeholderB
    if (req.groupId !== undefined) binding.groupId = ownString(req.groupId)
    if (req.outId !== undefined) binding.outId = ownString(req.outId)
    if (req.userData !== undefined) binding.userData = ownString(req.userData)
    live.set(binding.subscriptionId, binding)
    const slot = slotOf(x)
    slot.subs.add(binding.subscriptionId)
    for (const p of partiesOf(binding)) slot.parties.set(p, binding.subscriptionId)
    if (req.kind === 'AXN') slot.exclusive = true
    heap.push(binding.expiresAt, binding.subscriptionId)
    return { ok: true, value: binding }
  }

  const get = (id: string): StoredBinding | undefined => {
    purge()
    return live.get(id)
  }

  const update = (id: string, change: BindingChange): StateResult<StoredBinding> => {
    const b = get(id)
    if (b === undefined) return { ok: false, failure: 'no-number' }
    const slot = slotOf(b.x)
    const next = {
      kind: b.kind,
      a: change.a ?? b.a,
      b: change.b ?? b.b,
      groupId: change.groupId ?? b.groupId,
    }
    for (const p of partiesOf(next)) {
      const holder = slot.parties.get(p)
      if (holder !== undefined && holder !== id) return { ok: false, failure: 'conflict' }
    }
    for (const p of partiesOf(b)) if (slot.parties.get(p) === id) slot.parties.delete(p)
    b.a = ownString(next.a)
    if (next.b !== undefined) {
      b.b = ownString(next.b)
      delete b.placeholderB
    }
    if (change.groupId !== undefined) b.groupId = ownString(change.groupId)
    for (const p of partiesOf(b)) slot.parties.set(p, id)
    if (change.outId !== undefined) b.outId = ownString(change.outId)
    if (change.userData !== undefined) b.userData = ownString(change.userData)
    if (change.record !== undefined) b.record = change.record
    if (change.extra !== undefined) Object.assign(b.extra, ownExtra(change.extra))
    if (change.expiresAt !== undefined && change.expiresAt !== b.expiresAt) {
      b.expiresAt = change.expiresAt
      heap.push(b.expiresAt, id)
      compact()
    }
    return { ok: true, value: b }
  }

  const groupExpired = (g: StoredGroup): boolean =>
    g.expiresAt !== undefined && g.expiresAt <= now()

  const getGroup = (id: string): StoredGroup | undefined => {
    const g = groupMap.get(id)
    if (g === undefined) return undefined
    if (groupExpired(g)) {
      groupMap.delete(id)
      return undefined
    }
    return g
  }

  return {
    vendor,
    pool,
    bind,
    get,
    expired: (id) => {
      purge()
      return retiredMap.get(id)?.reason === 'expired'
    },
    retired: (id) => {
      purge()
      return retiredMap.get(id)
    },
    retiredBindings: () => {
      purge()
      return retiredMap.values()
    },
    unbind,
    update,
    bindings: () => {
      purge()
      return [...live.values()]
    },
    bindingsOnX: (x) => {
      purge()
      const slot = slots.get(x)
      if (slot === undefined) return []
      return [...slot.subs].map((id) => live.get(id)).filter((b): b is StoredBinding => !!b)
    },
    liveCount: () => {
      purge()
      return live.size
    },
    freeNumbers: (areaCode) => {
      purge()
      const out: string[] = []
      for (const [x, code] of pool) {
        if ((areaCode === undefined || code === areaCode) && !slots.has(x)) out.push(x)
      }
      return out
    },
    createGroup: (group) => {
      const g: StoredGroup = { ...group, vendor, numbers: [...group.numbers] }
      groupMap.set(g.id, g)
      return g
    },
    getGroup,
    deleteGroup: (id) => groupMap.delete(id),
    groups: () => [...groupMap.keys()].map(getGroup).filter((g): g is StoredGroup => !!g),
    groupInUse: (id) => {
      purge()
      for (const b of live.values()) if (b.groupId === id) return true
      return false
    },
  }
}
