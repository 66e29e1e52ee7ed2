// The HTTP plumbing shared by both vendors: read the request, let the vendor's gateway accept or
// refuse it, apply the QPS limit and injected faults, then answer. Vendor logic lives elsewhere.
import { createServer } from 'node:http'
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { FaultRegistry } from './faults'
import type { Vendor } from './store'

/** A request as the vendor front ends see it. */
export interface RawRequest {
  readonly method: string
  readonly path: string
  /** The query string without `?`, as sent. */
  readonly rawQuery: string
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
}

/** An HTTP answer. */
export interface Reply {
  readonly status: number
  readonly body: string
  readonly contentType?: string
  readonly headers?: Readonly<Record<string, string>>
}

/** A request the gateway let through, on its way to the business logic. */
export interface AcceptedCall {
  readonly action: string
}

/** One vendor's wire protocol. */
export interface FrontEnd<C extends AcceptedCall> {
  /** Gateway checks (signature, timestamps, action): a call to run, or the refusal to send. */
  accept(req: RawRequest): { readonly call: C } | { readonly reply: Reply }
  /** Runs an accepted call against the state. */
  execute(call: C): Reply
  /** The vendor's answer to an injected `error` fault. */
  errorReply(
    call: C,
    code: string,
    message: string | undefined,
    httpStatus: number | undefined,
  ): Reply
  /** The vendor's QPS-limit answer. */
  throttleReply(call: C): Reply
}

/** A running vendor server. */
export interface VendorServer {
  readonly port: number
  close(): Promise<void>
}

/** How one vendor server is set up. */
export interface ServerConfig<C extends AcceptedCall> {
  readonly vendor: Vendor
  readonly host: string
  readonly port: number
  readonly frontEnd: FrontEnd<C>
  readonly faults: FaultRegistry
  /** Requests per second let through; unlimited when absent. */
  readonly qps?: number
}

/** Where the recordings of simulated calls are served (`/recordings/<callId>.mp3`). */
export const RECORDINGS_PATH = '/recordings/'
// An ID3 tag and one silent MPEG frame header: enough for a player or a type sniffer.
const FAKE_MP3 = 'ID3\u0003\u0000\u0000\u0000\u0000\u0000\u0000\u00ff\u00fb\u0090\u0000'

const HTML_ERROR = (status: number): string =>
  `<html>\r\n<head><title>${status}</title></head>\r\n<body>\r\n<center><h1>${status}</h1></center>\r\n<hr><center>Tengine</center>\r\n</body>\r\n</html>\r\n`

/** A sliding one-second window over the last `limit` admitted requests. */
const createLimiter = (limit: number): (() => boolean) => {
  const stamps = new Array<number>(limit).fill(Number.NEGATIVE_INFINITY)
  let oldest = 0
  return () => {
    const t = performance.now()
    if (t - (stamps[oldest] as number) < 1000) return false
    stamps[oldest] = t
    oldest = (oldest + 1) % limit
    return true
  }
}

// A bug in the emulator must surface as a 500 the client can see, not a crash or a dead socket.
const internalError = (e: unknown): Reply => ({
  status: 500,
  body: JSON.stringify({ Code: 'InternalError', Message: String(e) }),
})

const send = (res: ServerResponse, reply: Reply): void => {
  if (res.destroyed) return
  res.writeHead(reply.status, {
    'content-type': reply.contentType ?? 'application/json;charset=utf-8',
    'content-length': Buffer.byteLength(reply.body),
    ...reply.headers,
  })
  res.end(reply.body)
}

const resetSocket = (socket: Socket): void => {
  // A TCP RST where Node offers it, like a crashed proxy; otherwise a plain close.
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy()
  else socket.destroy()
}

/** Starts one vendor's HTTP server on loopback. */
export const startVendorServer = async <C extends AcceptedCall>(
  config: ServerConfig<C>,
): Promise<VendorServer> => {
  const { frontEnd, faults, vendor } = config
  const limiter = config.qps !== undefined && config.qps > 0 ? createLimiter(config.qps) : undefined
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()

  const answer = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const raw: RawRequest = {
      method: req.method ?? 'GET',
      path: q < 0 ? url : url.slice(0, q),
      rawQuery: q < 0 ? '' : url.slice(q + 1),
      headers: req.headers,
      body,
    }
    if (raw.path.startsWith(RECORDINGS_PATH) && (raw.method === 'GET' || raw.method === 'HEAD')) {
      // The recording URLs of simulated calls resolve, so a demo can fetch them.
      return send(res, { status: 200, body: FAKE_MP3, contentType: 'audio/mpeg' })
    }
    const accepted = frontEnd.accept(raw)
    if ('reply' in accepted) return send(res, accepted.reply)
    const { call } = accepted
    if (limiter !== undefined && !limiter()) return send(res, frontEnd.throttleReply(call))
    const fault = faults.take(vendor, call.action)
    if (fault === undefined) return send(res, frontEnd.execute(call))
    switch (fault.kind) {
      case 'error':
        return send(res, frontEnd.errorReply(call, fault.code, fault.message, fault.httpStatus))
      case 'http':
        return send(res, {
          status: fault.status,
          body: fault.body ?? HTML_ERROR(fault.status),
          contentType: 'text/html',
        })
      case 'latency': {
        const timer = setTimeout(() => {
          timers.delete(timer)
          try {
            send(res, frontEnd.execute(call))
          } catch (e) {
            send(res, internalError(e))
          }
        }, fault.ms)
        timers.add(timer)
        return
      }
      case 'hang':
        return
      case 'reset':
        return resetSocket(req.socket)
      case 'malformed':
        return send(res, {
          status: 200,
          body: '{"RequestId":"EMULATOR-MALFORMED","Code":"OK","Resu',
        })
      case 'apply-then-drop':
        frontEnd.execute(call)
        return resetSocket(req.socket)
    }
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      try {
        answer(req, res, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks))
      } catch (e) {
        send(res, internalError(e))
      }
    })
  })
  server.keepAliveTimeout = 65_000
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(config.port, config.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : config.port
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t)
        timers.clear()
        server.close(() => resolve())
        for (const s of sockets) s.destroy()
      }),
  }
}
