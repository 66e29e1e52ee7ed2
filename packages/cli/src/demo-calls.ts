/**
 * The demo's call-event receiver: a local node:http server running core's
 * `createCallbackHandler` with each adapter's callback route, so the emulator's signed pushes
 * come back as normalized `CallEvent`s exactly as they would in a user's own service.
 */
import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createCallbackHandler, type CallbackRoute, type CallEvent } from '@privacy-number/core'
import type { CallbackTargets } from '@privacy-number/emulator'

/** A running receiver. */
export interface CallReceiver {
  /** What to pass to `startEmulator({ callbacks })`. */
  readonly targets: CallbackTargets
  /** True when vendor routes are plugged in (the pushes are verified and normalized). */
  readonly normalizing: boolean
  /** The events received since the last drain. */
  drain(): Promise<ReadonlyArray<CallEvent>>
  /** Pushes the handler refused (bad signature, malformed), as messages. */
  problems(): ReadonlyArray<string>
  close(): Promise<void>
}

/** The vendor routes the receiver verifies and decodes pushes with. */
export type RouteFactory = (config: { readonly authToken: string }) => {
  readonly volcengine?: CallbackRoute
  readonly aliyun?: CallbackRoute
}

const NO_ROUTES: RouteFactory = () => ({})

/** Starts the receiver on 127.0.0.1 (an ephemeral port). */
export async function startCallReceiver(routes: RouteFactory = NO_ROUTES): Promise<CallReceiver> {
  const authToken = randomBytes(16).toString('hex')
  const events: CallEvent[] = []
  const problems: string[] = []
  const { volcengine, aliyun } = routes({ authToken })
  const handler = createCallbackHandler({
    ...(volcengine === undefined ? {} : { volcengine }),
    ...(aliyun === undefined ? {} : { aliyun }),
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
      aliyun: { url: `${base}/callbacks/aliyun` },
    },
    normalizing: volcengine !== undefined || aliyun !== undefined,
    drain: async () => {
      // simulateCall awaits its pushes, but the handler may still be inside onEvents.
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
