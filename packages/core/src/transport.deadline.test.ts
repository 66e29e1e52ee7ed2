import http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as E from 'fp-ts/Either'
import { axiosTransport, undiciTransport, type HttpTransport } from './transport'

// A correctness bound, not a speed figure: the limit is the caller's `timeoutMs`, not the
// resolution of some library's timer wheel (undici's own request timers tick at ≈1 s, which
// once turned a 200 ms limit into a second). The margin is wide on purpose.
describe.each([
  ['undici', () => undiciTransport({ timeoutMs: 200 })],
  ['axios', () => axiosTransport({ timeoutMs: 200 })],
] as const)('%s transport deadline', (_name, make) => {
  let server: http.Server
  let url = ''
  let transport: HttpTransport
  beforeAll(async () => {
    server = http.createServer(() => undefined) // never answers
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
    transport = make()
  })
  afterAll(async () => {
    await transport.close?.()
    server.closeAllConnections()
    await new Promise<void>((r) => server.close(() => r()))
  })

  it('gives up at timeoutMs, well before a coarse timer would', async () => {
    const started = Date.now()
    const r = await transport({ method: 'POST', url, headers: {}, body: 'x' })()
    const elapsed = Date.now() - started
    expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'Timeout', outcome: 'unknown' })
    expect(elapsed).toBeGreaterThanOrEqual(190)
    expect(elapsed).toBeLessThan(800)
  })
})
