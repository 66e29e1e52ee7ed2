/**
 * A `pn` session: the providers and the client one command runs with. With no credentials at
 * all it starts the embedded emulator, so a new user can try every command with nothing set up.
 */
import {
  createPrivacyNumberClient,
  type ClientEvent,
  type PrivacyNumberClient,
  type Provider,
} from '@privacy-number/core'
import { createAliyunProvider } from '@privacy-number/aliyun'
import { startEmulator, type Emulator, type EmulatorOptions } from '@privacy-number/emulator'
import { createVolcengineProvider } from '@privacy-number/volcengine'
import { configuredVendors, type Settings, type VendorName } from './config'

/** A provider that can release its sockets. */
export type ClosableProvider = Provider & { close?: () => Promise<void> }

/** What a command runs with. */
export interface Session {
  readonly client: PrivacyNumberClient
  readonly providers: ReadonlyArray<ClosableProvider>
  /** Set when pn started the embedded emulator. */
  readonly emulator?: Emulator
  /** Releases sockets and stops the embedded emulator. */
  close(): Promise<void>
}

/** Options of `openSession`. */
export interface SessionOptions {
  readonly settings: Settings
  /** Told when the embedded emulator starts (pn prints it on stderr). */
  readonly onEmbeddedEmulator?: (emu: Emulator) => void
  readonly onEvent?: (event: ClientEvent) => void
  /** Options for the embedded emulator (the demo sets callbacks). */
  readonly emulatorOptions?: EmulatorOptions
}

/** Builds one vendor's provider from its settings. */
export function createProvider(vendor: VendorName, settings: Settings): ClosableProvider {
  if (vendor === 'volcengine') {
    const s = settings.volcengine
    if (s === undefined) throw new Error('volcengine is not configured')
    return createVolcengineProvider({ ...s })
  }
  const s = settings.aliyun
  if (s === undefined) throw new Error('aliyun is not configured')
  return createAliyunProvider({ ...s })
}

/** Settings that point both vendors at a running emulator. */
export function emulatorSettings(emu: Emulator, base: Settings): Settings {
  return {
    ...base,
    volcengine: { ...emu.volcengine },
    aliyun: { ...emu.aliyun },
  }
}

/** Opens a session on the configured vendors, or on the embedded emulator when none is. */
export async function openSession(options: SessionOptions): Promise<Session> {
  let settings = options.settings
  let emulator: Emulator | undefined
  if (configuredVendors(settings).length === 0) {
    emulator = await startEmulator(options.emulatorOptions)
    settings = emulatorSettings(emulator, settings)
    options.onEmbeddedEmulator?.(emulator)
  }
  const providers = configuredVendors(settings).map((v) => createProvider(v, settings))
  const client = createPrivacyNumberClient({
    providers,
    strategy: settings.strategy,
    failover: { unknownOutcome: settings.unknownOutcome },
    ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
  })
  return {
    client,
    providers,
    ...(emulator === undefined ? {} : { emulator }),
    close: async () => {
      await Promise.allSettled(providers.map((p) => p.close?.()))
      await emulator?.close()
    },
  }
}
