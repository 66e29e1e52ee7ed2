// Benchmark: bind+unbind throughput of the emulator on loopback, with the server in its own
// process, next to a bare node:http server (the floor) measured in interleaved rounds; then the
// emulator's memory with 100k live bindings with expiry, and after they expire.
//   npm run build && node bench/throughput.mjs [--seconds 5] [--rounds 3] [--concurrency 32]
// Requests are signed here with the emulator's own reference functions, so the client stays
// cheap; the figure is the server's capacity, not a client library's.
import { Buffer } from 'node:buffer'
import { fork } from 'node:child_process'
import http from 'node:http'
import { performance } from 'node:perf_hooks'
import { fileURLToPath, URL } from 'node:url'
import { signedAliQuery, signedVolcRequest } from './signed.mjs'

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const SECONDS = arg('seconds', 5)
const ROUNDS = arg('rounds', 3)
const CONCURRENCY = arg('concurrency', 32)
const MEMORY_BINDINGS = arg('bindings', 100_000)
const VENDORS = (process.env.BENCH_VENDORS ?? 'volcengine,aliyun').split(',')

const nextMessage = (child, cmd) =>
  new Promise((resolve) => {
    const on = (m) => {
      if (m.cmd === cmd) {
        child.off('message', on)
        resolve(m)
      }
    }
    child.on('message', on)
  })

/** A server process: its endpoints, and its own CPU time and memory over IPC. */
const startServer = async (script) => {
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), [], {
    execArgv: ['--expose-gc'],
  })
  const ready = await nextMessage(child, 'ready')
  return {
    volcengine: ready.volcengine,
    aliyun: ready.aliyun,
    stats: (gc = false) => {
      child.send({ cmd: 'stats', gc })
      return nextMessage(child, 'stats')
    },
    send: (msg) => child.send(msg),
    stop: () => child.send({ cmd: 'stop' }),
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2 })
const send = (endpoint, method, path, headers, body) =>
  new Promise((resolve, reject) => {
    // An explicit length: a chunked body costs extra writes and Nagle/delayed-ACK stalls.
    const withLength = { ...headers, 'content-length': Buffer.byteLength(body) }
    const req = http.request(
      new URL(path, endpoint),
      { method, headers: withLength, agent },
      (res) => {
        const chunks = []
        res.on('data', (c) => chunks.push(c))
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))))
      },
    )
    req.on('error', reject)
    req.end(body)
  })

const volcRequest = (target, action, params) => {
  const { endpoint, accessKeyId, secretAccessKey } = target.volcengine
  const host = new URL(endpoint).host
  const signed = signedVolcRequest({ host, accessKeyId, secretAccessKey }, action, params)
  return send(endpoint, 'POST', `/?${signed.query}`, signed.headers, signed.body)
}

const aliRequest = (target, action, params) => {
  const { endpoint, accessKeyId, accessKeySecret } = target.aliyun
  const query = signedAliQuery({ accessKeyId, accessKeySecret }, action, params)
  return send(endpoint, 'POST', `/?${query}`, {}, '')
}

const beijing = (ms) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ')
const phone = (prefix, n) => `${prefix}${String(n).padStart(8, '0')}`

/** One bind and its unbind: two requests. */
const pairs = {
  volcengine: async (target, n) => {
    const pool = target.volcengine.numberPoolNo
    const bound = await volcRequest(target, 'SelectNumberAndBindAXB', {
      NumberPoolNo: pool,
      PhoneNoA: phone('138', n),
      PhoneNoB: phone('139', n),
      CityCode: '010',
      ExpireTime: Math.floor(Date.now() / 1000) + 3600,
      AudioRecordFlag: 0,
    })
    const subId = bound.Result?.SubId
    if (subId === undefined) throw new Error(JSON.stringify(bound))
    await volcRequest(target, 'UnbindAXB', { NumberPoolNo: pool, SubId: subId })
  },
  aliyun: async (target, n) => {
    const poolKey = target.aliyun.poolKey
    const bound = await aliRequest(target, 'BindAxb', {
      PoolKey: poolKey,
      PhoneNoA: phone('138', n),
      PhoneNoB: phone('139', n),
      Expiration: beijing(Date.now() + 3600_000),
    })
    const dto = bound.SecretBindDTO
    if (dto === undefined) throw new Error(JSON.stringify(bound))
    await aliRequest(target, 'UnbindSubscription', {
      PoolKey: poolKey,
      SubsId: dto.SubsId,
      SecretNo: dto.SecretNo,
    })
  },
}

let serial = 0
/** Closed loop at CONCURRENCY for SECONDS: wall req/s and the server's CPU µs per request. */
const round = async (target, vendor) => {
  for (let i = 0; i < 100; i++) await pairs[vendor](target, serial++) // warm-up
  const before = await target.stats()
  let requests = 0
  const t0 = performance.now()
  const deadline = t0 + SECONDS * 1000
  const worker = async () => {
    while (performance.now() < deadline) {
      await pairs[vendor](target, serial++)
      requests += 2
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  const elapsed = (performance.now() - t0) / 1000
  const after = await target.stats()
  return { rate: requests / elapsed, cpu: (after.cpuMicros - before.cpuMicros) / requests }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

const emulator = await startServer('./server.mjs')
const floor = await startServer('./baseline-server.mjs')
for (const vendor of VENDORS) {
  const results = { emulator: [], floor: [] }
  for (let r = 0; r < ROUNDS; r++) {
    results.emulator.push(await round(emulator, vendor))
    results.floor.push(await round(floor, vendor))
  }
  for (const [label, rs] of [
    ['emulator', results.emulator],
    ['bare node:http', results.floor],
  ]) {
    const rate = median(rs.map((x) => x.rate))
    const cpu = median(rs.map((x) => x.cpu))
    console.log(
      `${vendor} ${label}: ${Math.round(rate)} req/s wall; server CPU ${cpu.toFixed(1)} µs/request ` +
        `(= ${Math.round(1e6 / cpu)} req/s per core) — median of ${ROUNDS} × ${SECONDS}s, concurrency ${CONCURRENCY}`,
    )
  }
}
floor.stop()

// Memory: MEMORY_BINDINGS live Volcengine bindings expiring in 2 minutes.
const mb = (bytes) => `${Math.round(bytes / 1024 / 1024)} MB`
const before = await emulator.stats(true)
let made = 0
const bindWorker = async () => {
  while (made < MEMORY_BINDINGS) {
    const n = made++
    const res = await volcRequest(emulator, 'SelectNumberAndBindAXB', {
      NumberPoolNo: emulator.volcengine.numberPoolNo,
      PhoneNoA: phone('136', n),
      PhoneNoB: phone('135', n),
      CityCode: '010',
      DegradeCityList: ['021', '020', '0755', '0571', '0531'],
      ExpireTime: Math.floor(Date.now() / 1000) + 120,
      UserData: `order-${n}`,
    })
    if (res.Result === undefined) throw new Error(JSON.stringify(res))
  }
}
await Promise.all(Array.from({ length: CONCURRENCY }, bindWorker))
const full = await emulator.stats(true)
emulator.send({ cmd: 'advance', ms: 121_000 })
const expired = await emulator.stats(true)
console.log(`memory: before rss ${mb(before.rss)} heap ${mb(before.heapUsed)}`)
console.log(`memory: ${full.live} live bindings rss ${mb(full.rss)} heap ${mb(full.heapUsed)}`)
console.log(
  `memory: after expiry (${expired.live} live) rss ${mb(expired.rss)} heap ${mb(expired.heapUsed)}`,
)
emulator.stop()
agent.destroy()
