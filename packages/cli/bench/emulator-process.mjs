// The emulator under benchmark, in its own process (and, where `taskset` exists, on its own
// core), so that the client process is what gets measured. It answers a few commands over IPC:
// fault injection for the failover figures, and `purge` to drop the bindings a throughput round
// left behind so that every round starts from the same emulator state.
import { setImmediate } from 'node:timers'
import { startEmulator } from '@privacy-number/emulator'

const CITIES = ['010', '021', '020', '0755', '0571', '0531']
const perCity = Number(process.env.BENCH_POOL_PER_CITY ?? 50)
const pool = Object.fromEntries(CITIES.map((c) => [c, perCity]))

const emu = await startEmulator({
  pools: { volcengine: pool, aliyun: pool },
  // Every bind uses fresh A/B numbers, so the reuse rule never fires; a huge pair capacity means
  // the emulator never runs out of X and never answers NoAvailableNumber during throughput runs.
  pairCapacity: 100_000_000,
})

// Bindings made by the benchmark expire within hours: jumping the emulator's clock past that
// purges them; the clock is then put back so signature windows keep working.
const purge = () => {
  const before = emu.state.liveCount()
  emu.clock.advance(3 * 24 * 3600 * 1000)
  const after = emu.state.liveCount()
  emu.clock.set(new Date())
  return { before, after }
}

const commands = {
  inject: (rule) => emu.faults.inject(rule),
  clear: () => emu.faults.clear(),
  purge,
  liveCount: () => emu.state.liveCount(),
  memory: () => process.memoryUsage().rss,
  // CPU time used so far (µs, all threads): the benchmark turns it into the emulator's core
  // utilization per round, to tell a client-bound figure from an emulator-bound one.
  cpu: () => {
    const u = process.cpuUsage()
    return u.user + u.system
  },
  close: async () => {
    await emu.close()
    setImmediate(() => process.exit(0))
    return true
  },
}

process.on('message', async (msg) => {
  const { id, cmd, arg } = msg
  try {
    const fn = commands[cmd]
    if (fn === undefined) throw new Error(`unknown command ${cmd}`)
    const value = await fn(arg)
    process.send({ id, ok: true, value })
  } catch (e) {
    process.send({ id, ok: false, error: e instanceof Error ? e.message : String(e) })
  }
})
process.on('disconnect', () => {
  void emu.close().finally(() => process.exit(0))
})

process.send({
  ready: true,
  aliyun: emu.aliyun,
  volcengine: emu.volcengine,
})
