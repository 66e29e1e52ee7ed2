/**
 * Call events (DESIGN §2.7): both vendors push call status, CDRs and recording notices in
 * different shapes; the adapters' parsers turn them into this one model.
 */

/** What happened. */
export type CallEventType =
  'call-started' | 'ringing' | 'answered' | 'call-ended' | 'recording-ready'

/** Why a call ended, normalized across vendors. */
export type ReleaseCategory =
  | 'normal'
  | 'busy'
  | 'no-answer'
  | 'rejected'
  | 'unreachable'
  | 'no-binding'
  | 'blocked'
  | 'failed'
  | 'unknown'

/** The vendor's release cause plus its normalized category. */
export interface ReleaseCause {
  /** The vendor's own value, as a string (Volcengine callResult, Aliyun release_cause). */
  readonly raw: string
  readonly category: ReleaseCategory
}

/** One normalized call event. */
export interface CallEvent {
  readonly vendor: string
  readonly type: CallEventType
  readonly callId: string
  /** Exact, as a string (Aliyun ids exceed 2^53 in places). */
  readonly subscriptionId?: string
  readonly x?: string
  readonly caller?: string
  readonly callee?: string
  readonly outId?: string
  readonly userData?: string
  /** When this event happened. */
  readonly at: Date
  /** call-ended only. */
  readonly startedAt?: Date
  readonly answeredAt?: Date
  readonly endedAt?: Date
  /** 0 when unanswered (call-ended only). */
  readonly durationSec?: number
  readonly releaseCause?: ReleaseCause
  readonly recordingUrl?: string
  /** The original record, as received. */
  readonly raw: unknown
}

/** Why a push was refused. */
export type CallbackRejectionReason = 'signature' | 'stale' | 'malformed' | 'unsupported'

/** A push that was not accepted; the receiver answers 401 (signature, stale) or 400. */
export interface CallbackRejected {
  readonly _tag: 'CallbackRejected'
  readonly reason: CallbackRejectionReason
  readonly message: string
  readonly vendor: string
}

/** Builds a `CallbackRejected`. */
export const callbackRejected = (
  vendor: string,
  reason: CallbackRejectionReason,
  message: string,
): CallbackRejected => ({ _tag: 'CallbackRejected', vendor, reason, message })
