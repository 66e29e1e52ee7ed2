import { createFifoMap } from './fifo'

describe('createFifoMap', () => {
  it('drops the oldest entry once full, and keeps the order through the ring wrapping', () => {
    const m = createFifoMap<string, number>(3)
    for (let i = 1; i <= 7; i++) m.set(`k${i}`, i)
    expect(m.size).toBe(3)
    expect(m.values()).toEqual([5, 6, 7])
    expect(m.has('k4')).toBe(false)
    expect(m.get('k5')).toBe(5)
    expect(m.oldest()).toBe(5)
  })

  it('updates an existing key in place, like a Map', () => {
    const m = createFifoMap<string, number>(3)
    m.set('a', 1)
    m.set('b', 2)
    m.set('a', 10)
    m.set('c', 3)
    m.set('d', 4)
    expect(m.values()).toEqual([2, 3, 4])
    expect(m.has('a')).toBe(false)
  })

  it('drops the oldest on demand and empties cleanly', () => {
    const m = createFifoMap<string, number>(2)
    m.set('a', 1)
    m.set('b', 2)
    m.dropOldest()
    expect(m.values()).toEqual([2])
    m.dropOldest()
    m.dropOldest()
    expect(m.size).toBe(0)
    expect(m.oldest()).toBeUndefined()
    m.set('c', 3)
    m.set('d', 4)
    m.set('e', 5)
    expect(m.values()).toEqual([4, 5])
  })

  it('adds a key only when absent', () => {
    const m = createFifoMap<string, number>(2)
    expect(m.add('a', 1)).toBe(true)
    expect(m.add('a', 2)).toBe(false)
    expect(m.get('a')).toBe(1)
    expect(m.add('b', 3)).toBe(true)
    expect(m.add('c', 4)).toBe(true)
    expect(m.values()).toEqual([3, 4])
  })

  it('holds nothing with a capacity of 0', () => {
    const m = createFifoMap<string, number>(0)
    m.set('a', 1)
    expect(m.size).toBe(0)
    expect(m.values()).toEqual([])
  })
})
