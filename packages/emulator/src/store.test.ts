import type { StoreConfig } from './store'
import { createStore } from './store'

const setup = (overrides: Partial<StoreConfig> = {}) => {
  let now = 1_000_000
  let n = 0
  const store = createStore({
    vendor: 'volcengine',
    pool: { '010': ['X1', 'X2'], '021': ['X3'] },
    pairCapacity: 2,
    now: () => now,
    newSubscriptionId: () => `S${++n}`,
    expiredMemory: 2,
    ...overrides,
  })
  return { store, advance: (ms: number) => (now += ms) }
}

const axb = (a: string, b: string, extra: object = {}) => ({
  kind: 'AXB' as const,
  a,
  b,
  expiresAt: 1_000_000 + 60_000,
  record: false,
  ...extra,
})

describe('vendor store', () => {
  it('puts one G group on a given X in at most one live AXG binding (the reuse rule)', () => {
    const { store } = setup({ pairCapacity: 10 })
    const axg = (a: string, extra: object = {}) => ({
      kind: 'AXG' as const,
      a,
      groupId: 'G1',
      expiresAt: 1_000_000 + 60_000,
      record: false,
      ...extra,
    })
    const first = store.bind(axg('A1', { x: 'X1' }))
    expect(first.ok).toBe(true)
    expect(store.bind(axg('A2', { x: 'X1' }))).toEqual({ ok: false, failure: 'conflict' })
    const selected = store.bind(axg('A2', { selection: { cities: ['010'], anyCity: false } }))
    expect(selected.ok && selected.value.x).toBe('X2')
    const otherGroup = store.bind(axg('A3', { x: 'X1', groupId: 'G2' }))
    expect(otherGroup.ok).toBe(true)
    if (!first.ok) throw new Error('bind failed')
    expect(store.update(first.value.subscriptionId, { groupId: 'G2' })).toEqual({
      ok: false,
      failure: 'conflict',
    })
    store.unbind(first.value.subscriptionId)
    expect(store.bind(axg('A4', { x: 'X1' })).ok).toBe(true)
  })

  it('selects an X with room in the first listed city that has one', () => {
    const { store } = setup()
    const r = store.bind(axb('A', 'B', { selection: { cities: ['0755', '021'], anyCity: false } }))
    expect(r.ok && r.value.x).toBe('X3')
    const none = store.bind(
      axb('A', 'C', { selection: { cities: ['0755', '021'], anyCity: false } }),
    )
    expect(none).toEqual({ ok: false, failure: 'no-number' })
    const any = store.bind(axb('A', 'C', { selection: { cities: ['021'], anyCity: true } }))
    expect(any.ok && any.value.x).toBe('X1')
  })

  it('hands out X numbers in turn (next fit), wrapping around and skipping ones without room', () => {
    const { store } = setup({
      pool: { '010': ['X1', 'X2', 'X3'], '021': ['X4'] },
      pairCapacity: 10,
    })
    const inCity = { selection: { cities: ['010'], anyCity: false } }
    const xOf = (r: ReturnType<typeof store.bind>) => (r.ok ? r.value.x : r.failure)
    const turns = ['A1', 'A2', 'A3', 'A4'].map((a, i) => xOf(store.bind(axb(a, `B${i}`, inCity))))
    expect(turns).toEqual(['X1', 'X2', 'X3', 'X1'])
    // The next turn is X2, where A2 already sits: the scan goes on to X3.
    expect(xOf(store.bind(axb('A2', 'B9', inCity)))).toBe('X3')
    // The whole pool has a turn of its own; a city already tried is skipped in it.
    const anywhere = { selection: { cities: ['0755'], anyCity: true } }
    expect(xOf(store.bind(axb('C1', 'D1', anywhere)))).toBe('X1')
    expect(xOf(store.bind(axb('C2', 'D2', anywhere)))).toBe('X2')
    const notBeijing = { selection: { cities: ['010'], anyCity: true } }
    expect(xOf(store.bind(axb('A1', 'A2', notBeijing)))).toBe('X4')
  })

  it('expires bindings in expiry order, honouring updated expiries', () => {
    const { store, advance } = setup()
    const first = store.bind(axb('A1', 'B1', { x: 'X1', expiresAt: 1_000_000 + 10_000 }))
    store.bind(axb('A2', 'B2', { x: 'X1', expiresAt: 1_000_000 + 20_000 }))
    if (!first.ok) throw new Error('bind failed')
    store.update(first.value.subscriptionId, { expiresAt: 1_000_000 + 30_000 })
    advance(20_000)
    expect(store.bindings().map((b) => b.a)).toEqual(['A1'])
    expect(store.expired('S2')).toBe(true)
    advance(10_000)
    expect(store.liveCount()).toBe(0)
  })

  it('remembers a bounded number of expired ids', () => {
    const { store, advance } = setup({ pairCapacity: 10 })
    for (let i = 0; i < 3; i++)
      store.bind(axb(`A${i}`, `B${i}`, { x: 'X1', expiresAt: 1_000_000 + 1000 + i }))
    advance(10_000)
    expect(['S1', 'S2', 'S3'].map((id) => store.expired(id))).toEqual([false, true, true])
  })

  it('refuses an update that would put a party twice on one X', () => {
    const { store } = setup()
    store.bind(axb('A1', 'B1', { x: 'X1' }))
    store.bind(axb('A2', 'B2', { x: 'X1' }))
    expect(store.update('S2', { b: 'A1' })).toEqual({ ok: false, failure: 'conflict' })
    expect(store.update('S2', { b: 'B3' }).ok).toBe(true)
  })

  it('counts only X numbers without live bindings as free', () => {
    const { store } = setup()
    store.bind(axb('A', 'B', { x: 'X1' }))
    expect(store.freeNumbers()).toEqual(['X2', 'X3'])
    expect(store.freeNumbers('010')).toEqual(['X2'])
  })

  it('keeps expiring correctly after heavy bind+unbind churn compacts its expiry heap', () => {
    const { store, advance } = setup({ pairCapacity: 10_000 })
    for (let i = 0; i < 5000; i++) {
      const r = store.bind(axb(`A${i}`, `B${i}`, { x: 'X1', expiresAt: 1_000_000 + 60_000 }))
      if (r.ok) store.unbind(r.value.subscriptionId)
    }
    store.bind(axb('A', 'B', { x: 'X1', expiresAt: 1_000_000 + 10_000 }))
    store.bind(axb('C', 'D', { x: 'X1', expiresAt: 1_000_000 + 20_000 }))
    advance(15_000)
    expect(store.bindings().map((b) => b.a)).toEqual(['C'])
    advance(10_000)
    expect(store.liveCount()).toBe(0)
  })
})
