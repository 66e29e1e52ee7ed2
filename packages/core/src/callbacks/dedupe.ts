/**
 * Deduplication of pushed events: both vendors may deliver a push twice (Volcengine says so,
 * Aliyun's pushes "are not idempotent"). A bounded LRU of keys with a time-to-live; a `Map`
 * keeps insertion order, which is all an LRU needs.
 */

/** Remembers keys for a while. */
export interface Dedupe {
  /** True if `key` was seen (and not expired) before; records it either way. */
  seen(key: string): boolean
  /** Forgets a key (so a retried push is processed again). */
  forget(key: string): void
  /** How many keys are remembered. */
  size(): number
}

/** Options of `createDedupe`. */
export interface DedupeOptions {
  /** Most keys kept (oldest dropped first); default 10 000. */
  readonly max?: number
  /** How long a key is remembered; default 24 h. */
  readonly ttlMs?: number
  /** Clock (default `Date.now`). */
  readonly now?: () => number
}

/** Creates a bounded, expiring set of seen keys. */
export function createDedupe(options: DedupeOptions = {}): Dedupe {
  const max = Math.max(1, options.max ?? 10_000)
  const ttl = options.ttlMs ?? 24 * 3_600_000
  const now = options.now ?? Date.now
  const keys = new Map<string, number>()
  return {
    seen(key) {
      const t = now()
      const at = keys.get(key)
      const hit = at !== undefined && t - at < ttl
      keys.delete(key)
      keys.set(key, hit && at !== undefined ? at : t)
      while (keys.size > max) {
        const oldest = keys.keys().next()
        if (oldest.done === true) break
        keys.delete(oldest.value)
      }
      return hit
    },
    forget(key) {
      keys.delete(key)
    },
    size: () => keys.size,
  }
}
