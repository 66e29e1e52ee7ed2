import http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as E from 'fp-ts/Either'
import { callbackRejected, type CallEvent } from '../call-events'
import { createDedupe } from './dedupe'
import { createCallbackHandler, type CallbackHandlerOptions, type CallbackRoute } from './handler'

// A toy vendor: pushes go to /toy?sig=ok, the body is a JSON array of { id, kind }.
const toyRoute = (answerFirst = false): CallbackRoute => ({
  vendor: 'toy',
  matches: (req) => req.path === '/toy',
  parse: (req) => {
    if (req.query.get('sig') !== 'ok')
      return E.left(callbackRejected('toy', 'signature', 'bad sig'))
    let records: unknown
    try {
      records = JSON.parse(req.body.toString('utf8'))
    } catch {
      return E.left(callbackRejected('toy', 'malformed', 'not JSON'))
    }
    if (!Array.isArray(records)) return E.left(callbackRejected('toy', 'malformed', 'not an array'))
    return E.right(
      records.map((r: { id: string }): CallEvent => ({
        vendor: 'toy',
        type: 'call-ended',
        callId: r.id,
        at: new Date(0),
        raw: r,
      })),
    )
  },
  accepted: { status: 200, contentType: 'application/json', body: '{"code":0}' },
  answerFirst,
})

async function serve(
  options: Partial<CallbackHandlerOptions> & Pick<CallbackHandlerOptions, 'onEvents'>,
) {
  const handler = createCallbackHandler({ routes: [toyRoute()], ...options })
  const server = http.createServer(handler)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  const post = async (path: string, body: string, method = 'POST') => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      body: method === 'GET' ? undefined : body,
    })
    return { status: res.status, text: await res.text() }
  }
  return { post, close: () => new Promise<void>((r) => server.close(() => r())) }
}

describe('createCallbackHandler', () => {
  it('verifies, parses, hands events over and answers as the route asks', async () => {
    const got: CallEvent[] = []
    const s = await serve({ onEvents: (e) => void got.push(...e) })
    try {
      const r = await s.post('/toy?sig=ok', '[{"id":"c1"},{"id":"c2"}]')
      expect(r).toEqual({ status: 200, text: '{"code":0}' })
      expect(got.map((e) => e.callId)).toEqual(['c1', 'c2'])
    } finally {
      await s.close()
    }
  })

  it('answers 401 to a bad signature, 400 to a malformed body, 404 to an unknown path, 405 to GET', async () => {
    const errors: string[] = []
    const s = await serve({
      onEvents: () => undefined,
      onError: (e) => void errors.push('reason' in e ? e.reason : e.message),
    })
    try {
      expect((await s.post('/toy?sig=bad', '[]')).status).toBe(401)
      expect((await s.post('/toy?sig=ok', '{nope')).status).toBe(400)
      expect((await s.post('/elsewhere', '[]')).status).toBe(404)
      expect((await s.post('/toy?sig=ok', '', 'GET')).status).toBe(405)
      expect(errors).toEqual(['signature', 'malformed'])
    } finally {
      await s.close()
    }
  })

  it('caps the body size with 413', async () => {
    const s = await serve({ onEvents: () => undefined, maxBodyBytes: 64 })
    try {
      expect((await s.post('/toy?sig=ok', `[${'{"id":"x"},'.repeat(20)}{"id":"y"}]`)).status).toBe(
        413,
      )
    } finally {
      await s.close()
    }
  })

  it('drops duplicate deliveries of the same call event', async () => {
    const got: string[] = []
    const s = await serve({ onEvents: (e) => void got.push(...e.map((x) => x.callId)) })
    try {
      await s.post('/toy?sig=ok', '[{"id":"c1"}]')
      await s.post('/toy?sig=ok', '[{"id":"c1"},{"id":"c2"}]')
      expect(got).toEqual(['c1', 'c2'])
    } finally {
      await s.close()
    }
  })

  it('answers 500 when onEvents fails, and processes the retried push', async () => {
    let fail = true
    const got: string[] = []
    const s = await serve({
      onEvents: (e) => {
        if (fail) throw new Error('db down')
        got.push(...e.map((x) => x.callId))
      },
    })
    try {
      expect((await s.post('/toy?sig=ok', '[{"id":"c1"}]')).status).toBe(500)
      fail = false
      expect((await s.post('/toy?sig=ok', '[{"id":"c1"}]')).status).toBe(200)
      expect(got).toEqual(['c1'])
    } finally {
      await s.close()
    }
  })

  it('answers first for routes that ask for it, even when onEvents is slow', async () => {
    let release: () => void = () => undefined
    const pending = new Promise<void>((r) => (release = r))
    const handler = createCallbackHandler({ routes: [toyRoute(true)], onEvents: () => pending })
    const server = http.createServer(handler)
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    try {
      const port = (server.address() as AddressInfo).port
      const res = await fetch(`http://127.0.0.1:${port}/toy?sig=ok`, {
        method: 'POST',
        body: '[{"id":"c9"}]',
      })
      expect(res.status).toBe(200)
    } finally {
      release()
      await new Promise<void>((r) => server.close(() => r()))
    }
  })

  it('reads a body a framework already parsed into a Buffer (express.raw())', async () => {
    const got: string[] = []
    const handler = createCallbackHandler({
      routes: [toyRoute()],
      onEvents: (e) => void got.push(...e.map((x) => x.callId)),
    })
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        Object.assign(req, { body: Buffer.concat(chunks) })
        handler(req, res)
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    try {
      const port = (server.address() as AddressInfo).port
      await fetch(`http://127.0.0.1:${port}/toy?sig=ok`, { method: 'POST', body: '[{"id":"pre"}]' })
      expect(got).toEqual(['pre'])
    } finally {
      await new Promise<void>((r) => server.close(() => r()))
    }
  })
})

describe('createDedupe', () => {
  it('remembers keys until their time-to-live passes', () => {
    let t = 0
    const d = createDedupe({ ttlMs: 1000, now: () => t })
    expect(d.seen('a')).toBe(false)
    expect(d.seen('a')).toBe(true)
    t = 1500
    expect(d.seen('a')).toBe(false)
  })

  it('keeps at most max keys, dropping the least recently seen', () => {
    const d = createDedupe({ max: 2 })
    d.seen('a')
    d.seen('b')
    d.seen('a')
    d.seen('c')
    expect(d.size()).toBe(2)
    expect(d.seen('b')).toBe(false)
    expect(d.seen('c')).toBe(true)
  })
})
