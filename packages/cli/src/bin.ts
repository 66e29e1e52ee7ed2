#!/usr/bin/env node
// The `pn` executable: runs the CLI on the process's streams and exits with its code.
import { runCli } from './program'

const stopped = new Promise<void>((resolve) => {
  // Only a long-running command (pn emulator) waits on this; the signal handlers let it close.
  process.once('SIGINT', () => resolve())
  process.once('SIGTERM', () => resolve())
})

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  now: () => new Date(),
  untilStopped: () => stopped,
}).then(
  (code) => {
    // Flush stdout before exiting: a piped stdout is asynchronous.
    process.stdout.write('', () => process.exit(code))
  },
  (e: unknown) => {
    process.stderr.write(`pn: internal error: ${e instanceof Error ? e.message : String(e)}\n`)
    process.exit(1)
  },
)
