/**
 * Helpers the adapters share for the operations DESIGN §2.1 defines the same way for every
 * vendor: bounded-concurrency batches that keep input order, and one-call-per-field updates
 * that report what was applied.
 */
import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'
import type { PrivacyNumberError } from './errors'
import { BINDING_UPDATE_ORDER, type BindingUpdate, type BindingUpdateField } from './model'

/**
 * Runs `task` on every item with at most `concurrency` in flight. Result i belongs to item i;
 * one item's Left never stops the others. (A task that rejects, which ours never do, becomes
 * the `onDefect` error rather than an unhandled rejection.)
 */
export function mapWithConcurrency<A, B>(
  items: ReadonlyArray<A>,
  concurrency: number,
  task: (item: A, index: number) => TE.TaskEither<PrivacyNumberError, B>,
  onDefect: (e: unknown) => PrivacyNumberError,
): TE.TaskEither<never, ReadonlyArray<E.Either<PrivacyNumberError, B>>> {
  return () =>
    new Promise((resolve) => {
      const results: E.Either<PrivacyNumberError, B>[] = new Array(items.length)
      // NaN would launch nothing and never resolve; anything below 1 still makes progress.
      const limit = Number.isNaN(concurrency) ? 1 : Math.max(1, Math.floor(concurrency))
      let next = 0
      let done = 0
      if (items.length === 0) return resolve(E.right(results))
      const launch = (): void => {
        const i = next++
        if (i >= items.length) return
        const item = items[i] as A
        Promise.resolve()
          .then(() => task(item, i)())
          .catch((e: unknown) => E.left(onDefect(e)))
          .then((r) => {
            results[i] = r
            done++
            if (done === items.length) resolve(E.right(results))
            else launch()
          })
      }
      for (let k = 0; k < Math.min(limit, items.length); k++) launch()
    })
}

/**
 * Applies a `BindingUpdate` one field at a time in `BINDING_UPDATE_ORDER` (both vendors change
 * one field per call). If a step fails, the error lists the fields applied before it.
 */
export function applyFieldByField(
  change: BindingUpdate,
  step: (field: BindingUpdateField) => TE.TaskEither<PrivacyNumberError, void>,
): TE.TaskEither<PrivacyNumberError, void> {
  const fields = BINDING_UPDATE_ORDER.filter((f) => change[f] !== undefined)
  return async () => {
    const applied: BindingUpdateField[] = []
    for (const field of fields) {
      const r = await step(field)()
      if (E.isLeft(r)) {
        const message =
          applied.length === 0
            ? r.left.message
            : `${r.left.message} (already applied: ${applied.join(', ')})`
        return E.left({ ...r.left, message, applied: [...applied] })
      }
      applied.push(field)
    }
    return E.right(undefined)
  }
}
