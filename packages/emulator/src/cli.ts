// The privacy-number-emulator command, apart from bin.ts so that tests can run it in-process
// with their own output streams and signals.
import type { EmulatorOptions } from './emulator'
import { startEmulator } from './emulator'

/** The --help text. */
export const USAGE = `Usage: privacy-number-emulator [options]

Starts local emulators of the Volcengine vms and Aliyun dypls privacy-number APIs.

Options:
  --volcengine-port <n>   port of the Volcengine endpoint (default: ephemeral)
  --aliyun-port <n>       port of the Aliyun endpoint (default: ephemeral)
  --host <addr>           interface to listen on (default: 127.0.0.1)
  --json                  print the endpoints as one JSON line
  --help                  show this help
`

/** Parsed command line. */
export interface Cli {
  readonly help: boolean
  readonly json: boolean
  readonly options: EmulatorOptions
}

const parsePort = (flag: string, value: string | undefined): number => {
  const n = Number(value)
  if (value === undefined || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new Error(`${flag} needs a port number (0-65535)`)
  }
  return n
}

/** Parses argv (without node and script). */
export const parseArgs = (argv: ReadonlyArray<string>): Cli => {
  let help = false
  let json = false
  let host: string | undefined
  const ports: { volcengine?: number; aliyun?: number } = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    const [flag, inline] = arg.includes('=')
      ? (arg.split(/=(.*)/, 2) as [string, string])
      : [arg, undefined]
    const value = (): string | undefined => inline ?? argv[++i]
    switch (flag) {
      case '--help':
      case '-h':
        help = true
        break
      case '--json':
        json = true
        break
      case '--volcengine-port':
        ports.volcengine = parsePort(flag, value())
        break
      case '--aliyun-port':
        ports.aliyun = parsePort(flag, value())
        break
      case '--host':
        host = value()
        break
      default:
        throw new Error(`unknown option ${arg}`)
    }
  }
  return { help, json, options: { ports, ...(host !== undefined ? { host } : {}) } }
}

/** Where the command writes and how it learns it must stop. */
export interface CliIo {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  /** Registers the handler for SIGINT/SIGTERM. */
  readonly onStop: (stop: () => void) => void
}

/**
 * Runs the command: prints endpoints and credentials, serves until told to stop, then closes.
 * Resolves with the exit code.
 */
export const runCli = async (argv: ReadonlyArray<string>, io: CliIo): Promise<number> => {
  let cli: Cli
  try {
    cli = parseArgs(argv)
  } catch (e) {
    io.stderr(`${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`)
    return 2
  }
  if (cli.help) {
    io.stdout(USAGE)
    return 0
  }
  const emu = await startEmulator(cli.options)
  const v = emu.volcengine
  const a = emu.aliyun
  io.stdout(
    cli.json
      ? `${JSON.stringify({ volcengine: v, aliyun: a })}\n`
      : [
          'privacy-number emulator running',
          `volcengine  endpoint=${v.endpoint} accessKeyId=${v.accessKeyId} secretAccessKey=${v.secretAccessKey} numberPoolNo=${v.numberPoolNo}`,
          `aliyun      endpoint=${a.endpoint} accessKeyId=${a.accessKeyId} accessKeySecret=${a.accessKeySecret} poolKey=${a.poolKey}`,
          'Press Ctrl+C to stop.',
          '',
        ].join('\n'),
  )
  await new Promise<void>((resolve) => io.onStop(resolve))
  try {
    await emu.close()
    return 0
  } catch {
    return 1
  }
}
