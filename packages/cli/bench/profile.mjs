// The library's own work per bind, in isolation, for `node --cpu-prof`: binds through the client
// with a transport that replays one recorded answer at once (no network, no emulator in the
// profile). Usage: node --cpu-prof packages/cli/bench/profile.mjs [aliyun|volcengine] [calls]
// [--what-if-fast-time]. The last flag swaps core's formatBeijing for plain UTC+8 arithmetic in
// this process only, to estimate what that fix would gain (a diagnostic, never used by run.mjs).
import { performance } from 'node:perf_hooks'
import * as core from '@privacy-number/core'
import { createAliyunProvider } from '@privacy-number/aliyun'
import { createVolcengineProvider } from '@privacy-number/volcengine'
import { startEmulator } from '@privacy-number/emulator'
import { createRequire } from 'node:module'
import { createPhones } from './lib.mjs'

if (process.argv.includes('--what-if-fast-time')) {
  const require = createRequire(import.meta.url)
  const time = require(require.resolve('@privacy-number/core').replace(/index\.js$/, 'time.js'))
  const pad = (n) => String(n).padStart(2, '0')
  time.formatBeijing = (instant) => {
    const d = new Date(instant.getTime() + 8 * 3600_000)
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  }
}

const vendor = process.argv[2] ?? 'aliyun'
const calls = Number(process.argv.find((a, i) => i >= 3 && /^\d+$/.test(a)) ?? 50_000)
const emu = await startEmulator()
const make = (transport) =>
  vendor === 'aliyun'
    ? createAliyunProvider({ ...emu.aliyun, transport })
    : createVolcengineProvider({ ...emu.volcengine, transport })
const phones = createPhones(1)
const expiresAt = new Date(Date.now() + 2 * 3600_000)

let answer
const inner = core.undiciTransport()
const recorder = (req) => async () => {
  const r = await inner(req)()
  if (r._tag === 'Right') answer = r.right
  return r
}
const first = await make(recorder).bind({ kind: 'AXB', ...phones(), expiresAt })()
await inner.close()
await emu.close()
if (first._tag !== 'Right' || answer === undefined) throw new Error('could not record an answer')

const replay = Promise.resolve({ _tag: 'Right', right: answer })
const client = core.createPrivacyNumberClient({ providers: [make(() => () => replay)] })
const t = performance.now()
for (let i = 0; i < calls; i++) {
  const r = await client.bind({ kind: 'AXB', ...phones(), expiresAt })()
  if (r._tag !== 'Right') throw new Error(JSON.stringify(r.left))
}
const us = ((performance.now() - t) * 1000) / calls
console.log(`${vendor}: ${us.toFixed(1)} µs per bind over ${calls} binds`)
