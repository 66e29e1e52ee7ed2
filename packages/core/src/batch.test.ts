import fc from 'fast-check'
import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'
import { applyFieldByField, mapWithConcurrency } from './batch'
import { makeError, type PrivacyNumberError } from './errors'
import { BINDING_UPDATE_ORDER, type BindingUpdateField } from './model'

// Yields to the event loop `n` times, so tasks finish in an order the test chooses.
const ticks = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve))
}

const defect = (e: unknown): PrivacyNumberError =>
  makeError('Unknown', `defect: ${e instanceof Error ? e.message : String(e)}`, {})

describe('mapWithConcurrency', () => {
  it('keeps input order and never exceeds the concurrency, whatever order tasks finish in', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: 5 }), { maxLength: 25 }),
        fc.integer({ min: 1, max: 8 }),
        async (delays, concurrency) => {
          let inFlight = 0
          let maxInFlight = 0
          const r = await mapWithConcurrency(
            delays,
            concurrency,
            (delay, i): TE.TaskEither<PrivacyNumberError, string> =>
              async () => {
                inFlight++
                maxInFlight = Math.max(maxInFlight, inFlight)
                await ticks(delay + 1)
                inFlight--
                return E.right(`${i}:${delay}`)
              },
            defect,
          )()
          expect(r).toEqual(E.right(delays.map((d, i) => E.right(`${i}:${d}`))))
          expect(maxInFlight).toBe(Math.min(concurrency, delays.length))
          expect(inFlight).toBe(0)
        },
      ),
      { numRuns: 50 },
    )
  })

  it('isolates a Left, a rejecting task and a throwing task from the others', async () => {
    const onDefect = jest.fn(defect)
    const noNumber = makeError('NoAvailableNumber', 'none left', { city: '010' })
    const r = await mapWithConcurrency(
      ['ok', 'left', 'reject', 'throw', 'ok'],
      2,
      (item, i): TE.TaskEither<PrivacyNumberError, number> => {
        if (item === 'throw') throw new Error('sync boom')
        return async () => {
          await ticks(1)
          if (item === 'left') return E.left(noNumber)
          if (item === 'reject') throw new Error('async boom')
          return E.right(i)
        }
      },
      onDefect,
    )()
    expect(E.isRight(r)).toBe(true)
    if (E.isLeft(r)) return
    const [a, b, c, d, e] = r.right
    expect(a).toEqual(E.right(0))
    expect(b).toEqual(E.left(noNumber))
    expect(c).toEqual(
      E.left(expect.objectContaining({ _tag: 'Unknown', message: 'defect: async boom' })),
    )
    expect(d).toEqual(
      E.left(expect.objectContaining({ _tag: 'Unknown', message: 'defect: sync boom' })),
    )
    expect(e).toEqual(E.right(4))
    expect(onDefect).toHaveBeenCalledTimes(2)
  })

  it('answers an empty list without calling the task', async () => {
    const task = jest.fn()
    expect(await mapWithConcurrency([], 4, task, defect)()).toEqual(E.right([]))
    expect(task).not.toHaveBeenCalled()
  })

  it.each([
    ['0', 0, 1],
    ['a negative number', -3, 1],
    ['NaN', NaN, 1],
    ['a fraction', 2.7, 2],
    ['Infinity', Infinity, 6],
  ])('still makes progress with a concurrency of %s', async (_, concurrency, expectedMax) => {
    let inFlight = 0
    let maxInFlight = 0
    const r = await mapWithConcurrency(
      [1, 2, 3, 4, 5, 6],
      concurrency,
      (n): TE.TaskEither<PrivacyNumberError, number> =>
        async () => {
          maxInFlight = Math.max(maxInFlight, ++inFlight)
          await ticks(1)
          inFlight--
          return E.right(n * 10)
        },
      defect,
    )()
    expect(r).toEqual(E.right([10, 20, 30, 40, 50, 60].map((n) => E.right(n))))
    expect(maxInFlight).toBe(expectedMax)
  })
})

describe('applyFieldByField', () => {
  const recorder = (failOn?: BindingUpdateField, error?: PrivacyNumberError) => {
    const sent: BindingUpdateField[] = []
    const step =
      (field: BindingUpdateField): TE.TaskEither<PrivacyNumberError, void> =>
      async () => {
        sent.push(field)
        await ticks(1)
        return field === failOn && error !== undefined ? E.left(error) : E.right(undefined)
      }
    return { sent, step }
  }

  const everything = {
    record: false,
    outId: 'o1',
    groupId: 'G1',
    b: '13900139000',
    a: '13800138000',
    expiresAt: new Date('2030-01-02T00:00:00Z'),
  }

  it('sends one call per field in BINDING_UPDATE_ORDER, whatever the key order', async () => {
    const { sent, step } = recorder()
    expect(await applyFieldByField(everything, step)()).toEqual(E.right(undefined))
    expect(sent).toEqual([...BINDING_UPDATE_ORDER])
    expect(sent).toEqual(['expiresAt', 'a', 'b', 'groupId', 'outId', 'record'])
  })

  it('skips the fields that are not set, but sends record: false', async () => {
    const { sent, step } = recorder()
    await applyFieldByField({ record: false, b: undefined, a: '13800138000' }, step)()
    expect(sent).toEqual(['a', 'record'])
  })

  it('stops at the first failure and reports the fields applied before it', async () => {
    const conflict = makeError('BindingConflict', 'B 13900139000 is taken', {
      vendor: 'volcengine',
      vendorCode: 'PhoneNoXBConflicted',
    })
    const { sent, step } = recorder('b', conflict)
    const r = await applyFieldByField(everything, step)()
    expect(sent).toEqual(['expiresAt', 'a', 'b'])
    expect(r).toEqual(
      E.left({
        ...conflict,
        applied: ['expiresAt', 'a'],
        message: 'B 139****9000 is taken (already applied: expiresAt, a)',
      }),
    )
  })

  it('reports an empty applied list when the first field fails', async () => {
    const limited = makeError('RateLimited', 'slow down', {})
    const { sent, step } = recorder('expiresAt', limited)
    const r = await applyFieldByField(everything, step)()
    expect(sent).toEqual(['expiresAt'])
    expect(r).toEqual(E.left({ ...limited, applied: [] }))
  })

  it('does nothing for an empty change', async () => {
    const { sent, step } = recorder()
    expect(await applyFieldByField({}, step)()).toEqual(E.right(undefined))
    expect(sent).toEqual([])
  })
})
