import * as E from 'fp-ts/Either'
import { describeProviderContract } from '@privacy-number/core/testing'
import { createMemoryProvider, type MemoryProvider } from './memory-provider'

let memory: MemoryProvider
describeProviderContract({
  name: 'memory',
  makeProvider: () => (memory = createMemoryProvider()),
  capabilities: createMemoryProvider().capabilities,
  requestCount: () => memory.requestCount(),
})

describe('memory provider rules', () => {
  const t0 = new Date('2030-01-01T00:00:00Z')
  let clock = t0
  const make = () => createMemoryProvider({ now: () => clock, numbers: { '010': ['17010000001'] } })
  const later = (ms: number) => new Date(t0.getTime() + ms)
  beforeEach(() => (clock = t0))

  it('refuses a second live binding of the same number on one X (the reuse rule)', async () => {
    const p = make()
    const first = await p.bind({
      kind: 'AXB',
      a: '13800000001',
      b: '13800000002',
      expiresAt: later(3_600_000),
    })()
    expect(E.isRight(first)).toBe(true)
    const second = await p.bind({
      kind: 'AXB',
      a: '13800000001',
      b: '13800000003',
      expiresAt: later(3_600_000),
    })()
    expect(E.isLeft(second) && second.left._tag).toBe('NoAvailableNumber')
    const other = await p.bind({
      kind: 'AXB',
      a: '13800000004',
      b: '13800000005',
      expiresAt: later(3_600_000),
    })()
    expect(E.isRight(other)).toBe(true)
  })

  it('drops bindings when their expiry passes on the injected clock', async () => {
    const p = make()
    const r = await p.bind({
      kind: 'AXB',
      a: '13800000001',
      b: '13800000002',
      expiresAt: later(120_000),
    })()
    expect(p.live()).toHaveLength(1)
    clock = later(121_000)
    expect(p.live()).toHaveLength(0)
    const q = await p.query(E.isRight(r) ? r.right.ref : '')()
    expect(E.isLeft(q) && q.left._tag).toBe('BindingNotFound')
  })

  it('reports the fields applied before a failing update step', async () => {
    const p = make()
    const a = await p.bind({
      kind: 'AXB',
      a: '13800000001',
      b: '13800000002',
      expiresAt: later(3_600_000),
    })()
    await p.bind({ kind: 'AXB', a: '13800000003', b: '13800000004', expiresAt: later(3_600_000) })()
    const ref = E.isRight(a) ? a.right.ref : ''
    const r = await p.update(ref, { expiresAt: later(7_200_000), b: '13800000003' })()
    expect(E.isLeft(r) && r.left._tag).toBe('BindingConflict')
    expect(E.isLeft(r) && r.left.applied).toEqual(['expiresAt'])
  })

  it('answers Unsupported for a kind it was built without', async () => {
    const p = createMemoryProvider({ kinds: ['AXB'] })
    const r = await p.bind({
      kind: 'AXN',
      a: '13800000001',
      expiresAt: new Date(Date.now() + 3_600_000),
    })()
    expect(E.isLeft(r) && r.left._tag).toBe('Unsupported')
  })
})
