// Benchmark: bind+unbind throughput of the emulator on loopback, with the server in its own
// process, and its memory after 100k live bindings with expiry (then after they expire).
//   npm run build && node bench/throughput.mjs [--seconds 5] [--concurrency 32]
// Requests are signed here with the emulator's own reference functions, so the client stays
// cheap; the figure is the server's capacity, not a client library's.
import { Buffer } from 'node:buffer'
import { fork } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import http from 'node:http'
import { createRequire } from 'node:module'
import { performance } from 'node:perf_hooks'
import { fileURLToPath, URL, URLSearchParams } from 'node:url'

const require = createRequire(import.meta.url)
const { volcSignature, sha256Hex } = require('../dist/volcengine/signature.js')
const { rpcSignature } = require('../dist/aliyun/signature.js')

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const SECONDS = arg('seconds', 5)
const CONCURRENCY = arg('concurrency', 32)
const MEMORY_BINDINGS = arg('bindings', 100_000)

const server = fork(fileURLToPath(new URL('./server.mjs', import.meta.url)), [], {
  execArgv: ['--expose-gc'],
})
const nextMessage = (cmd) =>
  new Promise((resolve) => {
    const on = (m) => {
      if (m.cmd === cmd) {
        server.off('message', on)
        resolve(m)
      }
    }
    server.on('message', on)
  })
const { volcengine, aliyun } = await nextMessage('ready')
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY })

const send = (endpoint, method, path, headers, body) =>
  new Promise((resolve, reject) => {
    const url = new URL(path, endpoint)
    // An explicit length: a chunked body costs extra writes and Nagle/delayed-ACK stalls.
    const withLength = { ...headers, 'content-length': Buffer.byteLength(body) }
    const req = http.request(url, { method, headers: withLength, agent }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))))
    })
    req.on('error', reject)
    req.end(body)
  })

const xDate = () => new Date().toISOString().replace(/[-:]|\.\d{3}/g, '')
const volcRequest = (action, params) => {
  const body = JSON.stringify(params)
  const date = xDate()
  const host = new URL(volcengine.endpoint).host
  const hash = sha256Hex(body)
  const headers = {
    'content-type': 'application/json',
    host,
    'x-content-sha256': hash,
    'x-date': date,
  }
  const signedHeaders = Object.keys(headers)
  const signature = volcSignature({
    method: 'POST',
    path: '/',
    query: [
      ['Action', action],
      ['Version', '2022-01-01'],
    ],
    headers,
    signedHeaders,
    payloadHash: hash,
    xDate: date,
    region: 'cn-north-1',
    service: 'vms',
    secretAccessKey: volcengine.secretAccessKey,
  })
  headers.authorization = `HMAC-SHA256 Credential=${volcengine.accessKeyId}/${date.slice(0, 8)}/cn-north-1/vms/request, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`
  return send(volcengine.endpoint, 'POST', `/?Action=${action}&Version=2022-01-01`, headers, body)
}

const aliRequest = (action, params) => {
  const all = {
    ...params,
    Action: action,
    Version: '2017-05-25',
    Format: 'JSON',
    AccessKeyId: aliyun.accessKeyId,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: randomUUID(),
    Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  }
  all.Signature = rpcSignature(aliyun.accessKeySecret, 'POST', Object.entries(all))
  const qs = new URLSearchParams(all).toString().replace(/\+/g, '%20')
  return send(aliyun.endpoint, 'POST', `/?${qs}`, {}, '')
}

const beijing = (ms) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ')
const phone = (prefix, n) => `${prefix}${String(n).padStart(8, '0')}`

const pairs = {
  volcengine: async (n) => {
    const bound = await volcRequest('SelectNumberAndBindAXB', {
      NumberPoolNo: volcengine.numberPoolNo,
      PhoneNoA: phone('138', n),
      PhoneNoB: phone('139', n),
      CityCode: '010',
      ExpireTime: Math.floor(Date.now() / 1000) + 3600,
      AudioRecordFlag: 0,
    })
    const subId = bound.Result?.SubId
    if (subId === undefined) throw new Error(JSON.stringify(bound))
    await volcRequest('UnbindAXB', { NumberPoolNo: volcengine.numberPoolNo, SubId: subId })
  },
  aliyun: async (n) => {
    const bound = await aliRequest('BindAxb', {
      PoolKey: aliyun.poolKey,
      PhoneNoA: phone('138', n),
      PhoneNoB: phone('139', n),
      Expiration: beijing(Date.now() + 3600_000),
    })
    const dto = bound.SecretBindDTO
    if (dto === undefined) throw new Error(JSON.stringify(bound))
    await aliRequest('UnbindSubscription', {
      PoolKey: aliyun.poolKey,
      SubsId: dto.SubsId,
      SecretNo: dto.SecretNo,
    })
  },
}

const throughput = async (vendor) => {
  let requests = 0
  let n = 0
  const deadline = performance.now() + SECONDS * 1000
  const worker = async () => {
    while (performance.now() < deadline) {
      await pairs[vendor](n++)
      requests += 2
    }
  }
  const t0 = performance.now()
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  return requests / ((performance.now() - t0) / 1000)
}

const stats = async (gc = false) => {
  server.send({ cmd: 'stats', gc })
  return nextMessage('stats')
}

// Wall-clock req/s depends on the client and on whatever else runs on the machine; the server's
// own CPU time per request does not, so both are reported. 1e6 / (µs per request) is what one
// core can serve.
for (const vendor of (process.env.BENCH_VENDORS ?? 'volcengine,aliyun').split(',')) {
  for (let i = 0; i < 200; i++) await pairs[vendor](90_000_000 + i) // warm-up
  const before = await stats()
  const t0 = performance.now()
  const rate = await throughput(vendor)
  const after = await stats()
  const requests = rate * ((performance.now() - t0) / 1000)
  const cpuPerRequest = (after.cpuMicros - before.cpuMicros) / requests
  console.log(
    `${vendor}: ${Math.round(rate)} req/s wall (bind+unbind, concurrency ${CONCURRENCY}, ${SECONDS}s); ` +
      `server CPU ${cpuPerRequest.toFixed(1)} µs/request = ${Math.round(1e6 / cpuPerRequest)} req/s per core`,
  )
}

// Memory: MEMORY_BINDINGS live Volcengine bindings expiring in 2 minutes.
const mb = (bytes) => `${Math.round(bytes / 1024 / 1024)} MB`
const before = await stats(true)
let made = 0
const bindWorker = async () => {
  while (made < MEMORY_BINDINGS) {
    const n = made++
    const res = await volcRequest('SelectNumberAndBindAXB', {
      NumberPoolNo: volcengine.numberPoolNo,
      PhoneNoA: phone('136', n),
      PhoneNoB: phone('135', n),
      CityCode: '010',
      DegradeCityList: ['021', '020', '0755', '0571'],
      ExpireTime: Math.floor(Date.now() / 1000) + 120,
      UserData: `order-${n}`,
    })
    if (res.Result === undefined) {
      // The degrade list covers 5 of the 6 cities; the rest go to 0531.
      await volcRequest('SelectNumberAndBindAXB', {
        NumberPoolNo: volcengine.numberPoolNo,
        PhoneNoA: phone('136', n),
        PhoneNoB: phone('135', n),
        CityCode: '0531',
        ExpireTime: Math.floor(Date.now() / 1000) + 120,
      })
    }
  }
}
await Promise.all(Array.from({ length: CONCURRENCY }, bindWorker))
const full = await stats(true)
server.send({ cmd: 'advance', ms: 121_000 })
const expired = await stats(true)
console.log(
  `memory: before (after the throughput runs) rss ${mb(before.rss)} heap ${mb(before.heapUsed)}`,
)
console.log(`memory: ${full.live} live bindings rss ${mb(full.rss)} heap ${mb(full.heapUsed)}`)
console.log(
  `memory: after expiry (${expired.live} live) rss ${mb(expired.rss)} heap ${mb(expired.heapUsed)}`,
)
server.send({ cmd: 'stop' })
agent.destroy()
