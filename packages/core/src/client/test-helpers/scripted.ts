/**
 * A scripted provider for the client's unit tests: a memory provider whose `bind` answers come
 * from a script (success, or a given error), recording every call.
 */
import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'
import { makeError, type ErrorTag, type PrivacyNumberError } from '../../errors'
import { createMemoryProvider, type MemoryProvider } from '../../memory-provider'
import type { Binding, BindRequest, Provider } from '../../model'

/**
 * One scripted answer: 'ok' binds for real in memory; 'applied-unknown' binds, then reports a
 * timeout; 'late' reports a timeout and applies the bind only after the next lookup has looked
 * (a request still on its way when the client gave up).
 */
export type Answer = 'ok' | 'applied-unknown' | 'late' | PrivacyNumberError

/** A scripted provider and what it saw. */
export interface Scripted extends Provider {
  readonly calls: BindRequest[]
  readonly memory: MemoryProvider
  script: Answer[]
}

/** An error of a tag, as a vendor would answer it. */
export const vendorError = (
  tag: Exclude<ErrorTag, 'AllProvidersFailed' | 'InvalidArgument'>,
  vendor: string,
  extra: Partial<PrivacyNumberError> = {},
): PrivacyNumberError =>
  ({
    ...makeError(tag, `${tag} at ${vendor}`, { vendor } as never),
    ...extra,
  }) as PrivacyNumberError

/** Builds a scripted provider; when the script runs out it answers 'ok'. */
export function scripted(
  vendor: string,
  script: Answer[] = [],
  opts: { findBindings?: boolean } = {},
): Scripted {
  const memory = createMemoryProvider({ vendor, pool: `${vendor}-pool` })
  const calls: BindRequest[] = []
  let late: BindRequest | undefined
  const self: Scripted = {
    ...memory,
    findBindings: (q) => async () => {
      const find = memory.findBindings
      if (find === undefined) throw new Error('the memory provider always searches')
      const r = await find(q)()
      if (late !== undefined) {
        await memory.bind(late)()
        late = undefined
      }
      return r
    },
    calls,
    memory,
    script,
    bind:
      (req: BindRequest): TE.TaskEither<PrivacyNumberError, Binding> =>
      async () => {
        calls.push(req)
        const answer = self.script.shift() ?? 'ok'
        if (answer === 'ok') return memory.bind(req)()
        if (answer === 'late') {
          late = req
          return E.left(makeError('Timeout', 'no answer', { vendor }))
        }
        if (answer === 'applied-unknown') {
          const r = await memory.bind(req)()
          return E.isRight(r) ? E.left(makeError('Timeout', 'no answer', { vendor })) : r
        }
        return E.left(answer)
      },
    bindBatch: (reqs) => async () => {
      const out: E.Either<PrivacyNumberError, Binding>[] = []
      for (const r of reqs) out.push(await self.bind(r)())
      return E.right(out)
    },
  }
  if (opts.findBindings === false) {
    const { findBindings: _drop, ...rest } = self
    return Object.assign(rest, {
      calls,
      memory,
      script,
      capabilities: {
        ...memory.capabilities,
        operations: memory.capabilities.operations.filter((o) => o !== 'findBindings'),
      },
    }) as Scripted
  }
  return self
}
