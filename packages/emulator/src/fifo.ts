// A Map with a size cap that forgets its oldest entries first (nonces, ended bindings, idempotent
// ids). Written for speed: the insertion order lives in a ring of keys, so dropping the oldest
// entry is O(1). `map.keys().next()` on a Map used as a queue is not: V8 leaves a hole for every
// deleted entry until the table is rebuilt, and the iterator walks over all of them — with 50,000
// nonces that cost 18–37 µs per request.

/** A bounded map, oldest entries first. */
export interface FifoMap<K, V> {
  readonly size: number
  get(key: K): V | undefined
  has(key: K): boolean
  /**
   * Sets a value. A new key goes last (the oldest entry is dropped first when the map is full);
   * an existing key keeps its place, as in a Map.
   */
  set(key: K, value: V): void
  /** Adds a new key (last, like `set`) and says true; leaves a present key alone and says false. */
  add(key: K, value: V): boolean
  /** The oldest entry's value; undefined when empty. */
  oldest(): V | undefined
  /** Drops the oldest entry. */
  dropOldest(): void
  /** Values, oldest first. */
  values(): V[]
}

/** An empty bounded map holding at most `capacity` entries (none when capacity ≤ 0). */
export const createFifoMap = <K, V>(capacity: number): FifoMap<K, V> => {
  const cap = Math.max(0, Math.floor(capacity))
  // key → its slot in the rings; the rings hold keys and values oldest first from `head`.
  const slots = new Map<K, number>()
  const keys = new Array<K | undefined>(cap)
  const vals = new Array<V | undefined>(cap)
  let head = 0
  const slotAt = (i: number): number => (head + i >= cap ? head + i - cap : head + i)
  const dropOldest = (): void => {
    if (slots.size === 0) return
    slots.delete(keys[head] as K)
    keys[head] = undefined
    vals[head] = undefined
    head = head + 1 === cap ? 0 : head + 1
  }
  const append = (key: K, value: V): void => {
    if (slots.size === cap) dropOldest()
    const tail = slotAt(slots.size)
    keys[tail] = key
    vals[tail] = value
    slots.set(key, tail)
  }
  return {
    get size() {
      return slots.size
    },
    get: (key) => {
      const slot = slots.get(key)
      return slot === undefined ? undefined : vals[slot]
    },
    has: (key) => slots.has(key),
    set: (key, value) => {
      if (cap === 0) return
      const slot = slots.get(key)
      if (slot === undefined) append(key, value)
      else vals[slot] = value
    },
    add: (key, value) => {
      if (slots.has(key)) return false
      if (cap > 0) append(key, value)
      return true
    },
    oldest: () => (slots.size === 0 ? undefined : vals[head]),
    dropOldest,
    values: () => {
      const out: V[] = []
      for (let i = 0; i < slots.size; i++) out.push(vals[slotAt(i)] as V)
      return out
    },
  }
}
