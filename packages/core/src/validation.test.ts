import fc from 'fast-check'
import * as E from 'fp-ts/Either'
import type { InvalidArgument } from './errors'
import { PROVINCE_CAPITAL } from './model'
import {
  LIMITS,
  validateBindRequest,
  validateBindingUpdate,
  validateFindBindingsQuery,
  validateGroupChange,
  validateGroupId,
  validateGroupInput,
} from './validation'

const now = new Date('2030-01-01T00:00:00.000Z')
const later = (ms: number) => new Date(now.getTime() + ms)
const inADay = later(86_400_000)
const base = { kind: 'AXB', a: '13800138000', b: '13900139000', expiresAt: inADay } as const
const members = (n: number) =>
  Array.from({ length: n }, (_, i) => `137${String(i).padStart(8, '0')}`)

/** The InvalidArgument of a Left, or a failed expectation. */
function leftOf<A>(r: E.Either<InvalidArgument, A>): InvalidArgument {
  if (E.isRight(r)) throw new Error(`expected a Left, got ${JSON.stringify(r.right)}`)
  expect(r.left._tag).toBe('InvalidArgument')
  expect(r.left.outcome).toBe('not-applied')
  expect(r.left.retryable).toBe(false)
  return r.left
}

function rightOf<A>(r: E.Either<InvalidArgument, A>): A {
  if (E.isLeft(r)) throw new Error(`expected a Right, got ${r.left.field}: ${r.left.message}`)
  return r.right
}

/** Titles a table of [what, input, field, reason] rows as 'what at field'. */
const cases = (rows: ReadonlyArray<readonly [string, unknown, string, RegExp]>) =>
  rows.map(([what, input, field, reason]) => [`${what} at ${field}`, input, field, reason] as const)

const bind = (overrides: Record<string, unknown>) =>
  validateBindRequest({ ...base, ...overrides }, now)

// ---------------------------------------------------------------------------------------------
// validateBindRequest
// ---------------------------------------------------------------------------------------------

describe('validateBindRequest', () => {
  it('reads fields a request inherits or computes (a class instance, a prototype)', () => {
    class Request {
      readonly a = '+86 138-0013-8000'
      get kind(): 'AXB' {
        return 'AXB'
      }
    }
    const fromClass = Object.assign(new Request(), { b: base.b, expiresAt: base.expiresAt })
    const fromProto = Object.assign(Object.create({ kind: 'AXB', b: base.b }) as object, {
      a: base.a,
      expiresAt: base.expiresAt,
    })
    for (const req of [fromClass, fromProto])
      expect(rightOf(validateBindRequest(req, now))).toEqual({
        kind: 'AXB',
        a: '13800138000',
        b: '13900139000',
        expiresAt: inADay,
        record: false,
      })
  })

  it('returns the normalized request with defaults and nothing else', () => {
    const r = rightOf(
      validateBindRequest(
        { ...base, a: '+86 138-0013-8000', b: '0086 139 0013 9000', unexpected: true },
        now,
      ),
    )
    expect(r).toEqual({
      kind: 'AXB',
      a: '13800138000',
      b: '13900139000',
      expiresAt: inADay,
      record: false,
    })
  })

  it('keeps every optional field it is given', () => {
    const r = rightOf(
      bind({
        record: true,
        outId: 'order-42',
        userData: '{"k":"v"}',
        vendor: 'aliyun',
        select: { city: '010', byParty: 'A', fallbackCities: ['021'], strict: true },
      }),
    )
    expect(r).toMatchObject({
      record: true,
      outId: 'order-42',
      userData: '{"k":"v"}',
      vendor: 'aliyun',
      select: { city: '010', byParty: 'A', fallbackCities: ['021'], strict: true },
    })
  })

  it.each([
    ['+86 138-0013-8000', '13800138000'],
    ['8613800138000', '13800138000'],
    ['0086 13800138000', '13800138000'],
    ['(010) 6233-4455', '01062334455'],
    ['+86 10 6233 4455', '01062334455'],
  ])('normalizes party a %j', (a, canonical) => {
    expect(rightOf(bind({ a })).a).toBe(canonical)
  })

  describe('fields and their paths', () => {
    it.each(
      cases([
        ['a request that is not an object', null, 'request', /must be an object/],
        ['a missing kind', { ...base, kind: undefined }, 'kind', /is required/],
        ['an unknown kind', { ...base, kind: 'AXY' }, 'kind', /'AXB', 'AXN' or 'AXG'/],
        ['a missing a', { ...base, a: undefined }, 'a', /is required/],
        ['a non-string a', { ...base, a: 13800138000 }, 'a', /must be a string/],
        ['a malformed a', { ...base, a: '1380013800' }, 'a', /mobile.*fixed line/],
        ['a foreign b', { ...base, b: '+1 415 555 0100' }, 'b', /\+86/],
        ['b equal to a once normalized', { ...base, b: '+86 138 0013 8000' }, 'b', /differ/],
        ['an X with letters', { ...base, x: '1701234567X' }, 'x', /digits/],
        ['an X too short', { ...base, x: '1234' }, 'x', /digits/],
        ['a non-boolean record', { ...base, record: 'yes' }, 'record', /true or false/],
        ['an empty outId', { ...base, outId: ' ' }, 'outId', /empty/],
        ['an empty vendor', { ...base, vendor: '' }, 'vendor', /empty/],
      ]),
    )('rejects %s', (_, input, field, reason) => {
      const e = leftOf(validateBindRequest(input, now))
      expect(e.field).toBe(field)
      expect(e.message).toMatch(reason)
      expect(e.message.startsWith(field)).toBe(true)
    })

    it('never echoes a party number in clear in its message', () => {
      const e = leftOf(bind({ b: '+86 138 0013 8000' }))
      expect(e.message).not.toMatch(/13800138000/)
    })
  })

  describe('X', () => {
    it.each([
      ['an 11-digit number', '17012345678', '17012345678'],
      ['a fixed line', '010-6233 4455', '01062334455'],
      ['a 95 number', '95013', '95013'],
      ['a 400 number', '400-123-4567', '4001234567'],
      ['a 15-digit 700 number', '700123456789012', '700123456789012'],
    ])('accepts %s as opaque digits', (_, x, digits) => {
      expect(rightOf(bind({ x })).x).toBe(digits)
    })

    it('cannot be combined with select', () => {
      expect(leftOf(bind({ x: '17012345678', select: { city: '010' } })).field).toBe('select')
    })
  })

  describe('expiresAt', () => {
    it.each([
      ['missing', undefined, /is required/],
      ['a string', '2030-01-02T00:00:00Z', /valid Date/],
      ['a number', inADay.getTime(), /valid Date/],
      ['an Invalid Date', new Date('nope'), /valid Date/],
      ['in the past', later(-1000), /60 seconds/],
      ['exactly now + 60 s', later(LIMITS.minLifetimeMs), /60 seconds/],
      ['2038-01-01 00:00:00 Beijing', new Date('2037-12-31T16:00:00.000Z'), /2038/],
      ['after 2038', new Date('2040-01-01T00:00:00Z'), /2038/],
    ])('rejects an expiresAt %s', (_, expiresAt, reason) => {
      const e = leftOf(bind({ expiresAt }))
      expect(e.field).toBe('expiresAt')
      expect(e.message).toMatch(reason)
    })

    it.each([
      ['1 ms after now + 60 s', later(LIMITS.minLifetimeMs + 1)],
      ['1 ms before 2038-01-01 Beijing', new Date('2037-12-31T15:59:59.999Z')],
    ])('accepts an expiresAt %s', (_, expiresAt) => {
      expect(rightOf(bind({ expiresAt })).expiresAt.getTime()).toBe(expiresAt.getTime())
    })

    it('returns a copy, so a caller mutating its Date changes nothing', () => {
      const expiresAt = later(3_600_000)
      const r = rightOf(bind({ expiresAt }))
      expiresAt.setTime(0)
      expect(r.expiresAt.getTime()).toBe(now.getTime() + 3_600_000)
    })

    it('is measured against the injected now', () => {
      const expiresAt = later(3_600_000)
      expect(E.isRight(validateBindRequest({ ...base, expiresAt }, now))).toBe(true)
      expect(E.isLeft(validateBindRequest({ ...base, expiresAt }, later(7_200_000)))).toBe(true)
    })
  })

  describe('userData', () => {
    it('accepts 2048 characters and an empty string', () => {
      const userData = '数'.repeat(LIMITS.userDataLength)
      expect(rightOf(bind({ userData })).userData).toBe(userData)
      expect(rightOf(bind({ userData: '' })).userData).toBe('')
    })

    it('rejects 2049 characters', () => {
      const e = leftOf(bind({ userData: 'x'.repeat(LIMITS.userDataLength + 1) }))
      expect(e.field).toBe('userData')
      expect(e.message).toMatch(/at most 2048/)
    })
  })

  it('rejects an outId beyond 128 characters', () => {
    expect(rightOf(bind({ outId: 'o'.repeat(128) })).outId).toHaveLength(128)
    expect(leftOf(bind({ outId: 'o'.repeat(129) })).field).toBe('outId')
  })

  describe('select', () => {
    it('fills in no fallback cities and strict false', () => {
      expect(rightOf(bind({ select: { city: '0531' } })).select).toEqual({
        city: '0531',
        fallbackCities: [],
        strict: false,
      })
    })

    it('accepts 5 fallback cities including the PROVINCE_CAPITAL token', () => {
      const fallbackCities = ['021', '0755', '0571', PROVINCE_CAPITAL, '010']
      expect(rightOf(bind({ select: { fallbackCities } })).select?.fallbackCities).toEqual(
        fallbackCities,
      )
    })

    it.each(
      cases([
        ['a select that is not an object', 'fast', 'select', /object/],
        ['an area code without its 0', { city: '10' }, 'select.city', /area code/],
        ['a city name', { city: '北京' }, 'select.city', /area code/],
        ['an unknown party', { byParty: 'C' }, 'select.byParty', /'A' or 'B'/],
        [
          '6 fallback cities',
          { fallbackCities: ['010', '021', '020', '0755', '0571', '0531'] },
          'select.fallbackCities',
          /at most 5/,
        ],
        [
          'fallback cities that are not an array',
          { fallbackCities: '010' },
          'select.fallbackCities',
          /array/,
        ],
        [
          'a bad fallback city',
          { fallbackCities: ['010', '021', 'Beijing'] },
          'select.fallbackCities[2]',
          /PROVINCE_CAPITAL/,
        ],
        [
          'a lower-case token',
          { fallbackCities: ['province_capital'] },
          'select.fallbackCities[0]',
          /area code/,
        ],
        ['a non-boolean strict', { strict: 1 }, 'select.strict', /true or false/],
      ]),
    )('rejects %s', (_, select, field, reason) => {
      const e = leftOf(bind({ select }))
      expect(e.field).toBe(field)
      expect(e.message).toMatch(reason)
    })

    it("rejects byParty 'B' when there is no b", () => {
      const e = leftOf(bind({ b: undefined, select: { byParty: 'B' } }))
      expect(e.field).toBe('select.byParty')
    })
  })

  describe('group', () => {
    const axg = (group: unknown) =>
      validateBindRequest({ kind: 'AXG', a: '13800138000', expiresAt: inADay, group }, now)

    it('is required on AXG', () => {
      const e = leftOf(
        validateBindRequest({ kind: 'AXG', a: '13800138000', expiresAt: inADay }, now),
      )
      expect(e.field).toBe('group')
      expect(e.message).toMatch(/required for AXG/)
    })

    it.each(['AXB', 'AXN'])('is refused on %s', (kind) => {
      const e = leftOf(bind({ kind, group: { id: 'G1' } }))
      expect(e.field).toBe('group')
      expect(e.message).toMatch(/only on AXG/)
    })

    it('accepts an existing group id', () => {
      expect(rightOf(axg({ id: 'G123' })).group).toEqual({ id: 'G123' })
    })

    it('accepts a new group of up to 200 numbers, normalized', () => {
      const numbers = ['+86 137-0000-0000', ...members(199).slice(1)]
      const r = rightOf(axg({ name: 'drivers', numbers: [...numbers, '13799999999'] }))
      expect(r.group).toEqual({
        name: 'drivers',
        numbers: ['13700000000', ...members(199).slice(1), '13799999999'],
      })
    })

    it.each(
      cases([
        ['a group that is not an object', 5, 'group', /object/],
        ['an empty id', { id: '' }, 'group.id', /empty/],
        ['201 numbers', { name: 'g', numbers: members(201) }, 'group.numbers', /at most 200/],
        ['no numbers', { name: 'g', numbers: [] }, 'group.numbers', /at least one/],
        ['a missing number list', { name: 'g' }, 'group.numbers', /required/],
        [
          'a bad number',
          { name: 'g', numbers: ['13700000000', '13700000001', '555'] },
          'group.numbers[2]',
          /mobile/,
        ],
        [
          'a name too long',
          { name: 'n'.repeat(129), numbers: ['13700000000'] },
          'group.name',
          /at most 128/,
        ],
      ]),
    )('rejects %s', (_, group, field, reason) => {
      const e = leftOf(axg(group))
      expect(e.field).toBe(field)
      expect(e.message).toMatch(reason)
    })
  })

  it('accepts every accepted form of a mobile and answers it canonical', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^1[3-9]\d{9}$/),
        fc.constantFrom('', '+86 ', '0086', '86', '+86-'),
        (mobile, prefix) => {
          const written = prefix + mobile.replace(/^(\d{3})(\d{4})(\d{4})$/, '$1-$2 $3')
          const r = validateBindRequest({ kind: 'AXN', a: written, expiresAt: inADay }, now)
          expect(E.isRight(r) && r.right.a).toBe(mobile)
        },
      ),
    )
  })
})

// ---------------------------------------------------------------------------------------------
// validateBindingUpdate
// ---------------------------------------------------------------------------------------------

describe('validateBindingUpdate', () => {
  it('normalizes the fields it is given and drops the rest', () => {
    const r = rightOf(
      validateBindingUpdate({ a: '+86 138 0013 8000', record: true, other: 1 }, now),
    )
    expect(r).toEqual({ a: '13800138000', record: true })
  })

  it('accepts every field of a BindingUpdate', () => {
    const change = {
      expiresAt: inADay,
      a: '13800138000',
      b: '13900139000',
      groupId: 'G1',
      outId: 'o1',
      record: false,
    }
    expect(rightOf(validateBindingUpdate(change, now))).toEqual(change)
  })

  it.each(
    cases([
      ['a change that is not an object', 'x', 'change', /object/],
      ['an empty change', {}, 'change', /at least one/],
      [
        'a change of undefined fields only',
        { a: undefined, b: undefined },
        'change',
        /at least one/,
      ],
      ['a past expiresAt', { expiresAt: later(-1) }, 'expiresAt', /60 seconds/],
      [
        'an expiresAt after 2038',
        { expiresAt: new Date('2038-06-01T00:00:00Z') },
        'expiresAt',
        /2038/,
      ],
      ['a bad b', { b: '12345' }, 'b', /mobile/],
      ['an empty groupId', { groupId: '' }, 'groupId', /empty/],
      ['an outId too long', { outId: 'o'.repeat(129) }, 'outId', /128/],
      ['a non-boolean record', { record: 0 }, 'record', /true or false/],
    ]),
  )('rejects %s', (_, input, field, reason) => {
    const e = leftOf(validateBindingUpdate(input, now))
    expect(e.field).toBe(field)
    expect(e.message).toMatch(reason)
  })
})

// ---------------------------------------------------------------------------------------------
// groups
// ---------------------------------------------------------------------------------------------

describe('validateGroupInput', () => {
  it('normalizes the numbers and drops unknown fields', () => {
    expect(
      rightOf(validateGroupInput({ name: 'g', numbers: ['+86 137 0000 0000'], extra: 1 }, now)),
    ).toEqual({ name: 'g', numbers: ['13700000000'] })
  })

  it('accepts 200 numbers and an expiry', () => {
    const r = rightOf(
      validateGroupInput({ name: 'g', numbers: members(200), expiresAt: inADay }, now),
    )
    expect(r.numbers).toHaveLength(200)
    expect(r.expiresAt).toEqual(inADay)
  })

  it.each(
    cases([
      ['a group that is not an object', undefined, 'group', /object/],
      ['a missing name', { numbers: ['13700000000'] }, 'name', /required/],
      ['an empty name', { name: '', numbers: ['13700000000'] }, 'name', /empty/],
      ['201 numbers', { name: 'g', numbers: members(201) }, 'numbers', /at most 200/],
      ['no numbers', { name: 'g', numbers: [] }, 'numbers', /at least one/],
      ['a bad number', { name: 'g', numbers: ['13700000000', 'abc'] }, 'numbers[1]', /digits/],
      [
        'a past expiry',
        { name: 'g', numbers: ['13700000000'], expiresAt: now },
        'expiresAt',
        /60 seconds/,
      ],
    ]),
  )('rejects %s', (_, input, field, reason) => {
    const e = leftOf(validateGroupInput(input, now))
    expect(e.field).toBe(field)
    expect(e.message).toMatch(reason)
  })
})

describe('validateGroupChange', () => {
  it('normalizes added and removed numbers', () => {
    expect(
      rightOf(validateGroupChange({ add: ['+86 137 0000 0001'], remove: ['13700000002'] })),
    ).toEqual({ add: ['13700000001'], remove: ['13700000002'] })
  })

  it('accepts a replacement of 200 numbers, or a rename alone', () => {
    expect(rightOf(validateGroupChange({ replace: members(200) })).replace).toHaveLength(200)
    expect(rightOf(validateGroupChange({ name: 'renamed' }))).toEqual({ name: 'renamed' })
  })

  it.each(
    cases([
      ['a change that is not an object', null, 'change', /object/],
      ['an empty change', {}, 'change', /add, remove, replace or name/],
      [
        'replace with add',
        { replace: ['13700000000'], add: ['13700000001'] },
        'change.replace',
        /cannot be combined/,
      ],
      [
        'replace with remove',
        { replace: ['13700000000'], remove: ['13700000001'] },
        'change.replace',
        /cannot be combined/,
      ],
      ['201 added numbers', { add: members(201) }, 'add', /at most 200/],
      ['a bad removed number', { remove: ['12'] }, 'remove[0]', /mobile/],
      ['an add that is not an array', { add: '13700000000' }, 'add', /array/],
    ]),
  )('rejects %s', (_, input, field, reason) => {
    const e = leftOf(validateGroupChange(input))
    expect(e.field).toBe(field)
    expect(e.message).toMatch(reason)
  })
})

describe('validateGroupId', () => {
  it('accepts a non-empty string', () => {
    expect(validateGroupId('20000000000000123')).toEqual(E.right('20000000000000123'))
  })

  it.each([
    ['an empty string', '', /empty/],
    ['a number', 123, /string/],
    ['undefined', undefined, /required/],
  ])('rejects %s at groupId', (_, input, reason) => {
    const e = leftOf(validateGroupId(input))
    expect(e.field).toBe('groupId')
    expect(e.message).toMatch(reason)
  })
})

describe('validateFindBindingsQuery', () => {
  it('normalizes the parties and keeps X and outId', () => {
    expect(
      rightOf(
        validateFindBindingsQuery({ a: '+86 138 0013 8000', x: '170-1234-5678', outId: 'o' }),
      ),
    ).toEqual({ a: '13800138000', x: '17012345678', outId: 'o' })
  })

  it.each(
    cases([
      ['a query that is not an object', 7, 'query', /object/],
      ['an empty query', {}, 'query', /at least one/],
      ['a bad X', { x: 'x' }, 'x', /digits/],
      ['a bad a', { a: '1' }, 'a', /mobile/],
    ]),
  )('rejects %s', (_, input, field, reason) => {
    const e = leftOf(validateFindBindingsQuery(input))
    expect(e.field).toBe(field)
    expect(e.message).toMatch(reason)
  })
})

// ---------------------------------------------------------------------------------------------
// never throw
// ---------------------------------------------------------------------------------------------

describe('every validator on arbitrary input', () => {
  const validators: ReadonlyArray<[string, (u: unknown) => E.Either<InvalidArgument, unknown>]> = [
    ['validateBindRequest', (u) => validateBindRequest(u, now)],
    ['validateBindingUpdate', (u) => validateBindingUpdate(u, now)],
    ['validateGroupInput', (u) => validateGroupInput(u, now)],
    ['validateGroupChange', validateGroupChange],
    ['validateGroupId', validateGroupId],
    ['validateFindBindingsQuery', validateFindBindingsQuery],
  ]

  const anything = fc.anything({
    withBoxedValues: true,
    withMap: true,
    withSet: true,
    withDate: true,
    withTypedArray: true,
    withSparseArray: true,
    withNullPrototype: true,
    withBigInt: true,
  })

  // Objects with the right keys and arbitrary values reach deeper than fc.anything() alone.
  const keyed = fc.record(
    {
      kind: fc.oneof(fc.constantFrom('AXB', 'AXN', 'AXG'), anything),
      a: fc.oneof(fc.constant('13800138000'), anything),
      b: anything,
      x: anything,
      expiresAt: fc.oneof(fc.date(), anything),
      select: fc.oneof(
        fc.record(
          { city: anything, byParty: anything, fallbackCities: anything, strict: anything },
          { requiredKeys: [] },
        ),
        anything,
      ),
      group: fc.oneof(
        fc.record({ id: anything, name: anything, numbers: anything }, { requiredKeys: [] }),
        anything,
      ),
      add: anything,
      remove: anything,
      replace: anything,
      name: anything,
      numbers: fc.oneof(fc.array(fc.oneof(fc.string(), anything)), anything),
      userData: anything,
      outId: anything,
      record: anything,
    },
    { requiredKeys: [] },
  )

  it.each(validators)('%s never throws and always answers an Either', (_, validate) => {
    fc.assert(
      fc.property(fc.oneof(anything, keyed), (input) => {
        const r = validate(input)
        expect(E.isLeft(r) || E.isRight(r)).toBe(true)
        if (E.isLeft(r)) {
          expect(r.left._tag).toBe('InvalidArgument')
          expect(typeof r.left.field).toBe('string')
          expect(r.left.message.length).toBeGreaterThan(0)
        }
      }),
    )
  })
})
