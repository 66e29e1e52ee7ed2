import http from 'node:http'
import type { AddressInfo } from 'node:net'
import axios from 'axios'
import fc from 'fast-check'
import * as E from 'fp-ts/Either'
import {
  axiosTransport,
  networkError,
  resolveTransport,
  undiciTransport,
  type HttpTransport,
  type RawRequest,
  type RawResponse,
  type TransportError,
  type TransportOptions,
} from './transport'

// ---------------------------------------------------------------------------------------------
// a local server that misbehaves on request
// ---------------------------------------------------------------------------------------------

const BIG_ID_BODY =
  '{"Code":"OK","GroupId":20000000000000123,"SecretBindDTO":{"SubsId":1000000123456789012}}'

interface Echo {
  readonly method: string
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: string
  readonly bytes: number
}

let server: http.Server
let base: string
let connections = 0
/** Called when a request reaches '/hang' (lets a test abort exactly while the server holds it). */
let onHang: () => void = () => undefined

const routes: Record<
  string,
  (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void
> = {
  '/raw': (_req, res) => {
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'X-Request-Id': 'REQ-1',
      'X-Mixed-Case': 'Yes',
    })
    res.end(BIG_ID_BODY)
  },
  '/status/404': (_req, res) => {
    res.writeHead(404, { 'Content-Type': 'application/json' })
    res.end('{"Code":"NotFound"}')
  },
  '/status/503': (_req, res) => {
    res.writeHead(503, { 'Content-Type': 'text/html' })
    res.end('<html><body>503 Service Unavailable</body></html>')
  },
  '/status/302': (_req, res) => {
    res.writeHead(302, { Location: '/raw' })
    res.end()
  },
  '/echo': (req, res, body) => {
    const echo: Echo = {
      method: req.method ?? '',
      headers: req.headers,
      body: body.toString('utf8'),
      bytes: body.length,
    }
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' })
    res.end(JSON.stringify(echo))
  },
  '/target': (req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' })
    res.end(req.url)
  },
  '/hang': () => onHang(),
  '/destroy': (req) => req.socket.destroy(),
  // An interim 103 answer first: only the final answer is the response.
  '/early': (_req, res) => {
    res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' })
    res.writeHead(200, { 'Content-Type': 'text/plain' })
    res.end('final')
  },
  // A header sent twice, and a body in two writes that split a 3-byte UTF-8 character.
  '/split': (_req, res) => {
    res.writeHead(200, [
      ['X-Dup', 'one'],
      ['X-Dup', 'two'],
      ['Content-Type', 'text/plain; charset=utf-8'],
    ])
    const bytes = Buffer.from('号码隐私', 'utf8')
    res.write(bytes.subarray(0, 4))
    setTimeout(() => res.end(bytes.subarray(4)), 10)
  },
  // Headers at once, then one byte now and then, forever: only a whole-call deadline stops it.
  '/drip': (req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' })
    const timer = setInterval(() => res.write('.'), 20)
    req.socket.on('close', () => clearInterval(timer))
  },
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      // Any other path answers with the request target exactly as it arrived. The target is
      // appended to an origin, not resolved against one: a target like `//[` (what `/p//../..//[`
      // normalises to) would otherwise read as a host and throw here, in the server.
      const route = routes[new URL(`http://x${req.url ?? '/'}`).pathname] ?? routes['/target']
      route?.(req, res, Buffer.concat(chunks))
    })
  })
  server.on('connection', () => connections++)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

afterEach(() => {
  onHang = () => undefined
})

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const s = http.createServer()
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  const { port } = s.address() as AddressInfo
  await new Promise<void>((resolve) => s.close(() => resolve()))
  return port
}

const get = (path: string, extra: Partial<RawRequest> = {}): RawRequest => ({
  method: 'GET',
  url: base + path,
  headers: {},
  ...extra,
})

/** Runs one request; the promise must resolve (a transport never rejects). */
async function send(
  t: HttpTransport,
  req: RawRequest,
): Promise<E.Either<TransportError, RawResponse>> {
  return t(req)()
}

function right(r: E.Either<TransportError, RawResponse>): RawResponse {
  if (E.isLeft(r)) throw new Error(`expected a response, got ${r.left._tag}: ${r.left.message}`)
  return r.right
}

function left(r: E.Either<TransportError, RawResponse>): TransportError {
  if (E.isRight(r)) throw new Error(`expected a transport error, got HTTP ${r.right.status}`)
  return r.left
}

// ---------------------------------------------------------------------------------------------
// the same table for both transports
// ---------------------------------------------------------------------------------------------

const transports: ReadonlyArray<[string, (o?: TransportOptions) => HttpTransport]> = [
  ['axiosTransport', (o) => axiosTransport(o)],
  ['undiciTransport', (o) => undiciTransport(o)],
]

describe.each(transports)('%s', (_, make) => {
  let t: HttpTransport
  beforeEach(() => {
    t = make({ timeoutMs: 5000 })
  })
  afterEach(async () => {
    await t.close?.()
  })

  it('returns a 200 body raw, with an id beyond 2^53 untouched', async () => {
    const res = right(await send(t, get('/raw')))
    expect(res.status).toBe(200)
    expect(res.body).toBe(BIG_ID_BODY)
    expect(res.body).toContain('20000000000000123')
  })

  it('sends the path and query the URL parser gives, for any spelling (sent twice: the second time the origin is known)', async () => {
    const tricky = fc.constantFrom(
      ...'aZ09-._~%/?=&:@!$()*+,;#\' "<>`{}|^[]\\ 济'.split(''),
      '/./',
      '/../',
      '%2e',
      '%2E%2e',
      '%20',
      '%zz',
    )
    await fc.assert(
      fc.asyncProperty(fc.array(tricky, { maxLength: 12 }), async (parts) => {
        const url = `${base}/p/${parts.join('')}`
        const expected = new URL(url)
        for (let i = 0; i < 2; i++) {
          const got = right(await send(t, { method: 'GET', url, headers: {} })).body
          if (got !== expected.pathname + expected.search) return false
        }
        return true
      }),
      { numRuns: 150 },
    )
  })

  it('lower-cases the response headers', async () => {
    const res = right(await send(t, get('/raw')))
    expect(res.headers['x-request-id']).toBe('REQ-1')
    expect(res.headers['x-mixed-case']).toBe('Yes')
    expect(res.headers['content-type']).toBe('application/json')
    expect(Object.keys(res.headers).filter((k) => k !== k.toLowerCase())).toEqual([])
  })

  it.each([
    [404, '{"Code":"NotFound"}'],
    [503, '<html><body>503 Service Unavailable</body></html>'],
  ])('returns HTTP %i as a response, not an error', async (status, body) => {
    const res = right(await send(t, get(`/status/${status}`)))
    expect(res.status).toBe(status)
    expect(res.body).toBe(body)
  })

  it('does not follow redirects', async () => {
    const res = right(await send(t, get('/status/302')))
    expect(res.status).toBe(302)
    expect(res.headers.location).toBe('/raw')
  })

  it('delivers POST body bytes intact (UTF-8 Chinese and emoji)', async () => {
    const body = '{"ExpectCity":"北京","Name":"司机组 📞","Numbers":["13800138000"]}'
    const res = right(
      await send(t, {
        method: 'POST',
        url: `${base}/echo?Action=BindAxb&Version=2017-05-25`,
        headers: { 'Content-Type': 'application/json; charset=utf-8', 'X-Acs-Signature': 'abc' },
        body,
      }),
    )
    const echo = JSON.parse(res.body) as Echo
    expect(echo.method).toBe('POST')
    expect(echo.body).toBe(body)
    expect(echo.bytes).toBe(Buffer.byteLength(body, 'utf8'))
    expect(echo.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(echo.headers['x-acs-signature']).toBe('abc')
  })

  it('sends a POST with no body as empty', async () => {
    const res = right(await send(t, { method: 'POST', url: `${base}/echo`, headers: {} }))
    expect((JSON.parse(res.body) as Echo).bytes).toBe(0)
  })

  it('answers NetworkError not-applied ECONNREFUSED for a closed port', async () => {
    const port = await closedPort()
    const e = left(await send(t, get('/raw', { url: `http://127.0.0.1:${port}/raw` })))
    expect(e).toMatchObject({ _tag: 'NetworkError', code: 'ECONNREFUSED', outcome: 'not-applied' })
    expect(e.retryable).toBe(true)
  })

  it('answers NetworkError not-applied for a URL it cannot send to', async () => {
    const e = left(await send(t, get('/raw', { url: 'not a url' })))
    expect(e).toMatchObject({ _tag: 'NetworkError', outcome: 'not-applied' })
  })

  it('answers Timeout unknown when the server hangs', async () => {
    const e = left(await send(t, get('/hang', { timeoutMs: 200 })))
    expect(e).toMatchObject({
      _tag: 'Timeout',
      timeoutMs: 200,
      outcome: 'unknown',
      retryable: true,
    })
  })

  it("uses the transport's default timeout when the call sets none", async () => {
    const short = make({ timeoutMs: 200 })
    try {
      const e = left(await send(short, get('/hang')))
      expect(e).toMatchObject({ _tag: 'Timeout', timeoutMs: 200 })
    } finally {
      await short.close?.()
    }
  })

  it('answers Timeout when the answer trickles in past the deadline', async () => {
    const e = left(await send(t, get('/drip', { timeoutMs: 200 })))
    expect(e).toMatchObject({ _tag: 'Timeout', outcome: 'unknown' })
  })

  it('answers NetworkError unknown when the server drops the connection after reading the request', async () => {
    const e = left(await send(t, get('/destroy')))
    expect(e).toMatchObject({ _tag: 'NetworkError', outcome: 'unknown' })
    expect(e._tag === 'NetworkError' && e.code).toEqual(expect.any(String))
  })

  it("answers a Left, not a throw, when the caller's AbortSignal aborts mid-request", async () => {
    const controller = new AbortController()
    onHang = () => controller.abort()
    const e = left(await send(t, get('/hang', { signal: controller.signal })))
    expect(e).toMatchObject({ _tag: 'NetworkError', code: 'ABORTED', outcome: 'unknown' })
  })

  it('answers a Left for a signal that was aborted before the call', async () => {
    const e = left(await send(t, get('/raw', { signal: AbortSignal.abort() })))
    expect(e._tag).toBe('NetworkError')
  })

  it('reuses kept-alive connections for sequential requests', async () => {
    const before = connections
    for (let i = 0; i < 10; i++) expect(right(await send(t, get('/raw'))).status).toBe(200)
    // axios opens one; undici's pool may open a second while its first is still marked busy
    // right after the first answer. Without keep-alive it would be ten.
    expect(connections - before).toBeGreaterThanOrEqual(1)
    expect(connections - before).toBeLessThanOrEqual(2)
  })

  it('keeps working after a failure on the same origin', async () => {
    left(await send(t, get('/destroy')))
    expect(right(await send(t, get('/raw'))).status).toBe(200)
  })

  it('returns the final answer, not an interim 1xx one before it', async () => {
    const res = right(await send(t, get('/early')))
    expect(res.status).toBe(200)
    expect(res.body).toBe('final')
  })

  it("joins a repeated header's values and decodes a character split across chunks", async () => {
    const res = right(await send(t, get('/split')))
    expect(res.headers['x-dup']).toBe('one, two')
    expect(res.body).toBe('号码隐私')
  })

  describe('with one socket, a call queued behind a call the server holds', () => {
    let one: HttpTransport
    beforeEach(() => {
      one = make({ timeoutMs: 5000, maxSockets: 1 })
    })
    afterEach(async () => {
      await one.close?.()
    })

    it('times out while queued, and the transport serves the next call', async () => {
      const held = send(one, get('/hang', { timeoutMs: 400 }))
      const queued = left(await send(one, get('/raw', { timeoutMs: 100 })))
      expect(queued).toMatchObject({ _tag: 'Timeout', timeoutMs: 100, outcome: 'unknown' })
      expect(left(await held)._tag).toBe('Timeout')
      expect(right(await send(one, get('/raw'))).body).toBe(BIG_ID_BODY)
    })

    it('answers ABORTED when the caller aborts while queued', async () => {
      const controller = new AbortController()
      onHang = () => controller.abort()
      const held = send(one, get('/hang', { timeoutMs: 400 }))
      const queued = left(await send(one, get('/raw', { signal: controller.signal })))
      expect(queued).toMatchObject({ _tag: 'NetworkError', code: 'ABORTED', outcome: 'unknown' })
      expect(left(await held)._tag).toBe('Timeout')
      expect(right(await send(one, get('/raw'))).status).toBe(200)
    })
  })
})

// ---------------------------------------------------------------------------------------------
// axios specifics
// ---------------------------------------------------------------------------------------------

describe('axiosTransport with a caller-supplied axios instance', () => {
  it("applies the instance's interceptors", async () => {
    const instance = axios.create()
    const seen: string[] = []
    instance.interceptors.request.use((config) => {
      config.headers.set('X-From-Interceptor', 'yes')
      return config
    })
    instance.interceptors.response.use((res) => {
      seen.push(String(res.status))
      return res
    })
    const t = axiosTransport({ axios: instance })
    try {
      const before = connections
      const res = right(await send(t, get('/echo')))
      expect((JSON.parse(res.body) as Echo).headers['x-from-interceptor']).toBe('yes')
      expect(seen).toEqual(['200'])
      // The instance's defaults do not undo the raw-body rules.
      expect(right(await send(t, get('/raw'))).body).toBe(BIG_ID_BODY)
      // It gets the transport's keep-alive agent, since it brought none of its own.
      expect(connections - before).toBe(1)
    } finally {
      await t.close?.()
    }
  })

  it('answers a Left, not a throw, when an interceptor fails', async () => {
    const instance = axios.create()
    instance.interceptors.request.use(() => {
      throw new Error('interceptor broke')
    })
    const t = axiosTransport({ axios: instance })
    const e = left(await send(t, get('/raw')))
    expect(e._tag).toBe('NetworkError')
    await t.close?.()
  })
})

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

describe('resolveTransport', () => {
  const userAgent = async (t: HttpTransport) => {
    try {
      return String(
        (JSON.parse(right(await send(t, get('/echo'))).body) as Echo).headers['user-agent'],
      )
    } finally {
      await t.close?.()
    }
  }

  it('defaults to axios', async () => {
    expect(await userAgent(resolveTransport(undefined))).toMatch(/axios/)
    expect(await userAgent(resolveTransport('axios'))).toMatch(/axios/)
  })

  it("uses undici for 'undici'", async () => {
    expect(await userAgent(resolveTransport('undici'))).not.toMatch(/axios/)
  })

  it('hands back a transport function as is', () => {
    const mine: HttpTransport = () => async () => E.right({ status: 200, headers: {}, body: '' })
    expect(resolveTransport(mine)).toBe(mine)
  })
})

describe('networkError', () => {
  it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH'])(
    'says %s happened before sending (not-applied)',
    (code) => {
      expect(networkError(code, 'detail')).toMatchObject({
        _tag: 'NetworkError',
        code,
        outcome: 'not-applied',
        retryable: true,
      })
    },
  )

  it.each(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ABORTED'])(
    'says %s may have happened after sending (unknown)',
    (code) => {
      expect(networkError(code, 'detail').outcome).toBe('unknown')
    },
  )

  it('keeps an unknown cause as UNKNOWN with an unknown outcome', () => {
    expect(networkError(undefined, 'weird')).toMatchObject({ code: 'UNKNOWN', outcome: 'unknown' })
  })

  it('masks a number in the detail', () => {
    expect(networkError('ECONNRESET', 'reset while binding 13800138000').message).toBe(
      'connection failed: reset while binding 138****8000',
    )
  })
})
