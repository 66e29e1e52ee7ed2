/**
 * `createCallbackHandler`: one Node `(req, res)` receiver for both vendors' call-event pushes,
 * usable with node:http, Express (`express.raw()`) and Fastify (raw body). Each vendor adapter
 * contributes a `CallbackRoute` (how to recognise, verify and parse its pushes, and what to
 * answer); the handler caps the body, dedupes, answers, and hands normalized events over.
 */
import { createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import * as E from 'fp-ts/Either'
import type { CallbackRejected, CallEvent } from '../call-events'
import { createDedupe, type Dedupe } from './dedupe'

/** A push as the handler sees it. */
export interface CallbackRequest {
  readonly method: string
  /** The URL path, without the query string. */
  readonly path: string
  readonly query: URLSearchParams
  readonly headers: IncomingMessage['headers']
  /** The exact bytes received (signatures are computed over them). */
  readonly body: Buffer
}

/** What one vendor's pushes look like, and how that vendor wants to be answered. */
export interface CallbackRoute {
  readonly vendor: string
  /** Whether this route receives the request (by path, query parameters, …). */
  matches(req: CallbackRequest): boolean
  /** Verifies and decodes the push. Never throws. */
  parse(req: CallbackRequest): E.Either<CallbackRejected, ReadonlyArray<CallEvent>>
  /** The answer the vendor expects on success. */
  readonly accepted: {
    readonly status: number
    readonly contentType: string
    readonly body: string
  }
  /**
   * Answer before `onEvents` runs: for vendors with a short push timeout (Aliyun: 700 ms).
   * Otherwise the answer waits for `onEvents`, and a failure there answers 500 so the vendor
   * pushes again.
   */
  readonly answerFirst?: boolean
}

/** Options of `createCallbackHandler`. */
export interface CallbackHandlerOptions {
  /** The Volcengine route (`volcengineCallbackRoute({ authToken })`). */
  readonly volcengine?: CallbackRoute
  /** The Aliyun route (`aliyunCallbackRoute({ type })` or `({ paths })`). */
  readonly aliyun?: CallbackRoute
  /** More routes (other vendors); tried after the two above. */
  readonly routes?: ReadonlyArray<CallbackRoute>
  /** Receives each push's new events (duplicates removed). */
  readonly onEvents: (events: ReadonlyArray<CallEvent>) => void | Promise<void>
  /** Drops events seen before (see `callEventKey`); default a fresh `createDedupe()`, `false` keeps all. */
  readonly dedupe?: Dedupe | false
  /** Body cap in bytes (default 1 MB): larger pushes get 413. */
  readonly maxBodyBytes?: number
  /** Told about rejected pushes and failing `onEvents` calls (for logging). */
  readonly onError?: (error: CallbackRejected | Error, vendor?: string) => void
}

/**
 * The dedupe key of an event: vendor, callId, type, and a digest of the vendor's record. A
 * vendor's re-push is byte-identical and collapses; two different messages of one type (a
 * Volcengine status "ended" and its CDR are both `call-ended`) both come through.
 */
export function callEventKey(e: CallEvent): string {
  const digest = createHash('sha1')
    .update(JSON.stringify(e.raw) ?? '')
    .digest('base64url')
  return `${e.vendor}:${e.callId}:${e.type}:${digest}`
}

/** A Node request handler; `next` is ignored (it never delegates). */
export type CallbackHandler = (req: IncomingMessage, res: ServerResponse, next?: unknown) => void

const REJECTION_STATUS: Readonly<Record<CallbackRejected['reason'], number>> = {
  signature: 401,
  stale: 401,
  malformed: 400,
  unsupported: 400,
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  // Frameworks that already read the body (express.raw(), Fastify's raw parser) leave it here.
  const pre = (req as IncomingMessage & { body?: unknown }).body
  if (Buffer.isBuffer(pre))
    return pre.length > max ? Promise.reject(new BodyTooLarge()) : Promise.resolve(pre)
  if (typeof pre === 'string') {
    const b = Buffer.from(pre, 'utf8')
    return b.length > max ? Promise.reject(new BodyTooLarge()) : Promise.resolve(b)
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > max) {
        req.removeAllListeners('data')
        req.resume()
        reject(new BodyTooLarge())
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  if (res.headersSent) return
  res.statusCode = status
  res.setHeader('content-type', contentType)
  res.end(body)
}

const json = (res: ServerResponse, status: number, value: unknown) =>
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value))

/** Creates the receiver. */
export function createCallbackHandler(options: CallbackHandlerOptions): CallbackHandler {
  const routes = [options.volcengine, options.aliyun, ...(options.routes ?? [])].filter(
    (r): r is CallbackRoute => r !== undefined,
  )
  const dedupe = options.dedupe === false ? undefined : (options.dedupe ?? createDedupe())
  const max = options.maxBodyBytes ?? 1024 * 1024
  const report = (e: CallbackRejected | Error, vendor?: string) => {
    try {
      options.onError?.(e, vendor)
    } catch {
      // a logging bug must not break the receiver
    }
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if ((req.method ?? 'GET').toUpperCase() !== 'POST') {
      res.setHeader('allow', 'POST')
      return json(res, 405, { error: 'method not allowed' })
    }
    let body: Buffer
    try {
      body = await readBody(req, max)
    } catch (e) {
      if (e instanceof BodyTooLarge) return json(res, 413, { error: 'body too large' })
      return json(res, 400, { error: 'could not read the body' })
    }
    const url = new URL(req.url ?? '/', 'http://callback.local')
    const request: CallbackRequest = {
      method: 'POST',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
    }
    const route = routes.find((r) => r.matches(request))
    if (route === undefined) return json(res, 404, { error: 'no vendor route for this push' })
    const parsed = route.parse(request)
    if (E.isLeft(parsed)) {
      report(parsed.left, route.vendor)
      return json(res, REJECTION_STATUS[parsed.left.reason], { error: parsed.left.reason })
    }
    const fresh =
      dedupe === undefined
        ? parsed.right
        : parsed.right.filter((e) => !dedupe.seen(callEventKey(e)))
    const ok = () =>
      send(res, route.accepted.status, route.accepted.contentType, route.accepted.body)
    if (route.answerFirst === true) ok()
    try {
      if (fresh.length > 0) await options.onEvents(fresh)
      ok()
    } catch (e) {
      // Let the vendor push again: forget these events so the retry is not deduped away.
      if (dedupe !== undefined) for (const ev of fresh) dedupe.forget(callEventKey(ev))
      report(e instanceof Error ? e : new Error(String(e)), route.vendor)
      json(res, 500, { error: 'handler failed' })
    }
  }

  return (req, res) => {
    handle(req, res).catch((e: unknown) => {
      report(e instanceof Error ? e : new Error(String(e)))
      json(res, 500, { error: 'internal error' })
    })
  }
}
