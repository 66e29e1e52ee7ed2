// The emulator in its own process for the benchmark (forked by throughput.mjs). It answers IPC
// requests for its memory figures and can move its clock, so expiry can be measured.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { startEmulator } = require('../dist/index.js')

const cities = ['010', '021', '020', '0755', '0571', '0531']
// 600 X numbers × 200 pairs: room for the 100k live bindings of the memory run.
const pool = Object.fromEntries(cities.map((c) => [c, 100]))
const emu = await startEmulator({ pools: { volcengine: pool, aliyun: pool } })

process.on('message', (msg) => {
  if (msg.cmd === 'advance') emu.clock.advance(msg.ms)
  if (msg.cmd === 'stats') {
    const live = emu.state.liveCount()
    const cpu = process.cpuUsage()
    if (msg.gc === true && typeof globalThis.gc === 'function') globalThis.gc()
    const { rss, heapUsed } = process.memoryUsage()
    process.send({ cmd: 'stats', live, rss, heapUsed, cpuMicros: cpu.user + cpu.system })
  }
  if (msg.cmd === 'stop') emu.close().then(() => process.exit(0))
})
process.send({ cmd: 'ready', volcengine: emu.volcengine, aliyun: emu.aliyun })
