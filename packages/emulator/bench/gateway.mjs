// Benchmark: the emulator's own CPU per request without HTTP — the vendor gateways (signature,
// nonce, parameters) and actions (state, answer) called in-process. On a shared machine this is
// far steadier than throughput.mjs, whose server CPU also holds node:http's share.
//   npm run build && node bench/gateway.mjs [--pairs 10000] [--rounds 7] [--pile-up]
// Default: bind + unbind pairs (Volcengine SelectNumberAndBindAXB + UnbindAXB, Aliyun BindAxb +
// UnbindSubscription), as in throughput.mjs. --pile-up: Aliyun BindAxb only, 40,000 live
// bindings per round on a pool with a huge pair capacity, cleared between rounds (the shape of
// the project benchmark's ceiling row). Requests are signed outside the timed region.
import { randomUUID } from 'node:crypto'
import { createRequire } from 'node:module'
import { signedAliQuery, signedVolcRequest } from './signed.mjs'

const require = createRequire(import.meta.url)
const { createStore } = require('../dist/store.js')
const { createAliFrontEnd } = require('../dist/aliyun/gateway.js')
const { createAliActions } = require('../dist/aliyun/actions.js')
const { createVolcFrontEnd } = require('../dist/volcengine/gateway.js')
const { createVolcActions } = require('../dist/volcengine/actions.js')

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const PAIRS = arg('pairs', 10_000)
const ROUNDS = arg('rounds', 7)
const PILE_UP = process.argv.includes('--pile-up')
const BATCH = 200

let offset = 0
const nowMs = () => Date.now() + offset
const cities = ['010', '021', '020', '0755', '0571', '0531']
const pool = (prefix, perCity) =>
  Object.fromEntries(
    cities.map((c, i) => [
      c,
      Array.from({ length: perCity }, (_, n) => `${prefix}${i}${String(n).padStart(7, '0')}`),
    ]),
  )
let serial = 0
const aliStore = createStore({
  vendor: 'aliyun',
  pool: pool('171', PILE_UP ? 50 : 100),
  pairCapacity: PILE_UP ? 100_000_000 : 200,
  now: nowMs,
  newSubscriptionId: () => String(1_000_017_838_816_000 + ++serial),
})
const ali = createAliFrontEnd({
  accessKeyId: 'AK',
  accessKeySecret: 'SK',
  nowMs,
  actions: createAliActions({
    store: aliStore,
    poolKey: 'FC',
    nowMs,
    strictCity: false,
    newGroupId: () => '1',
    recordingBase: () => '',
  }),
})
const volc = createVolcFrontEnd({
  accessKeyId: 'AK',
  secretAccessKey: 'SK',
  nowMs,
  actions: createVolcActions({
    store: createStore({
      vendor: 'volcengine',
      pool: pool('170', 100),
      pairCapacity: 200,
      now: nowMs,
      newSubscriptionId: () => `S16${String(++serial).padStart(16, '0')}`,
    }),
    numberPoolNo: 'NP',
    nowMs,
    homeCities: { mobilePrefixes: {}, defaultMobileCity: '010' },
    newGroupId: () => 'G1',
    recordingBase: () => '',
  }),
})

const beijing = (ms) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ')
const phone = (prefix, n) => `${prefix}${String(n).padStart(8, '0')}`

const credentials = {
  host: '127.0.0.1',
  accessKeyId: 'AK',
  accessKeySecret: 'SK',
  secretAccessKey: 'SK',
}

/** An RPC v1 POST with every parameter in the query string, as throughput.mjs sends it. */
const aliRequest = (action, params) => ({
  method: 'POST',
  path: '/',
  rawQuery: signedAliQuery(credentials, action, params),
  headers: { host: '127.0.0.1', connection: 'keep-alive', 'content-length': '0' },
  body: Buffer.alloc(0),
})

const volcRequest = (action, params) => {
  const signed = signedVolcRequest(credentials, action, params)
  return {
    method: 'POST',
    path: '/',
    rawQuery: signed.query,
    headers: {
      ...signed.headers,
      connection: 'keep-alive',
      'content-length': String(Buffer.byteLength(signed.body)),
    },
    body: Buffer.from(signed.body),
  }
}

const aliBind = () => {
  const n = serial++
  return aliRequest('BindAxb', {
    PoolKey: 'FC',
    PhoneNoA: phone('138', n),
    PhoneNoB: phone('139', n),
    Expiration: beijing(Date.now() + 3600_000),
    ...(PILE_UP ? { IsRecordingEnabled: 'false', OutId: `pn-${randomUUID()}` } : {}),
  })
}
const aliUnbind = (answer) => {
  const dto = JSON.parse(answer).SecretBindDTO
  return aliRequest('UnbindSubscription', {
    PoolKey: 'FC',
    SubsId: dto.SubsId,
    SecretNo: dto.SecretNo,
  })
}
const volcBind = () => {
  const n = serial++
  return volcRequest('SelectNumberAndBindAXB', {
    NumberPoolNo: 'NP',
    PhoneNoA: phone('138', n),
    PhoneNoB: phone('139', n),
    CityCode: '010',
    ExpireTime: Math.floor(Date.now() / 1000) + 3600,
    AudioRecordFlag: 0,
  })
}
const volcUnbind = (answer) =>
  volcRequest('UnbindAXB', { NumberPoolNo: 'NP', SubId: JSON.parse(answer).Result.SubId })

const cpuMicros = () => {
  const u = process.cpuUsage()
  return u.user + u.system
}

/** Runs requests through the gateway and the action; CPU µs spent, and the answers. */
const timed = (frontEnd, requests) => {
  const answers = new Array(requests.length)
  const t0 = cpuMicros()
  for (let i = 0; i < requests.length; i++) {
    const accepted = frontEnd.accept(requests[i])
    if ('reply' in accepted) throw new Error(accepted.reply.body)
    answers[i] = frontEnd.execute(accepted.call).body
  }
  const spent = cpuMicros() - t0
  for (const a of answers) if (a.includes('"Error"') || !/"(OK|Result)"/.test(a)) throw new Error(a)
  return { spent, answers }
}

/** One round of bind + unbind pairs: CPU µs per request. */
const pairsRound = (frontEnd, bind, unbind) => {
  let spent = 0
  for (let done = 0; done < PAIRS; done += BATCH) {
    const binds = timed(frontEnd, Array.from({ length: BATCH }, bind))
    const unbinds = timed(frontEnd, binds.answers.map(unbind))
    spent += binds.spent + unbinds.spent
  }
  return spent / (2 * PAIRS)
}

/** One round of 40,000 BindAxb left live, then the clock jumps past their expiry. */
const pileUpRound = () => {
  let spent = 0
  const count = 40_000
  for (let done = 0; done < count; done += BATCH) {
    spent += timed(ali, Array.from({ length: BATCH }, aliBind)).spent
  }
  offset += 3 * 24 * 3600_000
  aliStore.liveCount()
  offset -= 3 * 24 * 3600_000
  return spent / count
}

const summary = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b)
  return `median ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} µs, min ${sorted[0].toFixed(1)} µs`
}

const rounds = { aliyun: [], volcengine: [] }
for (let r = 0; r <= ROUNDS; r++) {
  const a = PILE_UP ? pileUpRound() : pairsRound(ali, aliBind, aliUnbind)
  const v = PILE_UP ? undefined : pairsRound(volc, volcBind, volcUnbind)
  if (r === 0) continue // warm-up
  rounds.aliyun.push(a)
  if (v !== undefined) rounds.volcengine.push(v)
}
const what = PILE_UP ? `BindAxb, 40,000 live per round` : `bind + unbind pairs, ${PAIRS} per round`
console.log(`aliyun: ${summary(rounds.aliyun)} CPU per request (${what}, ${ROUNDS} rounds)`)
if (!PILE_UP) {
  console.log(
    `volcengine: ${summary(rounds.volcengine)} CPU per request (${what}, ${ROUNDS} rounds)`,
  )
}
