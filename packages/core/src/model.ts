/**
 * The vendor-neutral model (DESIGN §2.1–2.2): what a caller asks for, what a binding is, and the
 * `Provider` contract every vendor adapter implements.
 */
import type { Either } from 'fp-ts/Either'
import type { TaskEither } from 'fp-ts/TaskEither'
import type { PrivacyNumberError } from './errors'

// ---------------------------------------------------------------------------------------------
// requests
// ---------------------------------------------------------------------------------------------

/** The three binding kinds: A↔B through X, anyone (N)→X→A, a group (G)→X→A. */
export type BindingKind = 'AXB' | 'AXN' | 'AXG'

/** The token a fallback-city list may hold to mean "the provincial capital of the first city". */
export const PROVINCE_CAPITAL = 'PROVINCE_CAPITAL' as const

/** How the vendor should pick X when the request names none. */
export interface SelectOptions {
  /** Area code with its leading 0: '010', '0531'. */
  readonly city?: string
  /** Pick X in the city of A's or B's number. */
  readonly byParty?: 'A' | 'B'
  /** Up to 5 area codes (or `PROVINCE_CAPITAL`) to try, in order, when `city` has no number. */
  readonly fallbackCities?: ReadonlyArray<string>
  /** Fail rather than fall back to a number in any city. */
  readonly strict?: boolean
}

/** A G group, either existing (`id`) or created with the binding (`name` + `numbers`). */
export type GroupSpec =
  { readonly id: string } | { readonly name: string; readonly numbers: ReadonlyArray<string> }

/** What a caller asks to bind. Phone numbers are normalized before anything is sent. */
export interface BindRequest {
  readonly kind: BindingKind
  /** Accepts '+86 138-0013-8000', '8613800138000', '010-6233 4455'. */
  readonly a: string
  /** AXB without b is an "AX" binding where the vendor allows it. */
  readonly b?: string
  /** Explicit X; otherwise the vendor selects one using `select`. */
  readonly x?: string
  readonly select?: SelectOptions
  /** Absolute instant; must be > now + 60 s and < 2038-01-01. */
  readonly expiresAt: Date
  /** Record calls; default false, always sent explicitly (Volcengine defaults ON). */
  readonly record?: boolean
  /** Your business id, echoed in call events by both vendors. */
  readonly outId?: string
  /** Free text ≤ 2048 characters. */
  readonly userData?: string
  /** AXG only (and required there): an existing group or a new one, ≤ 200 numbers. */
  readonly group?: GroupSpec
  /** Client only: pin this request to the provider of this vendor. */
  readonly vendor?: string
}

/** A binding as the vendor holds it. */
export interface Binding {
  /** Opaque, serializable handle (vendor, pool, kind, subscription id, X); store it. */
  readonly ref: string
  readonly vendor: string
  readonly kind: BindingKind
  /** Always a string: vendor ids exceed 2^53 in places. */
  readonly subscriptionId: string
  readonly x: string
  readonly a: string
  readonly b?: string
  readonly groupId?: string
  readonly expiresAt: Date
  /** Area code of X, where the vendor says. */
  readonly xCity?: string
  /** The business id the binding carries, where the vendor says. */
  readonly outId?: string
}

/** A change to a binding: set only what changes. One vendor call per field, in a fixed order. */
export interface BindingUpdate {
  readonly expiresAt?: Date
  readonly a?: string
  readonly b?: string
  readonly groupId?: string
  readonly outId?: string
  readonly record?: boolean
}

/** The order in which `update` applies fields (and reports them applied). */
export const BINDING_UPDATE_ORDER = ['expiresAt', 'a', 'b', 'groupId', 'outId', 'record'] as const

/** One field of a `BindingUpdate`. */
export type BindingUpdateField = (typeof BINDING_UPDATE_ORDER)[number]

/** A new G group. */
export interface GroupInput {
  readonly name: string
  readonly numbers: ReadonlyArray<string>
  readonly expiresAt?: Date
}

/** A change to a G group: add or remove members, or replace them all; optionally rename. */
export interface GroupChange {
  readonly add?: ReadonlyArray<string>
  readonly remove?: ReadonlyArray<string>
  readonly replace?: ReadonlyArray<string>
  readonly name?: string
}

/** Search for live bindings (used by the client to reconcile an unknown outcome). */
export interface FindBindingsQuery {
  readonly a?: string
  readonly b?: string
  readonly x?: string
  readonly outId?: string
}

/** Remaining purchasable numbers per city (Aliyun QuerySecretNoRemain). */
export interface RemainingNumbers {
  readonly total: number
  readonly byCity: ReadonlyArray<{ readonly city: string; readonly amount: number }>
}

// ---------------------------------------------------------------------------------------------
// provider
// ---------------------------------------------------------------------------------------------

/** The operations a provider may offer; the first eight exist on every provider. */
export type ProviderOperation =
  | 'bind'
  | 'bindBatch'
  | 'unbind'
  | 'update'
  | 'query'
  | 'createGroup'
  | 'updateGroup'
  | 'deleteGroup'
  | 'findBindings'
  | 'remainingNumbers'
  | 'recordingUrl'

/** What a provider can do, as data, so callers and the contract suite can gate on it. */
export interface ProviderCapabilities {
  /** Binding kinds the provider can create. */
  readonly kinds: ReadonlyArray<BindingKind>
  /** Operations that do something (others answer `Unsupported`). */
  readonly operations: ReadonlyArray<ProviderOperation>
  /** AXB without B (an "AX" binding). */
  readonly axbWithoutB: boolean
  /** AXN without B (the vendor fills in a placeholder B). */
  readonly axnWithoutB: boolean
  /** X selection: by city, by a party's city, and how fallback cities are honoured. */
  readonly selection: {
    readonly byCity: boolean
    readonly byParty: boolean
    readonly fallbackCities: 'native' | 'emulated' | 'none'
  }
  /** `BindingUpdate` fields the provider can change, per kind. */
  readonly updatable: Readonly<Record<BindingKind, ReadonlyArray<BindingUpdateField>>>
  /** A new inline group may travel with an AXG bind request. */
  readonly inlineGroups: boolean
}

/** A vendor adapter. Every operation is a `TaskEither`; none throws for an expected failure. */
export interface Provider {
  readonly specificationVersion: 'v1'
  /** 'volcengine' | 'aliyun' | … */
  readonly vendor: string
  readonly capabilities: ProviderCapabilities
  bind(req: BindRequest): TaskEither<PrivacyNumberError, Binding>
  /** Result i belongs to request i; one item's failure never fails the others. */
  bindBatch(
    reqs: ReadonlyArray<BindRequest>,
  ): TaskEither<PrivacyNumberError, ReadonlyArray<Either<PrivacyNumberError, Binding>>>
  /** Not-found counts as success. */
  unbind(ref: string): TaskEither<PrivacyNumberError, void>
  update(ref: string, change: BindingUpdate): TaskEither<PrivacyNumberError, void>
  query(ref: string): TaskEither<PrivacyNumberError, Binding>
  createGroup(group: GroupInput): TaskEither<PrivacyNumberError, { readonly groupId: string }>
  updateGroup(groupId: string, change: GroupChange): TaskEither<PrivacyNumberError, void>
  deleteGroup(groupId: string): TaskEither<PrivacyNumberError, void>
  /** Live bindings matching every given field (capability 'findBindings'). */
  findBindings?(query: FindBindingsQuery): TaskEither<PrivacyNumberError, ReadonlyArray<Binding>>
  /** Purchasable numbers left (capability 'remainingNumbers'). */
  remainingNumbers?(city?: string): TaskEither<PrivacyNumberError, RemainingNumbers>
  /** A download URL for a call's recording (capability 'recordingUrl'). */
  recordingUrl?(call: {
    readonly callId: string
    readonly callTime?: Date
  }): TaskEither<PrivacyNumberError, string>
}
