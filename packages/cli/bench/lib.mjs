// Shared helpers of the benchmark: the emulator child process, a closed-loop load generator,
// statistics, and a source of never-repeating phone numbers.
import { performance } from 'node:perf_hooks'
import { setTimeout } from 'node:timers'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { URL, fileURLToPath } from 'node:url'

export const here = (name) => fileURLToPath(new URL(name, import.meta.url))

/** True when `taskset` can pin processes to cores (Linux with util-linux). */
export const canPin = () =>
  process.platform === 'linux' && (existsSync('/usr/bin/taskset') || existsSync('/bin/taskset'))

/** `node args…`, pinned to `core` when possible; stdio and IPC as given. */
export const spawnNode = (core, args, options) =>
  core !== undefined && canPin()
    ? spawn('taskset', ['-c', String(core), process.execPath, ...args], options)
    : spawn(process.execPath, args, options)

/** Starts the emulator in its own process; resolves with its endpoints and a command channel. */
export const startEmulatorProcess = ({ core } = {}) =>
  new Promise((resolve, reject) => {
    const child = spawnNode(core, [here('./emulator-process.mjs')], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    let next = 1
    const pending = new Map()
    const call = (cmd, arg) =>
      new Promise((res, rej) => {
        const id = next++
        pending.set(id, { res, rej })
        child.send({ id, cmd, arg })
      })
    child.on('message', (msg) => {
      if (msg.ready) {
        resolve({
          aliyun: msg.aliyun,
          volcengine: msg.volcengine,
          pid: child.pid,
          call,
          close: async () => {
            try {
              await Promise.race([call('close'), sleep(2000)])
            } finally {
              if (child.exitCode === null) child.kill('SIGTERM')
            }
          },
        })
        return
      }
      const p = pending.get(msg.id)
      if (p === undefined) return
      pending.delete(msg.id)
      if (msg.ok) p.res(msg.value)
      else p.rej(new Error(msg.error))
    })
    child.on('error', reject)
    child.on('exit', (code) => {
      for (const p of pending.values()) p.rej(new Error(`emulator exited (${code})`))
      pending.clear()
      reject(new Error(`emulator exited before it was ready (${code})`))
    })
  })

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/**
 * Runs `op` from `concurrency` workers, each starting its next call when the previous one ends
 * (closed loop), until `durationMs` has passed or `limit` calls were started. `op(i)` resolves
 * `true` on success and anything else (kept as `firstError`) on failure. Returns completed calls per second, errors, and client CPU per call.
 */
export const closedLoop = async (op, { concurrency, durationMs, limit = Infinity }) => {
  let started = 0
  let ok = 0
  let failed = 0
  let firstError
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const deadline = t0 + durationMs
  const worker = async () => {
    while (started < limit && performance.now() < deadline) {
      const i = started++
      try {
        const r = await op(i)
        if (r === true) ok++
        else {
          failed++
          firstError ??= r
        }
      } catch (e) {
        failed++
        firstError ??= e
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const elapsedMs = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  return {
    rps: (ok / elapsedMs) * 1000,
    ok,
    failed,
    elapsedMs,
    cpuUsPerCall: ok + failed === 0 ? 0 : (cpu.user + cpu.system) / (ok + failed),
    firstError,
  }
}

export const median = (xs) => {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Nearest-rank percentile of unsorted samples. */
export const percentile = (xs, p) => {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))
  return s[rank]
}

export const round = (x, digits = 0) => {
  if (!Number.isFinite(x)) return x
  const f = 10 ** digits
  return Math.round(x * f) / f
}

/**
 * Pairs of mobile numbers that never repeat within a run (138…/139… with an 8-digit serial), so
 * the emulator's reuse rule (one party per X in one live binding) never fires.
 */
export const createPhones = (start = 1) => {
  let n = start
  return () => {
    const s = String(n++ % 100_000_000).padStart(8, '0')
    return { a: `138${s}`, b: `139${s}` }
  }
}
