// Memory figure of the benchmark, in a fresh process (run with --expose-gc): RSS and heap growth
// of the library over many bind+unbind pairs, after a warm-up and a full GC. Prints one JSON line.
import { performance } from 'node:perf_hooks'
import { createPrivacyNumberClient } from '@privacy-number/core'
import { createAliyunProvider } from '@privacy-number/aliyun'
import { closedLoop, createPhones, round } from './lib.mjs'

const input = JSON.parse(process.env.BENCH_INPUT ?? '{}')
const { aliyun, transport, pairs, warmPairs, maxMs, warmMaxMs, concurrency } = input
const gc = () => {
  if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc')
  globalThis.gc()
  globalThis.gc()
}
const mb = (bytes) => round(bytes / 1024 / 1024, 1)

const provider = createAliyunProvider({ ...aliyun, transport })
const client = createPrivacyNumberClient({ providers: [provider] })
// A different number range from the main process, so no pair collides with its bindings.
const phones = createPhones(transport === 'undici' ? 60_000_000 : 80_000_000)
const expiresAt = new Date(Date.now() + 2 * 3600_000)

const pair = async () => {
  const { a, b } = phones()
  const bound = await client.bind({ kind: 'AXB', a, b, expiresAt })()
  if (bound._tag === 'Left') return bound.left
  const released = await client.unbind(bound.right.ref)()
  return released._tag === 'Right' || released.left
}

const run = (limit, durationMs) => closedLoop(pair, { concurrency, durationMs, limit })

const warm = await run(warmPairs, warmMaxMs)
if (warm.ok === 0) throw new Error(`every warm-up pair failed: ${JSON.stringify(warm.firstError)}`)
gc()
const start = process.memoryUsage()
const samples = []
let failed = 0
let firstError
const t0 = performance.now()
const deadline = t0 + maxMs
const step = Math.ceil(pairs / 10)
let done = 0
while (done < pairs && performance.now() < deadline) {
  const r = await run(Math.min(step, pairs - done), deadline - performance.now())
  done += r.ok + r.failed
  failed += r.failed
  firstError ??= r.firstError
  // RSS after a full GC at each tenth: a leak shows as a steady climb, page reuse as a plateau.
  gc()
  samples.push(mb(process.memoryUsage().rss))
}
const seconds = (performance.now() - t0) / 1000
gc()
const end = process.memoryUsage()
await provider.close()
process.stdout.write(
  `${JSON.stringify({
    transport,
    pairs: done,
    failed,
    firstError: firstError === undefined ? undefined : JSON.stringify(firstError).slice(0, 300),
    pairsPerSec: round(done / seconds),
    rssStartMb: mb(start.rss),
    rssEndMb: mb(end.rss),
    rssGrowthMb: mb(end.rss - start.rss),
    // From the first tenth's post-GC sample to the end: growth once the run's pages are in use.
    rssGrowthAfterFirstTenthMb: samples.length > 1 ? round(mb(end.rss) - samples[0], 1) : 0,
    heapGrowthMb: mb(end.heapUsed - start.heapUsed),
    rssSamplesMb: samples,
  })}\n`,
)
