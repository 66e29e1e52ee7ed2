import * as E from 'fp-ts/Either'
import { markValidated } from './validated'
import { validateBindRequest } from './validation'

const now = new Date('2030-01-01T00:00:00Z')
const valid = () => {
  const r = validateBindRequest(
    {
      kind: 'AXB',
      a: '+86 138-0013-8000',
      b: '13900139000',
      expiresAt: new Date('2030-01-01T01:00:00Z'),
    },
    now,
  )
  if (E.isLeft(r)) throw new Error(r.left.message)
  return r.right
}

describe('requests core validated already', () => {
  it('pass again without a second full decode, as the same object', () => {
    const marked = markValidated(valid(), 'o1')
    const again = validateBindRequest(marked, now)
    expect(E.isRight(again) && again.right).toBe(marked)
  })

  it('still fail once their expiry window has passed', () => {
    const marked = markValidated(valid(), 'o1')
    const later = new Date('2030-01-01T00:59:30Z')
    const r = validateBindRequest(marked, later)
    expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'InvalidArgument', field: 'expiresAt' })
  })

  it('are frozen, so they cannot be edited into invalid ones', () => {
    const marked = markValidated(valid(), 'o1')
    expect(Object.isFrozen(marked)).toBe(true)
    expect(() => Object.assign(marked, { a: 'garbage' })).toThrow(TypeError)
  })

  it('do not include look-alike objects: a copy, even on the same prototype, is decoded in full', () => {
    const marked = markValidated(valid(), 'o1')
    for (const copy of [
      { ...marked, a: 'garbage' },
      Object.assign({}, marked, { a: 'garbage' }),
      JSON.parse(JSON.stringify({ ...marked, a: 'garbage' })) as unknown,
      // Objects on the marked one's prototype: whoever holds a marked request cannot mint more.
      Object.assign(Object.create(Object.getPrototypeOf(marked) as object) as object, {
        ...marked,
        a: 'garbage',
      }),
      Object.setPrototypeOf({ ...marked, a: 'garbage' }, Object.getPrototypeOf(marked)) as unknown,
    ]) {
      const r = validateBindRequest(copy, now)
      expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'InvalidArgument', field: 'a' })
    }
  })

  it('are copies carrying every field of the request plus the outId, the original untouched', () => {
    const request = valid()
    const marked = markValidated(request, 'o1')
    expect(marked).not.toBe(request)
    expect({ ...marked }).toEqual({ ...request, outId: 'o1' })
    expect(Object.keys(marked)).toEqual([...Object.keys(request), 'outId'])
    expect(request.outId).toBeUndefined()
    expect(Object.isFrozen(request)).toBe(false)
  })
})
