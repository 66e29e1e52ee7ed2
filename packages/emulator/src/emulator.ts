// startEmulator: wires both vendors' state, gateways, servers, faults and the call simulator.
import { createAliActions } from './aliyun/actions'
import { createAliFrontEnd } from './aliyun/gateway'
import type { CallbackTargets, SimulatedCall, SimulatedCallRequest } from './calls'
import { createCallSimulator } from './calls'
import type { BaseClock, EmulatorClock } from './clock'
import { createClock } from './clock'
import type { Faults } from './faults'
import { createFaultRegistry } from './faults'
import type { HomeCityRules } from './phone'
import type { VendorServer } from './server'
import { startVendorServer } from './server'
import type { BindingKind, StoredBinding, StoredGroup, Vendor, VendorStore } from './store'
import { createStore } from './store'
import { createVolcActions } from './volcengine/actions'
import { createVolcFrontEnd } from './volcengine/gateway'

/** Seed of one vendor's pool: area code → X numbers, or how many to generate. */
export type PoolSeed = Readonly<Record<string, ReadonlyArray<string> | number>>

/** Options of `startEmulator`; every field is optional. */
export interface EmulatorOptions {
  /** Interface to listen on (default 127.0.0.1). */
  readonly host?: string
  /** Ports (default 0: ephemeral). */
  readonly ports?: { readonly volcengine?: number; readonly aliyun?: number }
  readonly credentials?: {
    readonly volcengine?: {
      readonly accessKeyId?: string
      readonly secretAccessKey?: string
      readonly numberPoolNo?: string
    }
    readonly aliyun?: {
      readonly accessKeyId?: string
      readonly accessKeySecret?: string
      readonly poolKey?: string
    }
  }
  /** X numbers per city (default: 10 in each of 010, 021, 020, 0755, 0571, 0531). */
  readonly pools?: { readonly volcengine?: PoolSeed; readonly aliyun?: PoolSeed }
  /** Live bindings one X can carry (AXB pair capacity; default 200). */
  readonly pairCapacity?: number
  /** Aliyun strict city matching: ExpectCity never falls back to another city (default false). */
  readonly strictCity?: boolean
  /** Home city of mobile numbers (fixed lines carry their own area code). */
  readonly homeCities?: {
    readonly mobilePrefixes?: Readonly<Record<string, string>>
    readonly defaultMobileCity?: string
  }
  /** Where simulateCall pushes call events. */
  readonly callbacks?: CallbackTargets
  /** Base clock (epoch ms; default Date.now). Expiry and signature windows use it plus emu.clock's offset. */
  readonly clock?: BaseClock
  /** Requests per second per vendor; above it the vendor's throttling answer. */
  readonly qps?: { readonly volcengine?: number; readonly aliyun?: number }
  /** Random source for fault rates (default Math.random). */
  readonly random?: () => number
}

/** What to pass to `createVolcengineProvider`. */
export interface VolcengineEndpoint {
  readonly endpoint: string
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly numberPoolNo: string
}

/** What to pass to `createAliyunProvider`. */
export interface AliyunEndpoint {
  readonly endpoint: string
  readonly accessKeyId: string
  readonly accessKeySecret: string
  readonly poolKey: string
}

/** A live binding as tests see it. */
export interface BindingView {
  readonly vendor: Vendor
  readonly kind: BindingKind
  readonly subscriptionId: string
  readonly a: string
  readonly b?: string
  readonly x: string
  readonly groupId?: string
  readonly expiresAt: Date
  readonly outId?: string
  readonly userData?: string
  readonly record: boolean
}

/** A G group as tests see it. */
export interface GroupView {
  readonly vendor: Vendor
  readonly id: string
  readonly name: string
  readonly numbers: ReadonlyArray<string>
  readonly expiresAt?: Date
}

/** Read-only inspection of the emulator's state (live, unexpired bindings only). */
export interface EmulatorState {
  bindings(vendor?: Vendor): ReadonlyArray<BindingView>
  groups(vendor?: Vendor): ReadonlyArray<GroupView>
  liveCount(vendor?: Vendor): number
}

/** A running emulator. */
export interface Emulator {
  readonly volcengine: VolcengineEndpoint
  readonly aliyun: AliyunEndpoint
  readonly faults: Faults
  /** Routes a call like the vendor and awaits the pushes of its call events. */
  simulateCall(call: SimulatedCallRequest): Promise<SimulatedCall>
  /** Replaces the callback targets (e.g. once the test's receiver is listening). */
  setCallbacks(callbacks: CallbackTargets): void
  readonly state: EmulatorState
  readonly clock: EmulatorClock
  /** Stops both servers, dropping open and hung connections. */
  close(): Promise<void>
}

/** Default credentials: obviously fake, stable across runs. */
export const DEFAULT_CREDENTIALS = {
  volcengine: {
    accessKeyId: 'AKLTemulator',
    secretAccessKey: 'emulator-secret',
    numberPoolNo: 'NP000000000000000001',
  },
  aliyun: {
    accessKeyId: 'LTAIemulator',
    accessKeySecret: 'emulator-secret',
    poolKey: 'FC100000000000001',
  },
} as const

/** The cities seeded by default (area codes). */
export const DEFAULT_CITIES: ReadonlyArray<string> = ['010', '021', '020', '0755', '0571', '0531']
const DEFAULT_PER_CITY = 10

/** Expands a seed: generated numbers are `<prefix><city index, 2 digits><serial, 6 digits>`. */
const expandPool = (
  seed: PoolSeed | undefined,
  prefix: string,
): Record<string, ReadonlyArray<string>> => {
  const source: PoolSeed =
    seed ?? Object.fromEntries(DEFAULT_CITIES.map((c) => [c, DEFAULT_PER_CITY]))
  const out: Record<string, ReadonlyArray<string>> = {}
  Object.entries(source).forEach(([code, v], i) => {
    out[code] =
      typeof v === 'number'
        ? Array.from(
            { length: v },
            (_, n) => `${prefix}${String(i).padStart(2, '0')}${String(n + 1).padStart(6, '0')}`,
          )
        : [...v]
  })
  return out
}

const viewOf = (b: StoredBinding): BindingView => ({
  vendor: b.vendor,
  kind: b.kind,
  subscriptionId: b.subscriptionId,
  a: b.a,
  ...(b.b !== undefined ? { b: b.b } : {}),
  x: b.x,
  ...(b.groupId !== undefined ? { groupId: b.groupId } : {}),
  expiresAt: new Date(b.expiresAt),
  ...(b.outId !== undefined ? { outId: b.outId } : {}),
  ...(b.userData !== undefined ? { userData: b.userData } : {}),
  record: b.record,
})

const groupViewOf = (g: StoredGroup): GroupView => ({
  vendor: g.vendor,
  id: g.id,
  name: g.name,
  numbers: [...g.numbers],
  ...(g.expiresAt !== undefined ? { expiresAt: new Date(g.expiresAt) } : {}),
})

/** Starts both vendor servers on loopback and returns their endpoints and controls. */
export const startEmulator = async (options: EmulatorOptions = {}): Promise<Emulator> => {
  const host = options.host ?? '127.0.0.1'
  const clock = createClock(options.clock)
  const volcCreds = { ...DEFAULT_CREDENTIALS.volcengine, ...options.credentials?.volcengine }
  const aliCreds = { ...DEFAULT_CREDENTIALS.aliyun, ...options.credentials?.aliyun }
  const homeCities: HomeCityRules = {
    mobilePrefixes: options.homeCities?.mobilePrefixes ?? {},
    defaultMobileCity: options.homeCities?.defaultMobileCity ?? '010',
  }
  const pairCapacity = options.pairCapacity ?? 200
  let volcSub = 0
  let volcGroup = 0
  let aliSub = 0
  let aliGroup = 0n
  const stores: Record<Vendor, VendorStore> = {
    volcengine: createStore({
      vendor: 'volcengine',
      pool: expandPool(options.pools?.volcengine, '170'),
      pairCapacity,
      now: clock.nowMs,
      newSubscriptionId: () => `S16${String(++volcSub).padStart(16, '0')}`,
    }),
    aliyun: createStore({
      vendor: 'aliyun',
      pool: expandPool(options.pools?.aliyun, '171'),
      pairCapacity,
      now: clock.nowMs,
      // 16 digits, as the vendor's SubsId.
      newSubscriptionId: () => String(1_000_017_838_816_000 + ++aliSub),
    }),
  }
  const faults = createFaultRegistry(options.random)

  // Known once the servers listen; the recording URLs read them lazily.
  let volcEndpoint = ''
  let aliEndpoint = ''
  const volcFrontEnd = createVolcFrontEnd({
    accessKeyId: volcCreds.accessKeyId,
    secretAccessKey: volcCreds.secretAccessKey,
    nowMs: clock.nowMs,
    actions: createVolcActions({
      store: stores.volcengine,
      numberPoolNo: volcCreds.numberPoolNo,
      nowMs: clock.nowMs,
      homeCities,
      newGroupId: () => `G${String(72_131_231 + ++volcGroup)}`,
      recordingBase: () => `${volcEndpoint}/recordings`,
    }),
  })
  const aliFrontEnd = createAliFrontEnd({
    accessKeyId: aliCreds.accessKeyId,
    accessKeySecret: aliCreds.accessKeySecret,
    nowMs: clock.nowMs,
    actions: createAliActions({
      store: stores.aliyun,
      poolKey: aliCreds.poolKey,
      nowMs: clock.nowMs,
      strictCity: options.strictCity ?? false,
      // Above 2^53 on purpose: a client that parses GroupId through a JS number breaks here.
      newGroupId: () => String(20_000_000_000_000_122n + ++aliGroup),
      recordingBase: () => `${aliEndpoint}/recordings`,
    }),
  })

  const volcServer = await startVendorServer({
    vendor: 'volcengine',
    host,
    port: options.ports?.volcengine ?? 0,
    frontEnd: volcFrontEnd,
    faults,
    ...(options.qps?.volcengine !== undefined ? { qps: options.qps.volcengine } : {}),
  })
  let aliServer: VendorServer
  try {
    aliServer = await startVendorServer({
      vendor: 'aliyun',
      host,
      port: options.ports?.aliyun ?? 0,
      frontEnd: aliFrontEnd,
      faults,
      ...(options.qps?.aliyun !== undefined ? { qps: options.qps.aliyun } : {}),
    })
  } catch (e) {
    await volcServer.close()
    throw e
  }
  const urlHost = host.includes(':') ? `[${host}]` : host
  volcEndpoint = `http://${urlHost}:${volcServer.port}`
  aliEndpoint = `http://${urlHost}:${aliServer.port}`

  let callbacks: CallbackTargets = options.callbacks ?? {}
  const simulateCall = createCallSimulator({
    stores,
    nowMs: clock.nowMs,
    callbacks: () => callbacks,
    volcengine: {
      accountId: '2100000001',
      numberPoolNo: volcCreds.numberPoolNo,
      recordingBase: `${volcEndpoint}/recordings`,
    },
    aliyun: {
      poolKey: aliCreds.poolKey,
      partnerKey: 'emulator-partner',
      recordingBase: `${aliEndpoint}/recordings`,
    },
  })

  const vendorsOf = (vendor?: Vendor): Vendor[] =>
    vendor === undefined ? ['volcengine', 'aliyun'] : [vendor]
  let closed: Promise<void> | undefined
  const servers = [volcServer, aliServer]
  return {
    volcengine: { endpoint: volcEndpoint, ...volcCreds },
    aliyun: { endpoint: aliEndpoint, ...aliCreds },
    faults: { inject: faults.inject, clear: faults.clear, list: faults.list },
    simulateCall,
    setCallbacks: (c) => {
      callbacks = c
    },
    state: {
      bindings: (vendor) => vendorsOf(vendor).flatMap((v) => stores[v].bindings().map(viewOf)),
      groups: (vendor) => vendorsOf(vendor).flatMap((v) => stores[v].groups().map(groupViewOf)),
      liveCount: (vendor) => vendorsOf(vendor).reduce((n, v) => n + stores[v].liveCount(), 0),
    },
    clock: { now: clock.now, advance: clock.advance, set: clock.set },
    close: () => {
      closed ??= Promise.all(servers.map((s) => s.close())).then(() => undefined)
      return closed
    },
  }
}
