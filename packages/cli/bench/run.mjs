#!/usr/bin/env node
// `pnpm bench [--quick]`: the privacy-number benchmark (DESIGN §2.6, §7; docs/benchmarks.md).
//
// The emulator runs in its own process, pinned to core 1 where `taskset` exists; this process
// (the client side: library, official SDKs, raw undici and node:http) is pinned to core 0, so the
// client is what gets measured. Throughput rounds are interleaved (A B C … A B C …) and medians
// reported. Human-readable lines come first; the LAST line of stdout is one JSON object.
//
// Options: --quick (under 60 s), --only <scenario>[,<scenario>…] (throughput only, e.g. for
// --cpu-prof), --rounds N, --duration MS (per throughput round), --no-pin, and the diagnostic
// --what-if-fast-time (see profile.mjs: never part of a reported run).
import { performance } from 'node:perf_hooks'
import { URL } from 'node:url'
import { randomUUID } from 'node:crypto'
import { createRequire } from 'node:module'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import {
  canPin,
  closedLoop,
  createPhones,
  here,
  median,
  percentile,
  round,
  spawnNode,
  startEmulatorProcess,
} from './lib.mjs'

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    'no-pin': { type: 'boolean', default: false },
    'what-if-fast-time': { type: 'boolean', default: false },
  },
  allowPositionals: true, // `pnpm bench -- --quick` may pass a bare `--`
})

// ---------------------------------------------------------------------------------------------

// One core each: this process on core 0, the emulator on core 1. os.cpus(), not
// availableParallelism(): the latter already reflects our own pinning.
const pinning =
  process.env.BENCH_PINNED === '1' || (!opts['no-pin'] && canPin() && os.cpus().length >= 2)

async function loadLibrary() {
  const hint = 'The benchmark runs against the built packages: run `npx -y pnpm@10 build` first.'
  try {
    const core = await import('@privacy-number/core')
    const aliyun = await import('@privacy-number/aliyun')
    const volcengine = await import('@privacy-number/volcengine')
    await import('@privacy-number/emulator')
    const missing = [
      ['core', core.createPrivacyNumberClient],
      ['core', core.formatBeijing],
      ['aliyun', aliyun.createAliyunProvider],
      ['aliyun', aliyun.signRequest],
      ['volcengine', volcengine.createVolcengineProvider],
    ].filter(([, f]) => typeof f !== 'function')
    if (missing.length > 0) {
      console.error(`packages/*/dist is out of date (missing exports). ${hint}`)
      process.exit(1)
    }
    return { core, aliyun, volcengine }
  } catch (e) {
    console.error(`Cannot load @privacy-number/* from packages/*/dist (${e.message}).\n${hint}`)
    process.exit(1)
  }
}

async function main() {
  const quick = opts.quick
  const cfg = {
    mode: quick ? 'quick' : 'full',
    concurrency: 32,
    rounds: Number(opts.rounds ?? (quick ? 4 : 10)),
    durationMs: Number(opts.duration ?? (quick ? 500 : 2000)),
    warmupMs: quick ? 250 : 1000,
    cpuCalls: quick ? 1500 : 10_000,
    cpuRounds: quick ? 3 : 5,
    failoverSamples: quick ? 150 : 1000,
    failoverTimeoutMs: 250,
    memoryPairs: quick ? 5000 : 200_000,
    memoryWarmPairs: quick ? 1000 : 20_000,
    // A cap per transport, so a busy machine cannot push the run past its time budget; the pairs
    // actually made are reported.
    memoryMaxMs: quick ? 4000 : 110_000,
    memoryWarmMaxMs: quick ? 1500 : 15_000,
    batchSizes: [1000, 10_000],
    batchRounds: quick ? 1 : 3,
  }
  const t0 = performance.now()
  const loadBefore = os.loadavg()[0]
  const { core, aliyun, volcengine } = await loadLibrary()
  if (opts['what-if-fast-time']) {
    // Diagnostic only: core's formatBeijing replaced by UTC+8 arithmetic in this process, to
    // measure what that fix (docs/benchmarks.md, item 1) would gain. Said loudly in the output.
    const require = createRequire(import.meta.url)
    const time = require(require.resolve('@privacy-number/core').replace(/index\.js$/, 'time.js'))
    const pad = (n) => String(n).padStart(2, '0')
    time.formatBeijing = (instant) => {
      const d = new Date(instant.getTime() + 8 * 3600_000)
      return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
    }
    console.log('WHAT-IF RUN: core formatBeijing patched in this process; not a benchmark result')
  }
  const cpuModel =
    /model name\s*:\s*(.*)/.exec(safeRead('/proc/cpuinfo'))?.[1]?.trim() ?? os.cpus()[0]?.model
  console.log(
    `privacy-number benchmark (${cfg.mode}) — node ${process.version}, ${os.cpus().length} cores (${cpuModel}), ` +
      `client ${pinning ? 'pinned to core 0, emulator to core 1' : 'not pinned'}`,
  )

  const emu = await startEmulatorProcess({ core: pinning ? 1 : undefined })
  const results = {}
  try {
    const phones = createPhones(1)
    const throughput = await runThroughput({ cfg, emu, core, aliyun, volcengine, phones })
    Object.assign(results, throughput)
    if (opts.only === undefined) {
      Object.assign(results, await runCpuPerCall({ cfg, emu, core, aliyun, volcengine, phones }))
      Object.assign(results, await runFailover({ cfg, emu, core, aliyun, volcengine, phones }))
      Object.assign(results, await runBatch({ cfg, emu, aliyun, phones }))
      Object.assign(results, await runMemory({ cfg, emu }))
    }
  } finally {
    await emu.close()
  }
  const wallS = (performance.now() - t0) / 1000
  printSummary(results, cfg, wallS)
  const json = {
    mode: opts['what-if-fast-time'] ? `${cfg.mode}-what-if-fast-time` : cfg.mode,
    node: process.version,
    cores: os.cpus().length,
    pinned: pinning,
    concurrency: cfg.concurrency,
    rounds: cfg.rounds,
    roundMs: cfg.durationMs,
    ...results,
    // Other work on the machine skews every figure; the 1-minute load average says how much.
    loadAvgBefore: round(loadBefore, 2),
    loadAvgAfter: round(os.loadavg()[0], 2),
    wallSeconds: round(wallS, 1),
  }
  for (const [k, v] of Object.entries(json))
    if (typeof v === 'number' && !Number.isFinite(v)) json[k] = -1
  process.stdout.write(`${JSON.stringify(json)}\n`)
}

function safeRead(path) {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

// ---------------------------------------------------------------------------------------------
// throughput: ceiling, node:http, library (undici, axios), official SDKs — interleaved rounds
// ---------------------------------------------------------------------------------------------

function isOk(body) {
  return body.includes('"Code":"OK"')
}

async function runThroughput({ cfg, emu, core, aliyun, volcengine, phones }) {
  const { undici } = { undici: await import('undici') }
  const Dypls = (await import('@alicloud/dyplsapi-2017-05-25')).default
  const { Service } = await import('@volcengine/openapi')
  const ali = emu.aliyun
  const volc = emu.volcengine
  const aliUrl = new URL(ali.endpoint)
  let expiresAt = new Date(Date.now() + 2 * 3600_000)

  // Pre-signed BindAxb requests, byte for byte what the library sends (same signer, same
  // parameters). Each carries its own SignatureNonce (the emulator refuses a reused one, as
  // Aliyun does), so a round needs as many as it may send: they are signed before the round.
  const presign = (n) => {
    const out = new Array(n)
    const now = new Date()
    const expiration = core.formatBeijing(expiresAt)
    for (let i = 0; i < n; i++) {
      const { a, b } = phones()
      const signed = aliyun.signRequest({
        endpoint: ali.endpoint,
        action: 'BindAxb',
        params: [
          ['PoolKey', ali.poolKey],
          ['PhoneNoA', a],
          ['PhoneNoB', b],
          ['Expiration', expiration],
          ['IsRecordingEnabled', 'false'],
          ['OutId', `pn-${randomUUID()}`],
        ],
        accessKeyId: ali.accessKeyId,
        accessKeySecret: ali.accessKeySecret,
        signatureVersion: 'v1',
        timestamp: now,
        nonce: randomUUID(),
      })
      const u = new URL(signed.url)
      out[i] = { path: u.pathname + u.search, headers: signed.headers }
    }
    return out
  }

  const libraryScenario = (vendor, transport) => async () => {
    const provider =
      vendor === 'aliyun'
        ? aliyun.createAliyunProvider({ ...ali, transport })
        : volcengine.createVolcengineProvider({ ...volc, transport })
    const client = core.createPrivacyNumberClient({ providers: [provider] })
    return {
      op: async () => {
        const { a, b } = phones()
        const r = await client.bind({ kind: 'AXB', a, b, expiresAt })()
        return r._tag === 'Right' || r.left
      },
      close: () => provider.close?.(),
    }
  }

  // Order matters: the figures compared in a ratio run next to each other in every round
  // (ceiling, library, official Aliyun SDK; Volcengine library, official Volcengine SDK).
  const scenarios = [
    {
      key: 'ceilingRps',
      label: 'ceiling: undici Pool, pre-signed BindAxb',
      presigned: true,
      setup: async () => {
        const pool = new undici.Pool(aliUrl.origin, { connections: 64, pipelining: 1 })
        let reqs = []
        return {
          prepare: (n) => {
            reqs = presign(n)
            return reqs.length
          },
          op: async (i) => {
            const r = reqs[i]
            const res = await pool.request({ method: 'POST', path: r.path, headers: r.headers })
            const body = await res.body.text()
            return (res.statusCode === 200 && isOk(body)) || body
          },
          close: () => pool.close(),
        }
      },
    },
    {
      key: 'libraryRps',
      label: 'library, Aliyun BindAxb, undici transport',
      setup: libraryScenario('aliyun', 'undici'),
    },
    {
      key: 'officialAliyunRps',
      label: 'official @alicloud/dyplsapi-2017-05-25 (pop-core), BindAxb',
      setup: async () => {
        const sdk = new Dypls({
          accessKeyId: ali.accessKeyId,
          accessKeySecret: ali.accessKeySecret,
          endpoint: ali.endpoint,
        })
        return {
          op: async () => {
            const { a, b } = phones()
            // pop-core throws on a Code other than OK; the loop counts a throw as a failure.
            const res = await sdk.bindAxb(
              {
                PoolKey: ali.poolKey,
                PhoneNoA: a,
                PhoneNoB: b,
                Expiration: core.formatBeijing(expiresAt),
                IsRecordingEnabled: false,
                OutId: `pn-${randomUUID()}`,
              },
              { method: 'POST', timeout: 5000 },
            )
            return res.Code === 'OK' || res
          },
          close: () => sdk.keepAliveAgent?.destroy(),
        }
      },
    },
    {
      key: 'nodeHttpRps',
      label: 'node:http keep-alive, pre-signed BindAxb',
      presigned: true,
      setup: async () => {
        const agent = new http.Agent({ keepAlive: true, maxSockets: 64, scheduling: 'lifo' })
        let reqs = []
        const send = (r) =>
          new Promise((resolve, reject) => {
            const req = http.request(
              {
                agent,
                host: aliUrl.hostname,
                port: aliUrl.port,
                method: 'POST',
                path: r.path,
                headers: r.headers,
              },
              (res) => {
                let body = ''
                res.setEncoding('utf8')
                res.on('data', (c) => (body += c))
                res.on('end', () => resolve((res.statusCode === 200 && isOk(body)) || body))
                res.on('error', reject)
              },
            )
            req.on('error', reject)
            req.end()
          })
        return {
          prepare: (n) => {
            reqs = presign(n)
            return reqs.length
          },
          op: (i) => send(reqs[i]),
          close: () => agent.destroy(),
        }
      },
    },
    {
      key: 'axiosRps',
      label: 'library, Aliyun BindAxb, axios transport (default)',
      setup: libraryScenario('aliyun', 'axios'),
    },
    {
      key: 'volcengineLibraryRps',
      label: 'library, Volcengine SelectNumberAndBindAXB, undici transport',
      setup: libraryScenario('volcengine', 'undici'),
    },
    {
      key: 'officialVolcengineRps',
      label: 'official @volcengine/openapi Service (Signer + its axios), SelectNumberAndBindAXB',
      setup: async () => {
        const u = new URL(volc.endpoint)
        const svc = new Service({
          host: u.host,
          protocol: u.protocol,
          region: 'cn-north-1',
          serviceName: 'vms',
          accessKeyId: volc.accessKeyId,
          secretKey: volc.secretAccessKey,
        })
        const bindAxb = svc.createJSONAPI('SelectNumberAndBindAXB', { Version: '2022-01-01' })
        return {
          op: async () => {
            const { a, b } = phones()
            const res = await bindAxb({
              NumberPoolNo: volc.numberPoolNo,
              PhoneNoA: a,
              PhoneNoB: b,
              ExpireTime: Math.floor(expiresAt.getTime() / 1000),
              AudioRecordFlag: 0,
              OutId: `pn-${randomUUID()}`,
            })
            return (res?.Result !== undefined && res?.ResponseMetadata?.Error === undefined) || res
          },
        }
      },
    },
    {
      key: 'volcengineAxiosRps',
      label: 'library, Volcengine SelectNumberAndBindAXB, axios transport (default)',
      setup: libraryScenario('volcengine', 'axios'),
    },
  ]

  const selected =
    opts.only === undefined
      ? scenarios
      : scenarios.filter((s) =>
          opts.only.split(',').some((o) => s.key === o || s.key === `${o}Rps`),
        )
  if (selected.length === 0) {
    console.error(
      `--only: no scenario ${opts.only}; one of ${scenarios.map((s) => s.key).join(', ')}`,
    )
    process.exit(2)
  }

  console.log(
    `\nthroughput: concurrency ${cfg.concurrency}, ${cfg.rounds} interleaved rounds of ${cfg.durationMs} ms each`,
  )
  const live = []
  for (const s of selected) {
    const inst = await s.setup()
    live.push({
      s,
      inst,
      rps: [],
      cpu: [],
      emuBusy: [],
      failed: 0,
      firstError: undefined,
      maxRps: 0,
    })
  }
  // Requests to pre-sign for a round: 2× the fastest rate seen so far. Should a round use them
  // all up, it ends early; its rate (completed / elapsed) stays valid.
  const budget = (x, ms) =>
    Math.ceil(Math.max(x.maxRps * 2, 10_000) * (ms / 1000)) + cfg.concurrency

  // Warm-up: JIT, connections, the emulator's own warm-up.
  for (const x of live) {
    await emu.call('purge')
    const limit = x.inst.prepare?.(budget(x, cfg.warmupMs))
    const w = await closedLoop(x.inst.op, {
      concurrency: cfg.concurrency,
      durationMs: cfg.warmupMs,
      ...(limit === undefined ? {} : { limit }),
    })
    if (w.ok === 0)
      throw new Error(`${x.s.label}: every warm-up call failed: ${describe(w.firstError)}`)
    x.maxRps = w.rps
  }

  for (let r = 0; r < cfg.rounds; r++) {
    // Forward, then backward (A B C … C B A …): a scenario's neighbours stay its neighbours, so
    // the ratios below compare runs seconds apart, not minutes, and no scenario always
    // runs first or last.
    const order = r % 2 === 0 ? live : [...live].reverse()
    for (const x of order) {
      expiresAt = new Date(Date.now() + 2 * 3600_000)
      await emu.call('purge')
      // A scenario that replays pre-signed requests stops when they run out.
      const limit = x.inst.prepare?.(budget(x, cfg.durationMs))
      if (globalThis.gc) globalThis.gc()
      const emuCpu0 = await emu.call('cpu')
      const res = await closedLoop(x.inst.op, {
        concurrency: cfg.concurrency,
        durationMs: cfg.durationMs,
        ...(limit === undefined ? {} : { limit }),
      })
      const emuCpu1 = await emu.call('cpu')
      x.emuBusy.push((emuCpu1 - emuCpu0) / (res.elapsedMs * 1000))
      x.rps.push(res.rps)
      x.cpu.push(res.cpuUsPerCall)
      x.failed += res.failed
      x.firstError ??= res.firstError
      x.maxRps = Math.max(x.maxRps, res.rps)
    }
    process.stdout.write(`  round ${r + 1}/${cfg.rounds} done\n`)
  }
  await emu.call('purge')
  for (const x of live) await x.inst.close?.()

  const out = {}
  for (const x of live) {
    // Client CPU per call under load (this process, all threads): where the client's core goes.
    const cpuKey = x.s.key.replace(/Rps$/, 'LoadCpuUs')
    // Share of one core the emulator used during the rounds: near 1, the emulator (not the
    // client) was the limit.
    const busyKey = x.s.key.replace(/Rps$/, 'EmulatorBusy')
    out[x.s.key] = round(median(x.rps))
    out[cpuKey] = round(median(x.cpu), 1)
    out[busyKey] = round(median(x.emuBusy), 2)
    const spread = `${round(Math.min(...x.rps))}–${round(Math.max(...x.rps))}`
    console.log(
      `  ${x.s.label.padEnd(78)} ${String(out[x.s.key]).padStart(7)} req/s  (rounds ${spread}; ` +
        `client CPU ${out[cpuKey]} µs/call; emulator core ${Math.round(out[busyKey] * 100)}% busy)` +
        (x.failed > 0 ? `  FAILED ${x.failed}: ${describe(x.firstError)}` : ''),
    )
    if (x.failed > 0) out[x.s.key.replace(/Rps$/, 'Failures')] = x.failed
  }
  const ratio = (a, b) => (out[a] > 0 && out[b] > 0 ? round(out[a] / out[b], 3) : -1)
  // The same ratios taken round by round (two neighbouring runs of a few seconds each) and then
  // the median: slow swings of a shared machine's speed hit both sides of each pair alike, where
  // a ratio of medians can pair a fast minute with a slow one.
  const byKey = new Map(live.map((x) => [x.s.key, x]))
  const paired = (a, b) => {
    const xa = byKey.get(a)
    const xb = byKey.get(b)
    if (xa === undefined || xb === undefined) return -1
    const rs = xa.rps.map((v, i) => v / xb.rps[i]).filter((v) => Number.isFinite(v) && v > 0)
    return rs.length === 0 ? -1 : round(median(rs), 3)
  }
  out.pairedRatioToCeiling = paired('libraryRps', 'ceilingRps')
  out.pairedRatioToOfficialAliyun = paired('libraryRps', 'officialAliyunRps')
  out.pairedRatioToOfficialVolcengine = paired('volcengineLibraryRps', 'officialVolcengineRps')
  out.axiosPairedRatioToOfficialAliyun = paired('axiosRps', 'officialAliyunRps')
  out.ratioToCeiling = ratio('libraryRps', 'ceilingRps')
  out.axiosRatioToCeiling = ratio('axiosRps', 'ceilingRps')
  out.ratioToNodeHttp = ratio('libraryRps', 'nodeHttpRps')
  out.ratioToOfficialAliyun = ratio('libraryRps', 'officialAliyunRps')
  out.axiosRatioToOfficialAliyun = ratio('axiosRps', 'officialAliyunRps')
  out.ratioToOfficialVolcengine = ratio('volcengineLibraryRps', 'officialVolcengineRps')
  out.axiosRatioToOfficialVolcengine = ratio('volcengineAxiosRps', 'officialVolcengineRps')
  // The same comparisons by client CPU per call (other / library): the client's core is what
  // each figure is meant to measure, and CPU time suffers less than req/s from other work on a
  // shared machine.
  const cpuRatio = (other, lib) =>
    out[other] > 0 && out[lib] > 0 ? round(out[other] / out[lib], 3) : -1
  out.cpuRatioToCeiling = cpuRatio('ceilingLoadCpuUs', 'libraryLoadCpuUs')
  out.cpuRatioToOfficialAliyun = cpuRatio('officialAliyunLoadCpuUs', 'libraryLoadCpuUs')
  out.axiosCpuRatioToOfficialAliyun = cpuRatio('officialAliyunLoadCpuUs', 'axiosLoadCpuUs')
  out.cpuRatioToOfficialVolcengine = cpuRatio(
    'officialVolcengineLoadCpuUs',
    'volcengineLibraryLoadCpuUs',
  )
  return out
}

function describe(e) {
  if (e === undefined) return 'no detail'
  if (e instanceof Error) return `${e.name}: ${e.message}`.slice(0, 300)
  if (typeof e === 'string') return e.slice(0, 300)
  try {
    return JSON.stringify(e).slice(0, 300)
  } catch {
    return String(e)
  }
}

// ---------------------------------------------------------------------------------------------
// CPU per call: the library's own work, with a transport that answers at once
// ---------------------------------------------------------------------------------------------

// One real answer, recorded once from the emulator through the undici transport, so that later
// calls can be answered at once from memory (no network in the figure).
async function recordAnswer(core, make, phones) {
  let seen
  const inner = core.undiciTransport()
  const recorder = (req) => async () => {
    const r = await inner(req)()
    if (r._tag === 'Right') seen = r.right
    return r
  }
  const { a, b } = phones()
  const expiresAt = new Date(Date.now() + 2 * 3600_000)
  const r = await make(recorder).bind({ kind: 'AXB', a, b, expiresAt })()
  await inner.close()
  if (r._tag !== 'Right' || seen === undefined)
    throw new Error(`could not record a bind answer: ${describe(r.left)}`)
  return seen
}

/** A transport that answers every request at once with `res`. */
function canned(res) {
  const answer = Promise.resolve({ _tag: 'Right', right: res })
  return () => () => answer
}

async function runCpuPerCall({ cfg, emu, core, aliyun, volcengine, phones }) {
  console.log(
    `\nCPU per bind without the network: ${cfg.cpuRounds} interleaved rounds of ${cfg.cpuCalls} sequential binds`,
  )
  const expiresAt = new Date(Date.now() + 2 * 3600_000)
  const makeAli = (transport) => aliyun.createAliyunProvider({ ...emu.aliyun, transport })
  const makeVolc = (transport) =>
    volcengine.createVolcengineProvider({ ...emu.volcengine, transport })
  const cases = [
    { key: 'libraryCpuUsPerCall', label: 'Aliyun BindAxb', make: makeAli },
    { key: 'volcengineCpuUsPerCall', label: 'Volcengine SelectNumberAndBindAXB', make: makeVolc },
  ]
  for (const c of cases) {
    const answer = await recordAnswer(core, c.make, phones)
    c.client = core.createPrivacyNumberClient({ providers: [c.make(canned(answer))] })
    c.samples = []
  }
  const runOnce = async (c, n) => {
    const t = performance.now()
    for (let i = 0; i < n; i++) {
      const { a, b } = phones()
      const r = await c.client.bind({ kind: 'AXB', a, b, expiresAt })()
      if (r._tag !== 'Right') throw new Error(`${c.label}: ${describe(r.left)}`)
    }
    return ((performance.now() - t) * 1000) / n
  }
  for (const c of cases) await runOnce(c, Math.min(2000, cfg.cpuCalls)) // warm-up
  for (let r = 0; r < cfg.cpuRounds; r++) {
    for (const c of r % 2 === 0 ? cases : [...cases].reverse()) {
      if (globalThis.gc) globalThis.gc()
      c.samples.push(await runOnce(c, cfg.cpuCalls))
    }
  }
  const out = {}
  for (const c of cases) {
    out[c.key] = round(median(c.samples), 1)
    console.log(
      `  ${c.label.padEnd(40)} ${out[c.key]} µs per bind (validate, encode, sign, decode)`,
    )
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// failover: added latency vs a client that only has the healthy second provider
// ---------------------------------------------------------------------------------------------

async function runFailover({ cfg, emu, core, aliyun, volcengine, phones }) {
  console.log(
    `\nfailover: sequential binds, ${cfg.failoverSamples} per case, interleaved in chunks; Aliyun first, Volcengine second`,
  )
  const expiresAt = new Date(Date.now() + 2 * 3600_000)
  const breaker = { failures: 5, halfOpenAfterMs: 600_000 }
  const volcOf = () =>
    volcengine.createVolcengineProvider({ ...emu.volcengine, transport: 'undici' })
  const aliOf = (endpoint) =>
    aliyun.createAliyunProvider({
      ...emu.aliyun,
      endpoint: endpoint ?? emu.aliyun.endpoint,
      transport: 'undici',
      timeoutMs: cfg.failoverTimeoutMs,
    })
  const deadEndpoint = `http://127.0.0.1:${await freePort()}`
  const opened = new Set()
  const clientOf = (name, providers) =>
    core.createPrivacyNumberClient({
      providers,
      breaker,
      onEvent: (e) => {
        if (e.type === 'breaker-open') opened.add(name)
      },
    })
  const providers = []
  const track = (p) => (providers.push(p), p)
  const cases = {
    baseline: clientOf('baseline', [track(volcOf())]),
    noAvailable: clientOf('noAvailable', [track(aliOf()), track(volcOf())]),
    refused: clientOf('refused', [track(aliOf(deadEndpoint)), track(volcOf())]),
    hang: clientOf('hang', [track(aliOf()), track(volcOf())]),
  }
  const timed = async (client) => {
    const { a, b } = phones()
    const t = performance.now()
    const r = await client.bind({ kind: 'AXB', a, b, expiresAt })()
    return { ms: performance.now() - t, r }
  }
  for (let i = 0; i < 50; i++) await timed(cases.baseline)

  // Before the breaker opens: each call pays the failure (a hang costs the whole timeout, and a
  // timeout is an unknown outcome, so by default it is not failed over).
  await emu.call('inject', { vendor: 'aliyun', action: 'BindAxb', fault: { kind: 'hang' } })
  const hangBefore = []
  for (let i = 0; i < breaker.failures && !opened.has('hang'); i++)
    hangBefore.push(await timed(cases.hang))
  await emu.call('clear')
  const refusedBefore = []
  for (let i = 0; i < breaker.failures && !opened.has('refused'); i++)
    refusedBefore.push(await timed(cases.refused))
  if (!opened.has('hang') || !opened.has('refused'))
    console.log(`  WARNING: breaker did not open (${[...opened].join(', ') || 'none'})`)
  await emu.call('inject', {
    vendor: 'aliyun',
    action: 'BindAxb',
    fault: { kind: 'error', code: 'isv.NO_AVAILABLE_NUMBER', message: 'no number' },
  })

  const names = ['baseline', 'noAvailable', 'refused', 'hang']
  const samples = Object.fromEntries(names.map((n) => [n, []]))
  const wrong = Object.fromEntries(names.map((n) => [n, 0]))
  let firstWrong
  const chunk = 25
  for (let done = 0; done < cfg.failoverSamples; done += chunk) {
    for (const n of names) {
      for (let i = 0; i < chunk; i++) {
        const { ms, r } = await timed(cases[n])
        if (r._tag === 'Right' && r.right.vendor === 'volcengine') samples[n].push(ms)
        else {
          wrong[n]++
          firstWrong ??= `${n}: ${describe(r._tag === 'Left' ? r.left : r.right)}`
        }
      }
    }
    await emu.call('purge')
  }
  await emu.call('clear')
  for (const p of providers) await p.close?.()

  const skip = await breakerSkipCost({ cfg, emu, core, aliyun, volcengine, phones, breaker })

  const p50 = (n) => percentile(samples[n], 50)
  const p99 = (n) => percentile(samples[n], 99)
  const mean = (xs) => xs.reduce((s, x) => s + x.ms, 0) / Math.max(1, xs.length)
  const out = {
    failoverBaselineP50Ms: round(p50('baseline'), 3),
    failoverBaselineP99Ms: round(p99('baseline'), 3),
    failoverAddedP50Ms: round(p50('noAvailable') - p50('baseline'), 3),
    failoverAddedP99Ms: round(p99('noAvailable') - p99('baseline'), 3),
    refusedOpenAddedP50Ms: round(p50('refused') - p50('baseline'), 3),
    refusedOpenAddedP99Ms: round(p99('refused') - p99('baseline'), 3),
    hangOpenAddedP50Ms: round(p50('hang') - p50('baseline'), 3),
    hangOpenAddedP99Ms: round(p99('hang') - p99('baseline'), 3),
    refusedBeforeOpenAddedMs: round(mean(refusedBefore) - p50('baseline'), 3),
    hangBeforeOpenCallMs: round(mean(hangBefore), 1),
    hangBeforeOpenCalls: hangBefore.length,
    hangTimeoutMs: cfg.failoverTimeoutMs,
  }
  // The headline breaker figure is measured in-process (see breakerSkipCost): end to end, the
  // difference of two p99s of loopback calls is mostly jitter, reported above for reference.
  out.breakerOpenAddedP50Ms = skip.p50
  out.breakerOpenAddedP99Ms = skip.p99
  const failures = names.reduce((s, n) => s + wrong[n], 0)
  if (failures > 0) {
    out.failoverUnexpectedResults = failures
    console.log(`  WARNING: ${failures} binds did not end at Volcengine: ${firstWrong}`)
  }
  const hangBeforeOutcome = hangBefore.map((x) =>
    x.r._tag === 'Left' ? `${x.r.left._tag}/${x.r.left.outcome}` : 'bound',
  )
  console.log(
    `  baseline (Volcengine only)                 p50 ${out.failoverBaselineP50Ms} ms, p99 ${out.failoverBaselineP99Ms} ms`,
  )
  console.log(
    `  Aliyun answers NoAvailableNumber → failover added p50 ${out.failoverAddedP50Ms} ms, p99 ${out.failoverAddedP99Ms} ms`,
  )
  console.log(
    `  Aliyun refuses connections, breaker open added p50 ${out.refusedOpenAddedP50Ms} ms, p99 ${out.refusedOpenAddedP99Ms} ms ` +
      `(before it opened: +${out.refusedBeforeOpenAddedMs} ms per call, ${refusedBefore.length} calls)`,
  )
  console.log(
    `  Aliyun hangs, breaker open                 added p50 ${out.hangOpenAddedP50Ms} ms, p99 ${out.hangOpenAddedP99Ms} ms ` +
      `(before it opened: ${hangBefore.length} calls of ${out.hangBeforeOpenCallMs} ms each, ${hangBeforeOutcome[0] ?? '-'}, not failed over)`,
  )
  console.log(
    `  open circuit, in-process (${skip.samples} binds, second provider answered from memory): added p50 ${skip.p50} ms, p99 ${skip.p99} ms`,
  )
  return out
}

// What an open circuit adds to a bind, without the network: both clients' Volcengine provider
// answers from a recorded reply at once, and the first client's Aliyun provider (whose transport
// refuses every connection) has its circuit open. p99(open) − p99(Volcengine alone).
async function breakerSkipCost({ cfg, emu, core, aliyun, volcengine, phones, breaker }) {
  const makeVolc = (transport) =>
    volcengine.createVolcengineProvider({ ...emu.volcengine, transport })
  const answer = await recordAnswer(core, makeVolc, phones)
  const refused = () => () =>
    Promise.resolve({ _tag: 'Left', left: core.networkError('ECONNREFUSED', 'refused') })
  const base = core.createPrivacyNumberClient({ providers: [makeVolc(canned(answer))], breaker })
  let opened = false
  const open = core.createPrivacyNumberClient({
    providers: [
      aliyun.createAliyunProvider({ ...emu.aliyun, transport: refused }),
      makeVolc(canned(answer)),
    ],
    breaker,
    onEvent: (e) => {
      if (e.type === 'breaker-open') opened = true
    },
  })
  const expiresAt = new Date(Date.now() + 2 * 3600_000)
  const timed = async (client) => {
    const { a, b } = phones()
    const t = performance.now()
    const r = await client.bind({ kind: 'AXB', a, b, expiresAt })()
    const ms = performance.now() - t
    if (r._tag !== 'Right') throw new Error(`breaker figure: ${describe(r.left)}`)
    return ms
  }
  for (let i = 0; i < 200; i++) await timed(open)
  if (!opened) throw new Error('breaker figure: the circuit did not open')
  for (let i = 0; i < 200; i++) await timed(base)
  // Call by call alternation: a pause of the process (GC, the scheduler on a shared machine)
  // lands on both series alike instead of on one block of samples.
  const n = cfg.failoverSamples * 20
  const s = { base: [], open: [] }
  for (let i = 0; i < n; i++) {
    s.base.push(await timed(base))
    s.open.push(await timed(open))
  }
  return {
    samples: s.open.length,
    p50: round(percentile(s.open, 50) - percentile(s.base, 50), 3),
    p99: round(percentile(s.open, 99) - percentile(s.base, 99), 3),
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

// ---------------------------------------------------------------------------------------------
// batch: AXG bindings per second through Aliyun bindBatch at 1k and 10k
// ---------------------------------------------------------------------------------------------

// 50 items per call. (The adapter also ends a chunk at 8 KB of encoded AxgBindList, since the
// list travels in the query string; at the default of 100 items that cap decides.)
const BATCH_CHUNK = 50
// Enough groups that no group needs more bindings than the pool has X numbers (6 cities × 50).
const BATCH_GROUPS = 64

async function runBatch({ cfg, emu, aliyun, phones }) {
  console.log(
    `\nbatch: Aliyun bindBatch (AXG, BindBatchAxg chunks of ${BATCH_CHUNK}, 8 in flight), sizes ${cfg.batchSizes.join(' and ')}`,
  )
  const provider = aliyun.createAliyunProvider({
    ...emu.aliyun,
    transport: 'undici',
    batchSize: BATCH_CHUNK,
  })
  // The reuse rule holds for G groups too: one group sits on a given X in one live binding, so
  // 10k bindings over the pool's X numbers need many groups (made outside the timed part).
  const groupIds = []
  for (let i = 0; i < BATCH_GROUPS; i++) {
    const g = await provider.createGroup({
      name: `bench ${i}`,
      numbers: [
        `1370000${String(2 * i).padStart(4, '0')}`,
        `1370000${String(2 * i + 1).padStart(4, '0')}`,
      ],
    })()
    if (g._tag !== 'Right') throw new Error(`createGroup: ${describe(g.left)}`)
    groupIds.push(g.right.groupId)
  }
  const samples = Object.fromEntries(cfg.batchSizes.map((n) => [n, []]))
  const clientUs = Object.fromEntries(cfg.batchSizes.map((n) => [n, []]))
  const emulatorUs = Object.fromEntries(cfg.batchSizes.map((n) => [n, []]))
  let failed = 0
  let firstError
  const once = async (n) => {
    const expiresAt = new Date(Date.now() + 2 * 3600_000)
    const reqs = Array.from({ length: n }, (_, i) => ({
      kind: 'AXG',
      a: phones().a,
      group: { id: groupIds[i % groupIds.length] },
      expiresAt,
    }))
    await emu.call('purge')
    const emuCpu0 = await emu.call('cpu')
    const cpu0 = process.cpuUsage()
    const t = performance.now()
    const r = await provider.bindBatch(reqs)()
    const s = (performance.now() - t) / 1000
    const cpu = process.cpuUsage(cpu0)
    const emuCpu1 = await emu.call('cpu')
    if (r._tag !== 'Right') throw new Error(`bindBatch: ${describe(r.left)}`)
    const ok = r.right.filter((x) => x._tag === 'Right').length
    failed += n - ok
    firstError ??= r.right.find((x) => x._tag === 'Left')?.left
    // (The warm-up size has no list of its own.)
    samples[n]?.push(ok / s)
    clientUs[n]?.push((cpu.user + cpu.system) / n)
    emulatorUs[n]?.push((emuCpu1 - emuCpu0) / n)
  }
  await once(200) // warm-up
  // A small batch lasts a few tens of ms, so one timing of it is mostly noise: each size is
  // timed as many times as it takes to make as many bindings as the largest size makes once.
  const largest = Math.max(...cfg.batchSizes)
  for (let r = 0; r < cfg.batchRounds; r++)
    for (const n of r % 2 === 0 ? cfg.batchSizes : [...cfg.batchSizes].reverse())
      for (let k = 0; k < Math.max(1, Math.round(largest / n)); k++) await once(n)
  await emu.call('purge')
  await provider.close()
  const [small, large] = cfg.batchSizes
  const out = {
    batch1kBindingsPerSec: round(median(samples[small])),
    batch10kBindingsPerSec: round(median(samples[large])),
    batch1kClientCpuUsPerItem: round(median(clientUs[small]), 1),
    batch10kClientCpuUsPerItem: round(median(clientUs[large]), 1),
    batch1kEmulatorCpuUsPerItem: round(median(emulatorUs[small]), 1),
    batch10kEmulatorCpuUsPerItem: round(median(emulatorUs[large]), 1),
  }
  out.batchBindingsPerSec = out.batch10kBindingsPerSec
  out.batchLinearityRatio = round(out.batch10kBindingsPerSec / out.batch1kBindingsPerSec, 3)
  if (failed > 0) {
    out.batchFailures = failed
    console.log(`  WARNING: ${failed} items failed: ${describe(firstError)}`)
  }
  console.log(
    `  1k: ${out.batch1kBindingsPerSec} bindings/s, 10k: ${out.batch10kBindingsPerSec} bindings/s, ` +
      `10k/1k rate ratio ${out.batchLinearityRatio} (1.0 = cost linear in size)`,
  )
  console.log(
    `  per item: client CPU ${out.batch1kClientCpuUsPerItem} µs at 1k, ${out.batch10kClientCpuUsPerItem} µs at 10k; ` +
      `emulator CPU ${out.batch1kEmulatorCpuUsPerItem} µs at 1k, ${out.batch10kEmulatorCpuUsPerItem} µs at 10k`,
  )
  return out
}

// ---------------------------------------------------------------------------------------------
// memory: RSS growth over bind+unbind pairs, in a fresh process per transport
// ---------------------------------------------------------------------------------------------

async function runMemory({ cfg, emu }) {
  console.log(
    `\nmemory: ${cfg.memoryPairs} bind+unbind pairs per transport (at most ${cfg.memoryMaxMs / 1000} s) after ${cfg.memoryWarmPairs} warm-up pairs and a GC, fresh process each`,
  )
  const out = {}
  for (const transport of ['undici', 'axios']) {
    const res = await runChild(
      ['--expose-gc', here('./memory.mjs')],
      JSON.stringify({
        aliyun: emu.aliyun,
        transport,
        pairs: cfg.memoryPairs,
        warmPairs: cfg.memoryWarmPairs,
        maxMs: cfg.memoryMaxMs,
        warmMaxMs: cfg.memoryWarmMaxMs,
        concurrency: cfg.concurrency,
      }),
    )
    await emu.call('purge')
    const cap = transport === 'undici' ? 'Undici' : 'Axios'
    out[`rssGrowth${cap}Mb`] = res.rssGrowthMb
    out[`heapGrowth${cap}Mb`] = res.heapGrowthMb
    out[`memoryPairs${cap}`] = res.pairs
    out[`rssGrowthAfterFirstTenth${cap}Mb`] = res.rssGrowthAfterFirstTenthMb
    if (res.failed > 0) out[`memory${cap}Failures`] = res.failed
    console.log(
      `  ${transport.padEnd(6)}: ${res.pairs} pairs, RSS ${res.rssStartMb} → ${res.rssEndMb} MB (growth ${res.rssGrowthMb} MB), ` +
        `heap growth ${res.heapGrowthMb} MB, ${res.pairsPerSec} pairs/s, RSS after GC at each tenth ${res.rssSamplesMb.join(' ')}` +
        (res.failed > 0 ? `, FAILED ${res.failed}: ${res.firstError}` : ''),
    )
  }
  out.rssGrowthMb = Math.max(out.rssGrowthUndiciMb, out.rssGrowthAxiosMb)
  out.memoryPairs = Math.min(out.memoryPairsUndici, out.memoryPairsAxios)
  return out
}

function runChild(args, input) {
  return new Promise((resolve, reject) => {
    const child = spawnNode(pinning ? 0 : undefined, args, {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, BENCH_INPUT: input },
    })
    let stdout = ''
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (c) => (stdout += c))
    child.on('error', reject)
    child.on('exit', (code) => {
      const last = stdout.trim().split('\n').pop() ?? ''
      try {
        if (code !== 0) throw new Error(`exit ${code}`)
        resolve(JSON.parse(last))
      } catch (e) {
        reject(new Error(`${args.join(' ')}: ${e.message}: ${stdout.slice(-500)}`))
      }
    })
  })
}

// ---------------------------------------------------------------------------------------------

function printSummary(r, cfg, wallS) {
  const line = (label, value, unit = '') =>
    console.log(`  ${label.padEnd(46)} ${String(value).padStart(10)} ${unit}`)
  console.log(`\nsummary (${cfg.mode}, wall ${round(wallS, 1)} s)`)
  line('ceiling (undici, pre-signed)', r.ceilingRps, 'req/s')
  line('node:http keep-alive (pre-signed)', r.nodeHttpRps, 'req/s')
  line('library Aliyun, undici transport', r.libraryRps, 'req/s')
  line('library Aliyun, axios transport', r.axiosRps, 'req/s')
  line('official Aliyun SDK', r.officialAliyunRps, 'req/s')
  line('library Volcengine, undici transport', r.volcengineLibraryRps, 'req/s')
  line('library Volcengine, axios transport', r.volcengineAxiosRps, 'req/s')
  line('official Volcengine SDK', r.officialVolcengineRps, 'req/s')
  if (r.ratioToCeiling === undefined) return
  line('ratioToCeiling (target ≥ 0.8)', r.ratioToCeiling)
  line('ratioToOfficialAliyun (target ≥ 1.5)', r.ratioToOfficialAliyun)
  line('axiosRatioToOfficialAliyun', r.axiosRatioToOfficialAliyun)
  line('ratioToOfficialVolcengine (target ≥ 1.5)', r.ratioToOfficialVolcengine)
  line(
    'same paired round by round: ceiling, Aliyun, Volc',
    `${r.pairedRatioToCeiling} / ${r.pairedRatioToOfficialAliyun} / ${r.pairedRatioToOfficialVolcengine}`,
  )
  line(
    'same by client CPU/call: ceiling, Aliyun, Volc',
    `${r.cpuRatioToCeiling} / ${r.cpuRatioToOfficialAliyun} / ${r.cpuRatioToOfficialVolcengine}`,
  )
  if (r.libraryCpuUsPerCall === undefined) return
  line('libraryCpuUsPerCall', r.libraryCpuUsPerCall, 'µs')
  line('failoverAddedP50Ms / P99Ms', `${r.failoverAddedP50Ms} / ${r.failoverAddedP99Ms}`, 'ms')
  line('breakerOpenAddedP99Ms (target ≤ 2)', r.breakerOpenAddedP99Ms, 'ms')
  line(`rssGrowthMb over ${r.memoryPairs} pairs (target ≤ 30)`, r.rssGrowthMb, 'MB')
  line('batchBindingsPerSec (10k)', r.batchBindingsPerSec, '/s')
  line('batch 10k/1k rate ratio (linear ≈ 1)', r.batchLinearityRatio)
}

// ---------------------------------------------------------------------------------------------
// one core each: re-run this script pinned to core 0 (the emulator goes to core 1)
// ---------------------------------------------------------------------------------------------

if (pinning && process.env.BENCH_PINNED !== '1') {
  const child = spawnNode(0, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_PINNED: '1' },
  })
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
  for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => child.kill(s))
} else {
  await main()
}
