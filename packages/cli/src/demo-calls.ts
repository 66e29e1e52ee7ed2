/**
 * The demo's call-event receiver: a local node:http server running core's
 * `createCallbackHandler` with each adapter's callback route, so the emulator's signed pushes
 * come back as normalized `CallEvent`s exactly as they would in a user's own service.
 */
import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { aliyunCallbackRoute } from '@privacy-number/aliyun'
import { createCallbackHandler, type CallEvent } from '@privacy-number/core'
import type { CallbackTargets } from '@privacy-number/emulator'
import { volcengineCallbackRoute } from '@privacy-number/volcengine'

/** A running receiver. */
export interface CallReceiver {
  /** What to pass to `startEmulator({ callbacks })`. */
  readonly targets: CallbackTargets
  /** The events received since the last drain. */
  drain(): Promise<ReadonlyArray<CallEvent>>
  /** Pushes the handler refused (bad signature, malformed), as messages. */
  problems(): ReadonlyArray<string>
  close(): Promise<void>
}

// Aliyun pushes carry no type: each message type gets its own path, as a real account would
// configure them.
const ALIYUN_PATHS = {
  '/callbacks/aliyun/start': 'SecretStartReport',
  '/callbacks/aliyun/report': 'SecretReport',
  '/callbacks/aliyun/recording': 'SecretRecording',
} as const

/** Starts the receiver on 127.0.0.1 (an ephemeral port). */
export async function startCallReceiver(): Promise<CallReceiver> {
  // Volcengine signs every push with the account's callback token; any secret will do here.
  const authToken = randomBytes(16).toString('hex')
  const events: CallEvent[] = []
  const problems: string[] = []
  const handler = createCallbackHandler({
    volcengine: volcengineCallbackRoute({ authToken, path: '/callbacks/volcengine' }),
    aliyun: aliyunCallbackRoute({ paths: ALIYUN_PATHS }),
    onEvents: (es) => void events.push(...es),
    onError: (e, vendor) => void problems.push(`${vendor ?? 'receiver'}: ${e.message}`),
  })
  const server: Server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const base = `http://127.0.0.1:${port}`
  return {
    targets: {
      volcengine: { url: `${base}/callbacks/volcengine`, authToken },
      aliyun: {
        SecretStartReport: `${base}/callbacks/aliyun/start`,
        SecretReport: `${base}/callbacks/aliyun/report`,
        SecretRecording: `${base}/callbacks/aliyun/recording`,
      },
    },
    drain: async () => {
      // Aliyun's route answers before onEvents runs: let the handler finish its current push.
      await new Promise((r) => setImmediate(r))
      return events.splice(0, events.length)
    },
    problems: () => problems,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
