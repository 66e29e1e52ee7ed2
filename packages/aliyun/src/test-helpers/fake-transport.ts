// Test doubles: a transport that records every request and answers from a script, and a wrapper
// that counts what a real transport sends. No network, no timers.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { HttpTransport, RawRequest, RawResponse } from '@privacy-number/core'
import * as TE from 'fp-ts/TaskEither'

/** One recorded request, decoded for assertions. */
export interface Recorded {
  readonly raw: RawRequest
  readonly action: string
  /** Query parameters (v1: common + business; v3: business only). */
  readonly params: Readonly<Record<string, string>>
}

/** A scripted answer: a body object (HTTP 200) or a full response. */
export type Answer = Record<string, unknown> | RawResponse | string

const isRaw = (a: Answer): a is RawResponse =>
  typeof a === 'object' && 'status' in a && 'body' in a && 'headers' in a

/** A recording transport; `respond` picks the answer from the decoded request. */
export function fakeTransport(respond: (r: Recorded, index: number) => Answer): {
  transport: HttpTransport
  calls: Recorded[]
  actions: () => string[]
} {
  const calls: Recorded[] = []
  const transport: HttpTransport = (raw) => {
    const url = new URL(raw.url)
    const params = Object.fromEntries(url.searchParams)
    const action = raw.headers['x-acs-action'] ?? params['Action'] ?? ''
    const rec: Recorded = { raw, action, params }
    calls.push(rec)
    const a = respond(rec, calls.length - 1)
    const res: RawResponse = isRaw(a)
      ? a
      : {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: typeof a === 'string' ? a : JSON.stringify({ RequestId: 'R', ...a }),
        }
    return TE.right(res)
  }
  return { transport, calls, actions: () => calls.map((c) => c.action) }
}

/** A raw 200 answer with the given JSON text (for bodies that must keep big integers). */
export const rawJson = (body: string, status = 200): RawResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body,
})

/** Reads a fixture's raw text. */
export const fixture = (name: string): string =>
  readFileSync(path.join(__dirname, '..', '__fixtures__', name), 'utf8')

/** Wraps a transport and counts the requests it sends. */
export function countingTransport(inner: HttpTransport): {
  transport: HttpTransport
  count: () => number
} {
  let n = 0
  const transport: HttpTransport = Object.assign(
    (req: RawRequest) => {
      n++
      return inner(req)
    },
    inner.close === undefined ? {} : { close: () => inner.close?.() ?? Promise.resolve() },
  )
  return { transport, count: () => n }
}
