/**
 * The HTTP transport the adapters share (DESIGN §2.6): bytes in, status + headers + body text
 * out. It never throws and never rejects: every failure is a `Timeout` or `NetworkError` whose
 * `outcome` says whether the request may have reached the vendor. Bodies are returned raw, so
 * the adapters can decode large ids losslessly.
 */
import http from 'node:http'
import https from 'node:https'
import axios, { type AxiosInstance, type AxiosResponse } from 'axios'
import type { Either } from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'
import { Pool, util, type Dispatcher } from 'undici'
import { makeError, timeout as timeoutError, type NetworkError, type Timeout } from './errors'

// ---------------------------------------------------------------------------------------------
// model
// ---------------------------------------------------------------------------------------------

/** One HTTP request, fully built and signed by an adapter. */
export interface RawRequest {
  readonly method: 'GET' | 'POST'
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string
  /** Per-call limit; the transport's default applies when absent. */
  readonly timeoutMs?: number
  readonly signal?: AbortSignal
}

/** What came back: every status (the adapter classifies it), lower-case headers, raw body text. */
export interface RawResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** A transport failure. */
export type TransportError = Timeout | NetworkError

/** Sends one request. Never throws; `close()` releases pooled sockets. */
export interface HttpTransport {
  (req: RawRequest): TE.TaskEither<TransportError, RawResponse>
  close?(): Promise<void>
}

/** Options shared by the built-in transports. */
export interface TransportOptions {
  /** Default per-call time limit (ms); default 5000. */
  readonly timeoutMs?: number
  /** Most sockets kept per origin; default 64. */
  readonly maxSockets?: number
}

/** Which transport a provider uses: a built-in by name, or your own function. */
export type TransportSpec = 'axios' | 'undici' | HttpTransport

// ---------------------------------------------------------------------------------------------
// outcome classification
// ---------------------------------------------------------------------------------------------

// Errors that happen before a single byte reached the vendor: the request was not applied, so
// the client may safely try another vendor. Everything else after connect is 'unknown'.
const BEFORE_SEND: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL',
  'ERR_INVALID_URL',
  'ERR_INVALID_ARG_TYPE',
])

/** Classifies a low-level error code (from Node, axios or undici) into the union. */
export function networkError(code: string | undefined, detail: string): NetworkError {
  const known = code ?? 'UNKNOWN'
  const notApplied = BEFORE_SEND.has(known)
  return makeError(
    'NetworkError',
    `${notApplied ? 'could not connect' : 'connection failed'}: ${detail}`,
    {
      code: known,
      outcome: notApplied ? 'not-applied' : 'unknown',
    },
  )
}

function errorCode(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined
  const r = e as { code?: unknown; cause?: unknown; errors?: unknown }
  // AggregateError (happy-eyeballs connect to several addresses) carries the codes inside.
  if (Array.isArray(r.errors) && r.errors.length > 0) return errorCode(r.errors[0])
  if (typeof r.code === 'string' && r.code !== 'ERR_NETWORK' && r.code !== 'UND_ERR_SOCKET')
    return r.code
  return errorCode(r.cause) ?? (typeof r.code === 'string' ? r.code : undefined)
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message || e.name : 'request failed'
}

function lowerHeaders(h: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const k in h) {
    if (!Object.prototype.hasOwnProperty.call(h, k)) continue
    const v = h[k]
    if (v === undefined || v === null) continue
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v)
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// axios
// ---------------------------------------------------------------------------------------------

/** Options of the axios transport. */
export interface AxiosTransportOptions extends TransportOptions {
  /** Your own instance: its interceptors, proxy and logging apply. */
  readonly axios?: AxiosInstance
}

const identity = <A>(a: A): A => a

/**
 * The default transport, on axios (the design card's choice). One instance per provider, with
 * keep-alive agents, no redirects, no body transforms, and every status handed back raw.
 */
export function axiosTransport(options: AxiosTransportOptions = {}): HttpTransport {
  const defaultTimeout = options.timeoutMs ?? 5000
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets ?? 64,
    scheduling: 'lifo' as const,
  }
  const httpAgent = new http.Agent(agentOptions)
  const httpsAgent = new https.Agent(agentOptions)
  // Options every call needs: set once on our own instance (axios merges per-call config into
  // its defaults on every request, so what is static costs nothing there), or per call on a
  // caller's instance, whose defaults are theirs.
  const fixed = {
    maxRedirects: 0,
    responseType: 'text' as const,
    transformRequest: [identity],
    transformResponse: [identity],
    validateStatus: () => true,
    transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: false },
  }
  const instance =
    options.axios ??
    axios.create({ httpAgent, httpsAgent, proxy: false, decompress: true, ...fixed })
  const perCall = options.axios === undefined ? {} : fixed
  // A caller's own instance keeps its agents if it set any; otherwise it gets ours, so
  // keep-alive applies either way.
  const agents =
    options.axios === undefined ||
    (options.axios.defaults.httpAgent === undefined &&
      options.axios.defaults.httpsAgent === undefined)
      ? { httpAgent, httpsAgent }
      : {}
  const send =
    (req: RawRequest): TE.TaskEither<TransportError, RawResponse> =>
    () => {
      const timeoutMs = req.timeoutMs ?? defaultTimeout
      // axios's `timeout` only bounds socket inactivity: an answer that trickles in would never
      // end. A deadline signal bounds the whole call, as undici's does.
      const deadline = AbortSignal.timeout(timeoutMs)
      const signal = req.signal === undefined ? deadline : AbortSignal.any([deadline, req.signal])
      // Promise.resolve().then: a synchronous throw (a broken interceptor) becomes a Left too.
      return Promise.resolve()
        .then(() =>
          instance.request<string>({
            method: req.method,
            url: req.url,
            headers: { ...req.headers },
            data: req.body,
            timeout: timeoutMs,
            signal,
            ...agents,
            ...perCall,
          }),
        )
        .then(
          (res: AxiosResponse<string>) => ({
            _tag: 'Right' as const,
            right: {
              status: res.status,
              headers: lowerHeaders(res.headers as Record<string, unknown>),
              body: typeof res.data === 'string' ? res.data : String(res.data ?? ''),
            },
          }),
          (e: unknown) => {
            const code = errorCode(e)
            const left: TransportError =
              deadline.aborted || code === 'ETIMEDOUT' || code === 'ECONNABORTED'
                ? timeoutError(timeoutMs)
                : networkError(code === 'ERR_CANCELED' ? 'ABORTED' : code, errorText(e))
            return { _tag: 'Left' as const, left }
          },
        )
    }
  const transport: HttpTransport = Object.assign(send, {
    close: async () => {
      httpAgent.destroy()
      httpsAgent.destroy()
    },
  })
  return transport
}

// ---------------------------------------------------------------------------------------------
// undici
// ---------------------------------------------------------------------------------------------

// Characters the WHATWG URL parser keeps as they are in an http(s) path and query (no space,
// quote, `#`, `<`, `>`, backtick, braces, backslash or non-ASCII; no `'`, which the query set
// encodes for special schemes). Dot segments (`/.`, `%2e`), which the parser resolves, and an
// empty query (a trailing `?`, which it drops) are left to it too.
const PLAIN_PATH = /^\/[A-Za-z0-9\-._~%/?=&:@!$()*+,;]*$/

const NEEDS_PARSER = /\/\.|%2e|\?$/i

type Settle = (result: Either<TransportError, RawResponse>) => void

const NO_HEADERS: Buffer[] = []

/**
 * One request's life on undici's `Dispatcher.dispatch` handler interface: status, headers and
 * body Buffers are collected as they arrive and decoded once at the end. `Pool.request` with
 * `body.text()` builds a Readable stream, an AsyncResource and a chain of promises for every
 * call; this handler is one object (docs/benchmarks.md, round 4). It settles exactly once:
 * with the answer, an error from undici, the deadline, or the caller's abort, whichever comes
 * first. After a deadline or an abort it tells undici to abort the request (at once, or when the
 * pool hands it a connection), and ignores whatever undici reports afterwards.
 */
class Exchange implements Dispatcher.DispatchHandlers {
  private done = false
  private cancelled: Error | undefined
  private abortRequest: ((reason?: Error) => void) | undefined
  private status = 0
  private rawHeaders: Buffer[] = NO_HEADERS
  private chunks: Buffer[] = []
  // One plain timer bounds the whole call (headers and body). Not undici's own
  // headersTimeout/bodyTimeout: they run on its coarse timer wheel (≈1 s resolution), which
  // turned a 250 ms limit into a second.
  private readonly deadline: ReturnType<typeof setTimeout>
  private readonly onCallerAbort: (() => void) | undefined

  constructor(
    private readonly settle: Settle,
    private readonly timeoutMs: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.deadline = setTimeout(expire, timeoutMs, this)
    if (signal !== undefined) {
      // A caller's signal gets a listener only when there is one.
      this.onCallerAbort = () => this.cancel(networkError('ABORTED', 'aborted by the caller'))
      signal.addEventListener('abort', this.onCallerAbort, { once: true })
    }
  }

  onConnect(abort: (reason?: Error) => void): void {
    // Called again when undici retries the request on another connection.
    if (this.cancelled !== undefined) abort(this.cancelled)
    else this.abortRequest = abort
  }

  onHeaders(status: number, rawHeaders: Buffer[]): boolean {
    // An interim 1xx answer comes first and is overwritten here by the final one.
    this.status = status
    this.rawHeaders = rawHeaders
    return true
  }

  onData(chunk: Buffer): boolean {
    this.chunks.push(chunk)
    return true
  }

  onComplete(): void {
    if (this.done) return
    const chunks = this.chunks
    const body =
      chunks.length === 0
        ? ''
        : chunks.length === 1
          ? (chunks[0] as Buffer).toString('utf8')
          : Buffer.concat(chunks).toString('utf8')
    this.finish({
      _tag: 'Right',
      right: { status: this.status, headers: headersOf(this.rawHeaders), body },
    })
  }

  onError(e: Error): void {
    if (this.done) return
    const code = errorCode(e)
    this.finish({
      _tag: 'Left',
      left: networkError(code === 'UND_ERR_ABORTED' ? 'ABORTED' : code, errorText(e)),
    })
  }

  /** Settles with `left` and stops the request. */
  cancel(left: TransportError): void {
    if (this.done) return
    this.cancelled = new Error(left.message)
    this.finish({ _tag: 'Left', left })
    this.abortRequest?.(this.cancelled)
  }

  private finish(result: Either<TransportError, RawResponse>): void {
    this.done = true
    clearTimeout(this.deadline)
    if (this.onCallerAbort !== undefined)
      this.signal?.removeEventListener('abort', this.onCallerAbort)
    this.chunks = []
    this.settle(result)
  }

  /** The deadline passed. */
  expire(): void {
    this.cancel(timeoutError(this.timeoutMs))
  }
}

function expire(exchange: Exchange): void {
  exchange.expire()
}

/** undici's raw header list as lower-case names; a repeated header's values joined by ', '. */
function headersOf(raw: Buffer[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = util.headerNameToString(raw[i] as Buffer)
    const value = (raw[i + 1] as Buffer).toString('utf8')
    const seen = out[name]
    out[name] = seen === undefined ? value : `${seen}, ${value}`
  }
  return out
}

/**
 * The fast transport, on undici (Node's own HTTP engine): one `Pool` per origin, kept for the
 * transport's life, and each request sent with `Pool.dispatch` and a handler of ours
 * (`Exchange`) rather than `Pool.request`. Same never-throw and outcome rules as
 * `axiosTransport`.
 */
export function undiciTransport(options: TransportOptions = {}): HttpTransport {
  const defaultTimeout = options.timeoutMs ?? 5000
  const pools = new Map<string, Pool>()
  const poolFor = (origin: string): Pool => {
    let pool = pools.get(origin)
    if (pool === undefined) {
      pool = new Pool(origin, { connections: options.maxSockets ?? 64, pipelining: 1 })
      pools.set(origin, pool)
    }
    return pool
  }
  // Where a URL goes: its pool and its path + query. A URL that starts with the exact spelling
  // of an origin that already has a pool (`http://host:port`), and whose path and query hold
  // only characters URL parsing leaves as they are, is split by hand; any other URL is parsed
  // (a URL object per call was ≈ 1 µs of a bind's CPU).
  const target = (raw: string): { pool: Pool; path: string } | undefined => {
    const slash = raw.indexOf('/', raw.indexOf('//') + 2)
    if (slash > 0) {
      const pool = pools.get(raw.slice(0, slash))
      const path = raw.slice(slash)
      if (pool !== undefined && PLAIN_PATH.test(path) && !NEEDS_PARSER.test(path))
        return { pool, path }
    }
    let url: URL
    try {
      url = new URL(raw)
    } catch {
      return undefined
    }
    return { pool: poolFor(url.origin), path: url.pathname + url.search }
  }
  const send =
    (req: RawRequest): TE.TaskEither<TransportError, RawResponse> =>
    () =>
      new Promise<Either<TransportError, RawResponse>>((settle) => {
        const to = target(req.url)
        if (to === undefined) {
          settle({ _tag: 'Left', left: networkError('ERR_INVALID_URL', 'invalid URL') })
          return
        }
        const signal = req.signal
        if (signal?.aborted === true) {
          settle({ _tag: 'Left', left: networkError('ABORTED', 'aborted by the caller') })
          return
        }
        const exchange = new Exchange(settle, req.timeoutMs ?? defaultTimeout, signal)
        // dispatch never throws: undici hands a synchronous failure (a closed pool, a header
        // it refuses) to onError.
        to.pool.dispatch(
          {
            method: req.method,
            path: to.path,
            headers: req.headers as Record<string, string>,
            body: req.body ?? null,
          },
          exchange,
        )
      })
  const transport: HttpTransport = Object.assign(send, {
    close: async () => {
      const all = [...pools.values()]
      pools.clear()
      await Promise.all(all.map((p) => p.close().catch(() => undefined)))
    },
  })
  return transport
}

/** Resolves a provider's `transport` option (default 'axios'). */
export function resolveTransport(
  spec: TransportSpec | undefined,
  options: AxiosTransportOptions = {},
): HttpTransport {
  if (typeof spec === 'function') return spec
  if (spec === 'undici') return undiciTransport(options)
  return axiosTransport(options)
}
