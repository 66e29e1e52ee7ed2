/**
 * `createMemoryProvider()`: an in-memory reference `Provider` that obeys the same rules as the
 * vendors (validation, the reuse rule, AXB pair capacity, expiry, groups, X selection by city
 * with fallbacks). Users run their unit tests against it; we run the contract suite against it.
 */
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import { applyFieldByField, mapWithConcurrency } from './batch'
import { makeError, type PrivacyNumberError } from './errors'
import type {
  Binding,
  BindingKind,
  BindingUpdate,
  FindBindingsQuery,
  GroupChange,
  GroupInput,
  Provider,
  ProviderCapabilities,
} from './model'
import { formatRef, parseRef } from './ref'
import {
  validateBindingUpdate,
  validateBindRequest,
  validateFindBindingsQuery,
  validateGroupChange,
  validateGroupId,
  validateGroupInput,
  type ValidBindRequest,
} from './validation'

/** Options of the memory provider. */
export interface MemoryProviderOptions {
  /** The vendor name it reports (default 'memory'). */
  readonly vendor?: string
  /** Pool name carried in refs (default 'memory-pool'). */
  readonly pool?: string
  /** X numbers per area code (default: three numbers in each of 010, 021, 0531). */
  readonly numbers?: Readonly<Record<string, ReadonlyArray<string>>>
  /** Live (A,B) pairs one X can carry in AXB (default 200). */
  readonly pairCapacity?: number
  /** The clock (default `() => new Date()`). */
  readonly now?: () => Date
  /** Kinds it offers (default all three). */
  readonly kinds?: ReadonlyArray<BindingKind>
}

/** The memory provider, with a peek at its state for tests. */
export interface MemoryProvider extends Provider {
  /** Live bindings (expired ones are dropped first). */
  readonly live: () => ReadonlyArray<Binding>
  /** Operations that reached the "vendor" (validation failures are not counted). */
  readonly requestCount: () => number
}

interface Stored {
  readonly binding: Binding
  readonly record: boolean
  readonly userData?: string
}

const DEFAULT_NUMBERS: Readonly<Record<string, ReadonlyArray<string>>> = {
  '010': ['17010000001', '17010000002', '17010000003'],
  '021': ['17021000001', '17021000002', '17021000003'],
  '0531': ['17053100001', '17053100002', '17053100003'],
}

const err = (
  tag: 'NoAvailableNumber' | 'BindingConflict' | 'BindingNotFound',
  message: string,
  vendor: string,
) => makeError(tag, message, { vendor })

/** Creates an in-memory provider that follows the vendors' rules. */
export function createMemoryProvider(options: MemoryProviderOptions = {}): MemoryProvider {
  const vendor = options.vendor ?? 'memory'
  const pool = options.pool ?? 'memory-pool'
  const numbers = options.numbers ?? DEFAULT_NUMBERS
  const capacity = options.pairCapacity ?? 200
  const now = options.now ?? (() => new Date())
  const kinds = options.kinds ?? ['AXB', 'AXN', 'AXG']
  const bindings = new Map<string, Stored>()
  const groups = new Map<string, { name: string; numbers: string[] }>()
  let seq = 0
  let requests = 0

  const cityOfX = new Map<string, string>()
  for (const [city, xs] of Object.entries(numbers)) for (const x of xs) cityOfX.set(x, city)

  const sweep = (): void => {
    const t = now().getTime()
    for (const [id, s] of bindings) if (s.binding.expiresAt.getTime() <= t) bindings.delete(id)
  }
  const liveOn = (x: string): Stored[] => [...bindings.values()].filter((s) => s.binding.x === x)
  const partiesOf = (b: Binding): string[] => {
    const g = b.groupId === undefined ? [] : (groups.get(b.groupId)?.numbers ?? [])
    return [b.a, ...(b.b === undefined ? [] : [b.b]), ...g]
  }
  // The reuse rule: a real number can sit on a given X in only one live binding.
  const fits = (x: string, parties: ReadonlyArray<string>, kind: BindingKind): boolean => {
    const onX = liveOn(x)
    if (kind !== 'AXB' && onX.length > 0) return false
    if (onX.some((s) => s.binding.kind !== 'AXB')) return false
    if (onX.length >= capacity) return false
    const used = new Set(onX.flatMap((s) => partiesOf(s.binding)))
    return parties.every((p) => !used.has(p))
  }

  const cityOrder = (r: ValidBindRequest): string[] => {
    const first = r.select?.city
    const fallback = (r.select?.fallbackCities ?? []).map((c) =>
      c === 'PROVINCE_CAPITAL' ? (first ?? '') : c,
    )
    const ordered = [...(first === undefined ? [] : [first]), ...fallback].filter((c) => c !== '')
    const any = r.select?.strict === true && ordered.length > 0 ? [] : Object.keys(numbers)
    return [...new Set([...ordered, ...any])]
  }

  const bindValid = (r: ValidBindRequest): E.Either<PrivacyNumberError, Binding> => {
    sweep()
    requests++
    let groupId: string | undefined
    let groupMembers: ReadonlyArray<string> = []
    if (r.group !== undefined) {
      if ('id' in r.group) {
        const g = groups.get(r.group.id)
        if (g === undefined) return E.left(err('BindingNotFound', `no group ${r.group.id}`, vendor))
        groupId = r.group.id
        groupMembers = g.numbers
      } else {
        groupMembers = r.group.numbers
      }
    }
    const parties = [r.a, ...(r.b === undefined ? [] : [r.b]), ...groupMembers]
    let x: string | undefined
    if (r.x !== undefined) {
      if (!cityOfX.has(r.x)) return E.left(err('BindingConflict', 'X is not in this pool', vendor))
      if (!fits(r.x, parties, r.kind))
        return E.left(err('BindingConflict', 'a party is already bound to this X', vendor))
      x = r.x
    } else {
      for (const city of cityOrder(r)) {
        x = (numbers[city] ?? []).find((candidate) => fits(candidate, parties, r.kind))
        if (x !== undefined) break
      }
      if (x === undefined)
        return E.left(err('NoAvailableNumber', 'no X available in the requested cities', vendor))
    }
    if (r.group !== undefined && !('id' in r.group)) {
      groupId = `G${++seq}`
      groups.set(groupId, { name: r.group.name, numbers: [...r.group.numbers] })
    }
    const subscriptionId = `M${String(++seq).padStart(8, '0')}`
    const xCity = cityOfX.get(x)
    const binding: Binding = {
      ref: formatRef({ vendor, pool, kind: r.kind, subscriptionId, x }),
      vendor,
      kind: r.kind,
      subscriptionId,
      x,
      a: r.a,
      ...(r.b === undefined ? {} : { b: r.b }),
      ...(groupId === undefined ? {} : { groupId }),
      expiresAt: r.expiresAt,
      ...(xCity === undefined ? {} : { xCity }),
      ...(r.outId === undefined ? {} : { outId: r.outId }),
    }
    bindings.set(subscriptionId, {
      binding,
      record: r.record,
      ...(r.userData === undefined ? {} : { userData: r.userData }),
    })
    return E.right(binding)
  }

  const bind = (req: Parameters<Provider['bind']>[0]): TE.TaskEither<PrivacyNumberError, Binding> =>
    TE.fromEither(
      pipe(
        validateBindRequest(req, now()),
        E.chainW((r): E.Either<PrivacyNumberError, ValidBindRequest> =>
          kinds.includes(r.kind)
            ? E.right(r)
            : E.left(
                makeError('Unsupported', `${r.kind} is not offered`, { vendor, operation: 'bind' }),
              ),
        ),
        E.chain(bindValid),
      ),
    )

  const lookup = (ref: string): E.Either<PrivacyNumberError, Stored> =>
    pipe(
      parseRef(ref),
      E.chainW((parts) =>
        parts.vendor !== vendor
          ? E.left(makeError('InvalidArgument', `ref belongs to ${parts.vendor}`, { field: 'ref' }))
          : E.right(parts),
      ),
      E.chainW((parts) => {
        sweep()
        requests++
        const s = bindings.get(parts.subscriptionId)
        return s === undefined
          ? E.left(err('BindingNotFound', 'no such binding', vendor))
          : E.right(s)
      }),
    )

  const update = (ref: string, change: BindingUpdate): TE.TaskEither<PrivacyNumberError, void> =>
    pipe(
      TE.fromEither(validateBindingUpdate(change, now())),
      TE.chainW((c) =>
        TE.fromEither(
          pipe(
            lookup(ref),
            E.map((s) => ({ s, c })),
          ),
        ),
      ),
      TE.chain(({ s, c }) =>
        applyFieldByField(c, (field) => () => {
          const current = bindings.get(s.binding.subscriptionId)
          if (current === undefined)
            return Promise.resolve(E.left(err('BindingNotFound', 'no such binding', vendor)))
          const b = current.binding
          const others = liveOn(b.x).filter((o) => o !== current)
          const taken = new Set(others.flatMap((o) => partiesOf(o.binding)))
          let next: Stored = current
          if (field === 'expiresAt' && c.expiresAt !== undefined)
            next = { ...current, binding: { ...b, expiresAt: c.expiresAt } }
          if ((field === 'a' || field === 'b') && c[field] !== undefined) {
            const value = c[field] as string
            if (taken.has(value))
              return Promise.resolve(
                E.left(err('BindingConflict', `${field} is already bound to this X`, vendor)),
              )
            next = { ...current, binding: { ...b, [field]: value } }
          }
          if (field === 'groupId' && c.groupId !== undefined) {
            if (!groups.has(c.groupId))
              return Promise.resolve(
                E.left(err('BindingNotFound', `no group ${c.groupId}`, vendor)),
              )
            next = { ...current, binding: { ...b, groupId: c.groupId } }
          }
          if (field === 'outId' && c.outId !== undefined)
            next = { ...current, binding: { ...b, outId: c.outId } }
          if (field === 'record' && c.record !== undefined) next = { ...current, record: c.record }
          bindings.set(b.subscriptionId, next)
          return Promise.resolve(E.right(undefined))
        }),
      ),
    )

  const capabilities: ProviderCapabilities = {
    kinds,
    operations: [
      'bind',
      'bindBatch',
      'unbind',
      'update',
      'query',
      'createGroup',
      'updateGroup',
      'deleteGroup',
      'findBindings',
    ],
    axbWithoutB: true,
    axnWithoutB: true,
    selection: { byCity: true, byParty: false, fallbackCities: 'emulated' },
    updatable: {
      AXB: ['expiresAt', 'a', 'b', 'outId', 'record'],
      AXN: ['expiresAt', 'a', 'b', 'outId', 'record'],
      AXG: ['expiresAt', 'a', 'b', 'groupId', 'outId', 'record'],
    },
    inlineGroups: true,
  }

  const provider: MemoryProvider = {
    specificationVersion: 'v1',
    vendor,
    capabilities,
    bind,
    bindBatch: (reqs) =>
      mapWithConcurrency(reqs, 8, bind, (e) =>
        makeError('Unknown', `defect: ${String(e)}`, { vendor }),
      ),
    unbind: (ref) =>
      TE.fromEither(
        pipe(
          lookup(ref),
          E.map((s) => {
            bindings.delete(s.binding.subscriptionId)
          }),
          E.orElse((e) => (e._tag === 'BindingNotFound' ? E.right(undefined) : E.left(e))),
        ),
      ),
    update,
    query: (ref) =>
      TE.fromEither(
        pipe(
          lookup(ref),
          E.map((s) => s.binding),
        ),
      ),
    createGroup: (g: GroupInput) =>
      TE.fromEither(
        pipe(
          validateGroupInput(g, now()),
          E.map((v) => {
            requests++
            const groupId = `G${++seq}`
            groups.set(groupId, { name: v.name, numbers: [...v.numbers] })
            return { groupId }
          }),
        ),
      ),
    updateGroup: (groupId: string, change: GroupChange) =>
      TE.fromEither(
        pipe(
          E.Do,
          E.apS('id', validateGroupId(groupId)),
          E.apS('c', validateGroupChange(change)),
          E.chainW(({ id, c }): E.Either<PrivacyNumberError, void> => {
            requests++
            const g = groups.get(id)
            if (g === undefined) return E.left(err('BindingNotFound', `no group ${id}`, vendor))
            let members = c.replace !== undefined ? [...c.replace] : [...g.numbers]
            members = [...members, ...(c.add ?? []).filter((n) => !members.includes(n))]
            members = members.filter((n) => !(c.remove ?? []).includes(n))
            if (members.length > 200)
              return E.left(
                makeError('InvalidArgument', 'a group holds at most 200 numbers', {
                  field: 'change.add',
                }),
              )
            groups.set(id, { name: c.name ?? g.name, numbers: members })
            return E.right(undefined)
          }),
        ),
      ),
    deleteGroup: (groupId: string) =>
      TE.fromEither(
        pipe(
          validateGroupId(groupId),
          E.map((id) => {
            requests++
            groups.delete(id)
          }),
        ),
      ),
    findBindings: (q: FindBindingsQuery) =>
      TE.fromEither(
        pipe(
          validateFindBindingsQuery(q),
          E.map((v) => {
            sweep()
            requests++
            return [...bindings.values()]
              .map((s) => s.binding)
              .filter(
                (b) =>
                  (v.a === undefined || b.a === v.a) &&
                  (v.b === undefined || b.b === v.b) &&
                  (v.x === undefined || b.x === v.x) &&
                  (v.outId === undefined || b.outId === v.outId),
              )
          }),
        ),
      ),
    live: () => {
      sweep()
      return [...bindings.values()].map((s) => s.binding)
    },
    requestCount: () => requests,
  }
  return provider
}
