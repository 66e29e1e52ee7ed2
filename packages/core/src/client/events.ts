/**
 * Client events (DESIGN §2.4): what the client did, for logs, metrics and tracing. Phone numbers
 * in events are masked. Events go to `onEvent` and to the `node:diagnostics_channel` channel
 * `CLIENT_EVENTS_CHANNEL`, so tracing tools can subscribe without code changes.
 */
import diagnostics from 'node:diagnostics_channel'
import type { ErrorTag, Outcome } from '../errors'

/** The diagnostics_channel name the client publishes every `ClientEvent` on. */
export const CLIENT_EVENTS_CHANNEL = 'privacy-number:client'

/** A client operation. */
export type ClientOperation =
  | 'bind'
  | 'bindBatch'
  | 'unbind'
  | 'update'
  | 'query'
  | 'createGroup'
  | 'updateGroup'
  | 'deleteGroup'
  | 'findBindings'
  | 'sweep'

/** Everything the client reports. */
export type ClientEvent =
  | {
      readonly type: 'attempt-started'
      readonly vendor: string
      readonly operation: ClientOperation
    }
  | {
      readonly type: 'attempt-finished'
      readonly vendor: string
      readonly operation: ClientOperation
      readonly durationMs: number
      readonly ok: boolean
      readonly errorTag?: ErrorTag
      readonly outcome?: Outcome
    }
  | {
      readonly type: 'failover'
      readonly operation: ClientOperation
      readonly from: string
      readonly to?: string
      readonly errorTag: ErrorTag
    }
  | {
      readonly type: 'retry'
      readonly vendor: string
      readonly operation: ClientOperation
      readonly attempt: number
      readonly delayMs: number
      readonly errorTag: ErrorTag
    }
  | { readonly type: 'breaker-open'; readonly vendor: string }
  | { readonly type: 'breaker-half-open'; readonly vendor: string }
  | { readonly type: 'breaker-closed'; readonly vendor: string }
  | {
      readonly type: 'circuit-skipped'
      readonly vendor: string
      readonly operation: ClientOperation
    }
  | {
      readonly type: 'reconciled'
      readonly vendor: string
      readonly outId: string
      readonly result: 'adopted' | 'absent' | 'unknown'
      readonly durationMs: number
    }
  | {
      /** A request found absent after an unknown outcome was applied late, and released. */
      readonly type: 'late-binding-released'
      readonly vendor: string
      readonly outId: string
    }
  | {
      readonly type: 'unknown-outcome'
      readonly vendor: string
      readonly operation: ClientOperation
      readonly outId?: string
      /** Masked. */
      readonly a?: string
      /** Masked. */
      readonly b?: string
      readonly errorTag: ErrorTag
    }

/** An event sink, and whether anyone would receive an event now. */
export interface EventSink {
  (e: ClientEvent): void
  /** False when there is no listener and no channel subscriber: callers skip building events. */
  readonly active: () => boolean
}

/** Publishes events to a listener and to the diagnostics channel; a throwing listener is ignored. */
export function createEventSink(onEvent?: (e: ClientEvent) => void): EventSink {
  const channel = diagnostics.channel(CLIENT_EVENTS_CHANNEL)
  const sink = (e: ClientEvent): void => {
    if (onEvent !== undefined) {
      try {
        onEvent(e)
      } catch {
        // A listener's bug must not turn a bind into a failure (or an unhandled exception).
      }
    }
    if (channel.hasSubscribers) channel.publish(e)
  }
  return Object.assign(sink, { active: () => onEvent !== undefined || channel.hasSubscribers })
}
