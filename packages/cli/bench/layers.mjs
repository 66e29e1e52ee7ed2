// Where the client's CPU goes under load: the same Aliyun BindAxb at concurrency 32 against the
// emulator (own process, core 1), one layer added at a time, in interleaved rounds:
//   raw        undici Pool.request with pre-signed requests (the benchmark's ceiling)
//   transport  core's undiciTransport with the same pre-signed requests
//   signed     signRequest per call + undiciTransport (no validation, no decoding)
//   provider   createAliyunProvider(...).bind() (validation, signing, transport, decoding)
//   client     createPrivacyNumberClient(...).bind() (plus outId, breaker, retry, events)
//   clientBare the same client with `retry: false, breaker: false` (what cockatiel's policies cost)
// Usage: taskset -c 0 node packages/cli/bench/layers.mjs [--rounds 3] [--duration 2000]
// A diagnostic for `docs/benchmarks.md` ("What limits each figure"); `pnpm bench` does not run it.
import { randomUUID } from 'node:crypto'
import { parseArgs } from 'node:util'
import * as core from '@privacy-number/core'
import * as aliyun from '@privacy-number/aliyun'
import { Pool } from 'undici'
import { closedLoop, createPhones, median, round, startEmulatorProcess } from './lib.mjs'

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '2000' },
  },
})
const ROUNDS = Number(values.rounds)
const DURATION = Number(values.duration)
const CONCURRENCY = 32

const emu = await startEmulatorProcess({ core: 1 })
const ali = emu.aliyun
const phones = createPhones(7_000_000)
const expiresAt = new Date(Date.now() + 2 * 3600_000)
const ok = (body) => body.includes('"Code":"OK"')

const params = () => {
  const { a, b } = phones()
  return [
    ['PoolKey', ali.poolKey],
    ['PhoneNoA', a],
    ['PhoneNoB', b],
    ['Expiration', core.formatBeijing(expiresAt)],
    ['IsRecordingEnabled', 'false'],
    ['OutId', `pn-${randomUUID()}`],
  ]
}
const sign = () =>
  aliyun.signRequest({
    endpoint: ali.endpoint,
    action: 'BindAxb',
    params: params(),
    accessKeyId: ali.accessKeyId,
    accessKeySecret: ali.accessKeySecret,
    signatureVersion: 'v1',
    timestamp: new Date(),
    nonce: randomUUID(),
  })
const presign = (n) => Array.from({ length: n }, sign)

const origin = new URL(ali.endpoint).origin
/** The client layer with the given client options (breaker and retry on or off). */
const clientLayer = (options) => {
  const p = aliyun.createAliyunProvider({ ...ali, transport: 'undici' })
  const c = core.createPrivacyNumberClient({ providers: [p], ...options })
  return {
    op: async () => (await c.bind({ kind: 'AXB', ...phones(), expiresAt })())._tag === 'Right',
    close: () => p.close(),
  }
}

const layers = {
  raw: () => {
    const pool = new Pool(origin, { connections: 64, pipelining: 1 })
    let reqs = []
    return {
      prepare: (n) => (reqs = presign(n)),
      op: async (i) => {
        const r = reqs[i]
        const u = r.url.slice(origin.length)
        const res = await pool.request({ method: 'POST', path: u, headers: r.headers })
        return ok(await res.body.text())
      },
      close: () => pool.close(),
    }
  },
  transport: () => {
    const t = core.undiciTransport()
    let reqs = []
    return {
      prepare: (n) => (reqs = presign(n)),
      op: async (i) => {
        const r = await t(reqs[i])()
        return r._tag === 'Right' && ok(r.right.body)
      },
      close: () => t.close(),
    }
  },
  signed: () => {
    const t = core.undiciTransport()
    return {
      op: async () => {
        const r = await t(sign())()
        return r._tag === 'Right' && ok(r.right.body)
      },
      close: () => t.close(),
    }
  },
  provider: () => {
    const p = aliyun.createAliyunProvider({ ...ali, transport: 'undici' })
    return {
      op: async () => (await p.bind({ kind: 'AXB', ...phones(), expiresAt })())._tag === 'Right',
      close: () => p.close(),
    }
  },
  client: () => clientLayer({}),
  clientRetryOnly: () => clientLayer({ breaker: false }),
  clientBreakerOnly: () => clientLayer({ retry: false }),
  clientBare: () => clientLayer({ retry: false, breaker: false }),
}

const names = Object.keys(layers)
const results = Object.fromEntries(names.map((n) => [n, { rps: [], cpu: [] }]))
for (let r = 0; r < ROUNDS; r++) {
  const order = names.map((_, i) => names[(i + r) % names.length])
  for (const name of order) {
    const s = layers[name]()
    s.prepare?.(Math.ceil((60_000 * DURATION) / 1000))
    await closedLoop((i) => s.op(i), { concurrency: CONCURRENCY, durationMs: 300, limit: 2000 })
    s.prepare?.(Math.ceil((60_000 * DURATION) / 1000))
    const m = await closedLoop((i) => s.op(i), { concurrency: CONCURRENCY, durationMs: DURATION })
    if (m.failed > 0) console.error(name, 'failures', m.failed, m.firstError)
    results[name].rps.push(m.rps)
    results[name].cpu.push(m.cpuUsPerCall)
    await s.close()
    await emu.call('purge')
  }
}
const out = {}
for (const n of names) {
  out[`${n}Rps`] = round(median(results[n].rps))
  out[`${n}CpuUs`] = round(median(results[n].cpu), 1)
}
for (const n of names)
  console.log(
    `${n.padEnd(10)} ${String(out[`${n}Rps`]).padStart(6)} req/s  ${String(out[`${n}CpuUs`]).padStart(6)} µs/call`,
  )
console.log(JSON.stringify(out))
await emu.close()
