// A Map with a size cap that forgets its oldest entries first (nonces, ended bindings, idempotent
// ids). Written for speed: the insertion order lives in a ring of keys, so dropping the oldest
// entry is O(1). `map.keys().next()` on a Map used as a queue is not: V8 leaves a hole for every
// deleted entry until the table is rebuilt, and the iterator walks over all of them — with 50,000
// nonces that cost 20–30 µs per request.

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
  const map = new Map<K, V>()
  const ring = new Array<K | undefined>(cap)
  let head = 0
  const dropOldest = (): void => {
    if (map.size === 0) return
    const key = ring[head] as K
    ring[head] = undefined
    head = head + 1 === cap ? 0 : head + 1
    map.delete(key)
  }
  return {
    get size() {
      return map.size
    },
    get: (key) => map.get(key),
    has: (key) => map.has(key),
    set: (key, value) => {
      if (map.has(key) || cap === 0) {
        if (cap > 0) map.set(key, value)
        return
      }
      if (map.size === cap) dropOldest()
      const tail = head + map.size
      ring[tail >= cap ? tail - cap : tail] = key
      map.set(key, value)
    },
    oldest: () => (map.size === 0 ? undefined : map.get(ring[head] as K)),
    dropOldest,
    values: () => {
      const out: V[] = []
      for (let i = 0; i < map.size; i++) {
        const at = head + i
        out.push(map.get(ring[at >= cap ? at - cap : at] as K) as V)
      }
      return out
    },
  }
}
