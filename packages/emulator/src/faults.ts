// Fault injection: rules matched per request, by vendor and action, limited by count or rate.
import type { Vendor } from './store'

/** What the emulator does instead of (or on top of) answering normally. */
export type Fault =
  /** Answer this vendor error code in the vendor's own envelope (default HTTP 200). */
  | {
      readonly kind: 'error'
      readonly code: string
      readonly message?: string
      readonly httpStatus?: number
    }
  /** Answer an HTTP status with an HTML body (a gateway or load-balancer page). */
  | { readonly kind: 'http'; readonly status: number; readonly body?: string }
  /** Wait, then answer normally. */
  | { readonly kind: 'latency'; readonly ms: number }
  /** Never answer; the socket stays open until the client gives up or the emulator closes. */
  | { readonly kind: 'hang' }
  /** Reset the connection without answering; nothing is applied. */
  | { readonly kind: 'reset' }
  /** Answer 200 with truncated JSON; nothing is applied. */
  | { readonly kind: 'malformed' }
  /** Apply the action, then close the connection before answering (the ambiguous case). */
  | { readonly kind: 'apply-then-drop' }

/** A fault rule: which requests it hits and how often. */
export interface FaultRule {
  readonly vendor: Vendor
  /** The vendor action name (`BindAXB`, `BindAxb`); every action when absent. */
  readonly action?: string
  /** Hit at most this many requests, then retire. Unlimited when absent. */
  readonly times?: number
  /** Probability (0..1) that a matching request is hit. Always when absent. */
  readonly rate?: number
  readonly fault: Fault
}

/** The `emu.faults` handle. */
export interface Faults {
  /** Adds a rule; returns its id. Rules are tried in insertion order. */
  inject(rule: FaultRule): string
  /** Removes one rule, or every rule when no id is given. */
  clear(id?: string): void
  /** The active rules, with the hits they have left. */
  list(): ReadonlyArray<FaultRule & { readonly id: string }>
}

/** The registry as the servers see it. */
export interface FaultRegistry extends Faults {
  /** The fault for this request, if a rule hits it (consuming one of its `times`). */
  take(vendor: Vendor, action: string): Fault | undefined
}

interface ActiveRule {
  readonly id: string
  readonly rule: FaultRule
  remaining: number
}

/** Builds an empty fault registry; `random` decides `rate` hits (injectable for tests). */
export const createFaultRegistry = (random: () => number = Math.random): FaultRegistry => {
  let rules: ActiveRule[] = []
  let next = 1
  return {
    inject: (rule) => {
      if (rule.rate !== undefined && !(rule.rate >= 0 && rule.rate <= 1)) {
        throw new RangeError('fault rate must be within 0..1')
      }
      if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times >= 1)) {
        throw new RangeError('fault times must be a positive integer')
      }
      const id = `fault-${next++}`
      rules.push({ id, rule, remaining: rule.times ?? Number.POSITIVE_INFINITY })
      return id
    },
    clear: (id) => {
      rules = id === undefined ? [] : rules.filter((r) => r.id !== id)
    },
    list: () =>
      rules.map((r) => ({
        ...r.rule,
        id: r.id,
        ...(Number.isFinite(r.remaining) ? { times: r.remaining } : {}),
      })),
    take: (vendor, action) => {
      if (rules.length === 0) return undefined
      for (const r of rules) {
        if (r.rule.vendor !== vendor) continue
        if (r.rule.action !== undefined && r.rule.action !== action) continue
        if (r.rule.rate !== undefined && random() >= r.rule.rate) continue
        r.remaining -= 1
        if (r.remaining <= 0) rules = rules.filter((x) => x !== r)
        return r.rule.fault
      }
      return undefined
    },
  }
}
