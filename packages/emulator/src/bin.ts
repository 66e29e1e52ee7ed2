#!/usr/bin/env node
// privacy-number-emulator: starts both vendor emulators, prints their endpoints and
// credentials, and stops cleanly on SIGINT/SIGTERM.
import { startEmulator } from './emulator'
import type { Cli } from './cli-args'
import { parseArgs, USAGE } from './cli-args'

const main = async (): Promise<void> => {
  let cli: Cli
  try {
    cli = parseArgs(process.argv.slice(2))
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`)
    process.exit(2)
  }
  if (cli.help) {
    process.stdout.write(USAGE)
    return
  }
  const emu = await startEmulator(cli.options)
  if (cli.json) {
    process.stdout.write(`${JSON.stringify({ volcengine: emu.volcengine, aliyun: emu.aliyun })}\n`)
  } else {
    const v = emu.volcengine
    const a = emu.aliyun
    process.stdout.write(
      [
        'privacy-number emulator running',
        `volcengine  endpoint=${v.endpoint} accessKeyId=${v.accessKeyId} secretAccessKey=${v.secretAccessKey} numberPoolNo=${v.numberPoolNo}`,
        `aliyun      endpoint=${a.endpoint} accessKeyId=${a.accessKeyId} accessKeySecret=${a.accessKeySecret} poolKey=${a.poolKey}`,
        'Press Ctrl+C to stop.',
        '',
      ].join('\n'),
    )
  }
  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    emu.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

void main()
