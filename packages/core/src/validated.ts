/**
 * Requests core has already validated (internal; not exported from the package). The client
 * validates a bind, then hands the validated object to a provider, which validates again: with
 * this mark the second pass only re-checks what time can change (the expiry window). Objects
 * are frozen when marked, so a marked request cannot be edited into an invalid one.
 */
import type { ValidBindRequest } from './validation'

const marked = new WeakSet<object>()

/** Marks (and freezes) a request this module's caller has just validated. */
export function markValidated<A extends ValidBindRequest>(request: A): A {
  marked.add(Object.freeze(request))
  return request
}

/** True for an object `markValidated` returned. */
export function isMarkedValidated(u: unknown): u is ValidBindRequest {
  return typeof u === 'object' && u !== null && marked.has(u)
}
