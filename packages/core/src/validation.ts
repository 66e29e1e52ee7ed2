/**
 * io-ts codecs that validate and normalize what a caller passes in (DESIGN §2.3): a request that
 * fails here returns `InvalidArgument` with the field path and a readable reason, and nothing is
 * sent anywhere. Decoding never throws, whatever the input.
 */
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as t from 'io-ts'
import { invalidArgument, type InvalidArgument } from './errors'
import {
  PROVINCE_CAPITAL,
  type BindingKind,
  type BindingUpdate,
  type FindBindingsQuery,
  type GroupChange,
  type GroupInput,
} from './model'
import { fields, sparse } from './codecs'
import { normalizePhone, normalizeX } from './phone'
import { isMarkedValidated } from './validated'

// ---------------------------------------------------------------------------------------------
// limits
// ---------------------------------------------------------------------------------------------

/** Validation limits shared by both vendors (vendor notes: Volcengine §3, Aliyun §1.2). */
export const LIMITS = {
  /** expiresAt must be at least this far after now. */
  minLifetimeMs: 60_000,
  /** expiresAt must be before 2038-01-01 00:00:00 Beijing time (the stricter reading). */
  latestExpiry: new Date('2037-12-31T16:00:00.000Z'),
  userDataLength: 2048,
  outIdLength: 128,
  fallbackCities: 5,
  groupNumbers: 200,
  groupNameLength: 128,
} as const

// ---------------------------------------------------------------------------------------------
// validated forms
// ---------------------------------------------------------------------------------------------

/** A validated group: an existing id, or a new one with normalized member numbers. */
export type ValidGroupSpec =
  { readonly id: string } | { readonly name: string; readonly numbers: ReadonlyArray<string> }

/** A validated X-selection request. */
export interface ValidSelect {
  readonly city?: string
  readonly byParty?: 'A' | 'B'
  readonly fallbackCities: ReadonlyArray<string>
  readonly strict: boolean
}

/** A `BindRequest` after validation: numbers normalized, defaults applied. */
export interface ValidBindRequest {
  readonly kind: BindingKind
  readonly a: string
  readonly b?: string
  readonly x?: string
  readonly select?: ValidSelect
  readonly expiresAt: Date
  readonly record: boolean
  readonly outId?: string
  readonly userData?: string
  readonly group?: ValidGroupSpec
  readonly vendor?: string
}

// ---------------------------------------------------------------------------------------------
// codecs
// ---------------------------------------------------------------------------------------------

// The checks below are plain functions over `Either` (no `pipe`/`E.chain` plumbing): they run
// for every field of every bind, and fp-ts's data-last combinators copy their arguments on each
// call (measured: ≈ 15 % of a bind's CPU before this).
const refine = <A>(
  name: string,
  check: (u: unknown) => E.Either<string, A>,
): t.Type<A, A, unknown> =>
  new t.Type<A, A, unknown>(
    name,
    (u): u is A => E.isRight(check(u)),
    (u, c) => {
      const r = check(u)
      return r._tag === 'Right' ? t.success(r.right) : t.failure(u, c, r.left)
    },
    t.identity,
  )

const str = (u: unknown, what = 'a string'): E.Either<string, string> =>
  typeof u === 'string' ? E.right(u) : E.left(`must be ${what}`)

/** A real phone number (A, B, G member), normalized. */
export const PhoneNumber = refine<string>('PhoneNumber', (u) =>
  typeof u === 'string' ? normalizePhone(u) : str(u),
)

/** An X number: digits, kept as given. */
export const XNumber = refine<string>('XNumber', (u) =>
  typeof u === 'string' ? normalizeX(u) : str(u),
)

/** An area code with its leading 0 ('010', '0531'). */
const AREA_CODE = /^0\d{2,3}$/
export const AreaCode = refine<string>('AreaCode', (u) =>
  typeof u !== 'string'
    ? str(u)
    : AREA_CODE.test(u)
      ? E.right(u)
      : E.left("must be an area code with its leading 0, like '010' or '0531'"),
)

const FallbackCity = refine<string>('FallbackCity', (u) =>
  u === PROVINCE_CAPITAL
    ? E.right(PROVINCE_CAPITAL)
    : pipe(
        AreaCode.decode(u),
        E.mapLeft(() => `must be an area code like '0531' or '${PROVINCE_CAPITAL}'`),
      ),
)

const boundedString = (name: string, max: number, allowEmpty = false) =>
  refine<string>(name, (u) => {
    if (typeof u !== 'string') return str(u)
    if (u.length > max) return E.left(`must be at most ${max} characters (got ${u.length})`)
    if (!allowEmpty && u.trim().length === 0) return E.left('must not be empty')
    return E.right(u)
  })

const NonEmpty = boundedString('NonEmptyString', 256)

const checkExpiry = (u: unknown, now: Date): E.Either<string, Date> => {
  if (!(u instanceof Date) || Number.isNaN(u.getTime())) return E.left('must be a valid Date')
  if (u.getTime() <= now.getTime() + LIMITS.minLifetimeMs)
    return E.left('must be more than 60 seconds in the future')
  if (u.getTime() >= LIMITS.latestExpiry.getTime())
    return E.left('must be before 2038-01-01 00:00:00 Beijing time')
  return E.right(new Date(u.getTime()))
}

/** An instant inside the expiry window relative to `now`. */
export const expiryCodec = (now: Date) => refine<Date>('ExpiresAt', (u) => checkExpiry(u, now))

// The codecs below are built once: building io-ts types per call (names, prop maps) was a
// visible share of a bind's CPU. The expiry window depends on the caller's clock, so the shared
// ExpiresAt reads the clock of the decode in progress; decoding is synchronous, so nothing else
// can run between `withNow` setting it and the codec reading it.
let decodeNow = new Date(0)
const ExpiresAt = refine<Date>('ExpiresAt', (u) => checkExpiry(u, decodeNow))
const withNow = <A>(now: Date, run: () => A): A => {
  const previous = decodeNow
  decodeNow = now
  try {
    return run()
  } finally {
    decodeNow = previous
  }
}

const Kind = refine<BindingKind>('BindingKind', (u) =>
  u === 'AXB' || u === 'AXN' || u === 'AXG' ? E.right(u) : E.left("must be 'AXB', 'AXN' or 'AXG'"),
)

const Bool = refine<boolean>('boolean', (u) =>
  typeof u === 'boolean' ? E.right(u) : E.left('must be true or false'),
)

const groupNumbers = refine<ReadonlyArray<string>>('GroupNumbers', (u) => {
  if (!Array.isArray(u)) return E.left('must be an array of phone numbers')
  if (u.length === 0) return E.left('must hold at least one number')
  if (u.length > LIMITS.groupNumbers)
    return E.left(`must hold at most ${LIMITS.groupNumbers} numbers (got ${u.length})`)
  return E.right(u as ReadonlyArray<string>)
})

const GroupSpecCodec = t.union([
  t.strict({ id: NonEmpty }),
  t.strict({
    name: boundedString('GroupName', LIMITS.groupNameLength),
    numbers: t.intersection([groupNumbers, t.readonlyArray(PhoneNumber)]),
  }),
])

const SelectCodec = t.exact(
  sparse({
    city: AreaCode,
    byParty: refine<'A' | 'B'>('Party', (u) =>
      u === 'A' || u === 'B' ? E.right(u) : E.left("must be 'A' or 'B'"),
    ),
    fallbackCities: t.intersection([
      refine<ReadonlyArray<unknown>>('FallbackCities', (u) =>
        !Array.isArray(u)
          ? E.left('must be an array')
          : u.length > LIMITS.fallbackCities
            ? E.left(`must hold at most ${LIMITS.fallbackCities} cities (got ${u.length})`)
            : E.right(u),
      ),
      t.readonlyArray(FallbackCity),
    ]),
    strict: Bool,
  }),
)

const bindRequestCodec = fields(
  { kind: Kind, a: PhoneNumber, expiresAt: ExpiresAt },
  {
    b: PhoneNumber,
    x: XNumber,
    select: SelectCodec,
    record: Bool,
    outId: boundedString('OutId', LIMITS.outIdLength),
    userData: boundedString('UserData', LIMITS.userDataLength, true),
    group: GroupSpecCodec,
    vendor: NonEmpty,
  },
)

// ---------------------------------------------------------------------------------------------
// error reporting
// ---------------------------------------------------------------------------------------------

// Readable path from an io-ts context: skips the keys io-ts adds for intersections and unions
// ('0', '1'), renders array indexes as [i].
function pathOf(context: t.Context): string {
  let path = ''
  for (let i = 1; i < context.length; i++) {
    const entry = context[i]
    const parent = context[i - 1]
    if (entry === undefined || parent === undefined) continue
    // An exact codec checks its inner codec in the same context: look through it.
    let p: t.Decoder<unknown, unknown> = parent.type
    while (p instanceof t.ExactType) p = p.type as t.Decoder<unknown, unknown>
    if (p instanceof t.IntersectionType || p instanceof t.UnionType) continue
    if (p instanceof t.ArrayType || p instanceof t.ReadonlyArrayType) path += `[${entry.key}]`
    else path += path === '' ? entry.key : `.${entry.key}`
  }
  return path
}

// io-ts names a failed object or array codec by its type ('{| id: NonEmptyString |}'); a caller
// reads "must be an object" better.
function expected(type: t.Decoder<unknown, unknown> | undefined): string {
  if (type instanceof t.ArrayType || type instanceof t.ReadonlyArrayType) return 'an array'
  if (
    type instanceof t.InterfaceType ||
    type instanceof t.PartialType ||
    type instanceof t.ExactType ||
    type instanceof t.IntersectionType ||
    type instanceof t.UnionType
  )
    return 'an object'
  return 'valid'
}

// Rank of an error: one about a value the caller gave beats one about a missing field (in a
// union, it names the branch the caller meant: `group: { id: '' }` is about `group.id`, not a
// missing `group.numbers`); then the deepest; then one with a reason of its own.
const rank = (e: t.ValidationError): number =>
  (e.value === undefined ? 0 : 10_000) + e.context.length * 2 + (e.message === undefined ? 0 : 1)

function firstError(errors: t.Errors, root: string): InvalidArgument {
  const e = [...errors].sort((x, y) => rank(y) - rank(x))[0]
  if (e === undefined) return invalidArgument(root, `${root} is invalid`)
  const field = pathOf(e.context) || root
  const reason =
    e.value === undefined
      ? 'is required'
      : (e.message ?? `must be ${expected(e.context[e.context.length - 1]?.type)}`)
  return invalidArgument(field, `${field} ${reason}`)
}

const decodeWith = <A>(
  codec: t.Decoder<unknown, A>,
  input: unknown,
  root: string,
): E.Either<InvalidArgument, A> => {
  const r = codec.decode(input)
  return r._tag === 'Right' ? r : E.left(firstError(r.left, root))
}

const fail = (field: string, reason: string): E.Either<InvalidArgument, never> =>
  E.left(invalidArgument(field, `${field} ${reason}`))

// ---------------------------------------------------------------------------------------------
// validators
// ---------------------------------------------------------------------------------------------

/** Validates and normalizes a bind request. `now` is injectable for tests and skewed clocks. */
export function validateBindRequest(
  input: unknown,
  now: Date = new Date(),
): E.Either<InvalidArgument, ValidBindRequest> {
  if (typeof input !== 'object' || input === null) return fail('request', 'must be an object')
  // Validated by core already (the client's pass): only the expiry window can have changed.
  if (isMarkedValidated(input)) {
    const expiry = checkExpiry(input.expiresAt, now)
    return expiry._tag === 'Right'
      ? E.right(input)
      : E.left(invalidArgument('expiresAt', `expiresAt ${expiry.left}`))
  }
  const decoded = withNow(now, () => decodeWith(bindRequestCodec, input, 'request'))
  if (decoded._tag === 'Left') return decoded
  const r = decoded.right
  if (r.kind === 'AXG' && r.group === undefined) return fail('group', 'is required for AXG')
  if (r.kind !== 'AXG' && r.group !== undefined) return fail('group', 'is allowed only on AXG')
  if (r.b !== undefined && r.b === r.a) return fail('b', 'must differ from a')
  if (r.x !== undefined && r.select !== undefined)
    return fail('select', 'cannot be combined with an explicit x')
  const select: ValidSelect | undefined =
    r.select === undefined
      ? undefined
      : {
          ...(r.select.city === undefined ? {} : { city: r.select.city }),
          ...(r.select.byParty === undefined ? {} : { byParty: r.select.byParty }),
          fallbackCities: r.select.fallbackCities ?? [],
          strict: r.select.strict ?? false,
        }
  if (select?.byParty === 'B' && r.b === undefined)
    return fail('select.byParty', "is 'B' but the request has no b")
  // Built field by field (no spreads of empty objects): only what was given is present.
  const valid: {
    -readonly [K in keyof ValidBindRequest]: ValidBindRequest[K]
  } = { kind: r.kind, a: r.a, expiresAt: r.expiresAt, record: r.record ?? false }
  if (r.b !== undefined) valid.b = r.b
  if (r.x !== undefined) valid.x = r.x
  if (select !== undefined) valid.select = select
  if (r.outId !== undefined) valid.outId = r.outId
  if (r.userData !== undefined) valid.userData = r.userData
  if (r.group !== undefined) valid.group = r.group
  if (r.vendor !== undefined) valid.vendor = r.vendor
  return E.right(valid)
}

const bindingUpdateCodec = t.exact(
  sparse({
    expiresAt: ExpiresAt,
    a: PhoneNumber,
    b: PhoneNumber,
    groupId: NonEmpty,
    outId: boundedString('OutId', LIMITS.outIdLength),
    record: Bool,
  }),
)

/** Validates a `BindingUpdate`: at least one field, each valid; numbers normalized. */
export function validateBindingUpdate(
  input: unknown,
  now: Date = new Date(),
): E.Either<InvalidArgument, BindingUpdate> {
  if (typeof input !== 'object' || input === null) return fail('change', 'must be an object')
  return pipe(
    withNow(now, () => decodeWith(bindingUpdateCodec, input, 'change')),
    E.filterOrElse(
      (c) => Object.values(c).some((v) => v !== undefined),
      () => invalidArgument('change', 'change must set at least one field'),
    ),
  )
}

const groupInputCodec = t.exact(
  fields(
    {
      name: boundedString('GroupName', LIMITS.groupNameLength),
      numbers: t.intersection([groupNumbers, t.readonlyArray(PhoneNumber)]),
    },
    { expiresAt: ExpiresAt },
  ),
)

/** Validates a new group: a name and 1–200 member numbers (normalized). */
export function validateGroupInput(
  input: unknown,
  now: Date = new Date(),
): E.Either<InvalidArgument, GroupInput> {
  if (typeof input !== 'object' || input === null) return fail('group', 'must be an object')
  return withNow(now, () => decodeWith(groupInputCodec, input, 'group'))
}

const memberList = t.intersection([
  refine<ReadonlyArray<unknown>>('Members', (u) =>
    !Array.isArray(u)
      ? E.left('must be an array of phone numbers')
      : u.length > LIMITS.groupNumbers
        ? E.left(`must hold at most ${LIMITS.groupNumbers} numbers (got ${u.length})`)
        : E.right(u),
  ),
  t.readonlyArray(PhoneNumber),
])

const groupChangeCodec = t.exact(
  sparse({
    add: memberList,
    remove: memberList,
    replace: memberList,
    name: boundedString('GroupName', LIMITS.groupNameLength),
  }),
)

/** Validates a group change: something to do; `replace` excludes `add`/`remove`. */
export function validateGroupChange(input: unknown): E.Either<InvalidArgument, GroupChange> {
  if (typeof input !== 'object' || input === null) return fail('change', 'must be an object')
  return pipe(
    decodeWith(groupChangeCodec, input, 'change'),
    E.chain((c) => {
      if (c.replace !== undefined && (c.add !== undefined || c.remove !== undefined))
        return fail('change.replace', 'cannot be combined with add or remove')
      if (
        c.add === undefined &&
        c.remove === undefined &&
        c.replace === undefined &&
        c.name === undefined
      )
        return fail('change', 'must set add, remove, replace or name')
      return E.right(c)
    }),
  )
}

/** Validates a group id argument. */
export function validateGroupId(input: unknown): E.Either<InvalidArgument, string> {
  return decodeWith(NonEmpty, input, 'groupId')
}

const findCodec = t.exact(
  sparse({
    a: PhoneNumber,
    b: PhoneNumber,
    x: XNumber,
    outId: boundedString('OutId', LIMITS.outIdLength),
  }),
)

/** Validates a `findBindings` query: at least one field. */
export function validateFindBindingsQuery(
  input: unknown,
): E.Either<InvalidArgument, FindBindingsQuery> {
  if (typeof input !== 'object' || input === null) return fail('query', 'must be an object')
  return pipe(
    decodeWith(findCodec, input, 'query'),
    E.filterOrElse(
      (q) => Object.values(q).some((v) => v !== undefined),
      () => invalidArgument('query', 'query must set at least one of a, b, x, outId'),
    ),
  )
}
