// Spawns the BUILT `pn` binary (packages/cli/bin/pn.js → dist/bin.js), as a user would run it.
// If the build is missing or older than the sources, builds what is missing first (once).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'

const root = path.resolve(__dirname, '..', '..', '..', '..')
const cliDir = path.join(root, 'packages', 'cli')
/** The executable under test. */
export const PN = path.join(cliDir, 'bin', 'pn.js')

const newestSource = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) return Math.max(m, newestSource(p))
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')
      ? Math.max(m, statSync(p).mtimeMs)
      : m
  }, 0)

/** Builds the workspace packages pn needs when their build output is missing or stale. */
export function ensureBuilt(): void {
  const build = (pkg: string) =>
    execFileSync(process.execPath, [path.join(root, '.ci', 'build-package.mjs')], {
      cwd: path.join(root, 'packages', pkg),
      stdio: 'pipe',
    })
  for (const pkg of ['core', 'volcengine', 'aliyun', 'emulator'])
    if (!existsSync(path.join(root, 'packages', pkg, 'dist', 'index.js'))) build(pkg)
  const bin = path.join(cliDir, 'dist', 'bin.js')
  if (!existsSync(bin) || statSync(bin).mtimeMs < newestSource(path.join(cliDir, 'src')))
    build('cli')
}

/** The environment of a user with nothing configured (no PN_* variable leaks in from CI). */
export const cleanEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PN_'))),
  ...extra,
})

/** What a run of pn did. */
export interface PnResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs pn to completion. */
export function pn(
  args: ReadonlyArray<string>,
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<PnResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PN, ...args], {
      env: cleanEnv(options.env),
      cwd: options.cwd ?? cliDir,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** Starts `pn emulator --json` and resolves with its first stdout line (parsed) and the child. */
export function pnEmulator(): Promise<{
  info: { env: Record<string, string> }
  child: ChildProcess
}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PN, 'emulator', '--json'], { env: cleanEnv() })
    let out = ''
    child.on('error', reject)
    child.on('exit', (code) => reject(new Error(`pn emulator exited early (${code})`)))
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const nl = out.indexOf('\n')
      if (nl >= 0) resolve({ info: JSON.parse(out.slice(0, nl)), child })
    })
  })
}

/** Stops a child with SIGINT and resolves with its exit code. */
export const stop = (child: ChildProcess): Promise<number | null> =>
  new Promise((resolve) => {
    child.removeAllListeners('exit')
    child.on('exit', (code) => resolve(code))
    child.kill('SIGINT')
  })
