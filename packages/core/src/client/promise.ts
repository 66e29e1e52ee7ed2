/**
 * `toPromiseClient` (DESIGN §2.5): the client's operations as async functions for callers who do
 * not use fp-ts. They resolve with the value and reject with a `PrivacyNumberException` whose
 * `.error` is the union value.
 */
import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'
import { PrivacyNumberException, type PrivacyNumberError } from '../errors'
import type { Binding, BindingUpdate, BindRequest, GroupChange, GroupInput } from '../model'
import type { GroupCallOptions, PendingBinding, PrivacyNumberClient, SweepResult } from './client'

/** The Promise face of a `PrivacyNumberClient`. */
export interface PromisePrivacyNumberClient {
  bind(req: BindRequest): Promise<Binding>
  /** Per-item results stay `Either`s: one item's failure is not the batch's. */
  bindBatch(
    reqs: ReadonlyArray<BindRequest>,
  ): Promise<ReadonlyArray<E.Either<PrivacyNumberError, Binding>>>
  unbind(ref: string): Promise<void>
  update(ref: string, change: BindingUpdate): Promise<void>
  query(ref: string): Promise<Binding>
  createGroup(
    group: GroupInput,
    options?: GroupCallOptions,
  ): Promise<{ groupId: string; vendor: string }>
  updateGroup(groupId: string, change: GroupChange, options?: GroupCallOptions): Promise<void>
  deleteGroup(groupId: string, options?: GroupCallOptions): Promise<void>
  sweep(pending: ReadonlyArray<PendingBinding>): Promise<ReadonlyArray<SweepResult>>
}

const run = async <A>(task: TE.TaskEither<PrivacyNumberError, A>): Promise<A> => {
  const r = await task()
  if (E.isLeft(r)) throw new PrivacyNumberException(r.left)
  return r.right
}

/** Wraps a client so every operation returns a Promise (rejecting with `PrivacyNumberException`). */
export function toPromiseClient(client: PrivacyNumberClient): PromisePrivacyNumberClient {
  return {
    bind: (req) => run(client.bind(req)),
    bindBatch: (reqs) => run(client.bindBatch(reqs)),
    unbind: (ref) => run(client.unbind(ref)),
    update: (ref, change) => run(client.update(ref, change)),
    query: (ref) => run(client.query(ref)),
    createGroup: async (group, options) => ({ ...(await run(client.createGroup(group, options))) }),
    updateGroup: (groupId, change, options) => run(client.updateGroup(groupId, change, options)),
    deleteGroup: (groupId, options) => run(client.deleteGroup(groupId, options)),
    sweep: async (pending) => {
      const r = await client.sweep(pending)()
      return E.isRight(r) ? r.right : []
    },
  }
}
