/**
 * `pn demo`: a short story against the embedded emulator, printed readably. Bind an AXB on
 * Volcengine, simulate a call and show the normalized call events, exhaust Volcengine's pool and
 * watch the failover to Aliyun, batch-bind AXG on Aliyun, release everything, summarize.
 */
import * as E from 'fp-ts/Either'
import {
  createPrivacyNumberClient,
  maskPhone,
  type Binding,
  type BindRequest,
  type CallEvent,
  type ClientEvent,
  type PrivacyNumberClient,
} from '@privacy-number/core'
import { createAliyunProvider } from '@privacy-number/aliyun'
import { startEmulator, type Emulator } from '@privacy-number/emulator'
import { createVolcengineProvider } from '@privacy-number/volcengine'
import { startCallReceiver, type CallReceiver } from './demo-calls'
import { describeInstant, describeX, errorLine, table } from './format'

/** What the demo did, for `--json` and for the exit code. */
export interface DemoReport {
  readonly ok: boolean
  readonly problems: ReadonlyArray<string>
  readonly bindings: ReadonlyArray<{
    readonly step: string
    readonly kind: string
    readonly vendor: string
    readonly x: string
    readonly released: boolean
  }>
  readonly callEvents: number
  readonly failovers: number
  readonly liveAtEnd: number
}

/** Options of `runDemo`. */
export interface DemoOptions {
  /** Receives each line of the story. */
  readonly write: (line: string) => void
  /** The clock (default now). */
  readonly now?: () => Date
}

// Obviously fictional numbers (the 138/139/… 0013 8000 family used in vendor docs).
const PEOPLE = {
  rider: '13800138000',
  driver: '13900139000',
  rider2: '13700137000',
  driver2: '13600136000',
  stores: ['13500135001', '13500135002', '13500135003'],
  couriers: ['15000150001', '15000150002', '15000150003'],
} as const

const STORE_CITIES = ['010', '021', '020'] as const

const MINUTE = 60_000

const describeEvent = (e: CallEvent): string => {
  const who =
    e.caller !== undefined && e.callee !== undefined
      ? `${maskPhone(e.caller)} → ${maskPhone(e.callee)}`
      : ''
  const extra = [
    e.durationSec === undefined ? undefined : `${e.durationSec} s`,
    e.releaseCause?.category,
    e.recordingUrl,
  ]
    .filter((s) => s !== undefined)
    .join(', ')
  return [e.vendor.padEnd(11), e.type.padEnd(16), who, extra].filter((s) => s !== '').join('  ')
}

/** Runs the demo; never throws (a failed step is reported in `problems`). */
export async function runDemo(options: DemoOptions): Promise<DemoReport> {
  const say = options.write
  const now = options.now ?? (() => new Date())
  const problems: string[] = []
  const made: Array<{ step: string; binding: Binding; released: boolean }> = []
  const failovers: string[] = []
  let receiver: CallReceiver | undefined
  let emu: Emulator | undefined
  let closeProviders = async (): Promise<void> => {}
  let callEvents = 0

  const heading = (n: number, title: string) => {
    say('')
    say(`${n}. ${title}`)
  }
  const fail = (what: string, e: unknown) => {
    const line = `${what}: ${typeof e === 'object' && e !== null && '_tag' in e ? errorLine(e as never, true) : e instanceof Error ? e.message : String(e)}`
    problems.push(line)
    say(`   ✗ ${line}`)
  }
  const expires = (minutes: number) => new Date(now().getTime() + minutes * MINUTE)

  try {
    receiver = await startCallReceiver()
    emu = await startEmulator({ callbacks: receiver.targets })
    const volc = createVolcengineProvider({ ...emu.volcengine })
    const ali = createAliyunProvider({ ...emu.aliyun })
    closeProviders = async () => {
      await Promise.allSettled([volc.close(), ali.close()])
    }
    const client: PrivacyNumberClient = createPrivacyNumberClient({
      providers: [volc, ali],
      onEvent: (e: ClientEvent) => {
        if (e.type === 'failover') failovers.push(`${e.from} → ${e.to ?? '(none)'} (${e.errorTag})`)
      },
    })

    say('pn demo: a tour of privacy-number against its embedded emulator')
    say(`   Volcengine vms at ${emu.volcengine.endpoint}, Aliyun dypls at ${emu.aliyun.endpoint}`)
    say('   One client, two providers in priority order: volcengine, then aliyun.')

    // 1. AXB on Volcengine --------------------------------------------------------------------
    heading(1, 'Bind an AXB: a rider and a driver talk through a privacy number X')
    const first = await client.bind({
      kind: 'AXB',
      a: PEOPLE.rider,
      b: PEOPLE.driver,
      select: { city: '010' },
      expiresAt: expires(30),
      outId: 'demo-order-1001',
    })()
    let axb: Binding | undefined
    if (E.isLeft(first)) fail('bind AXB', first.left)
    else {
      axb = first.right
      made.push({ step: '1 AXB', binding: axb, released: false })
      say(`   bound on ${axb.vendor}: X ${describeX(axb.x, axb.xCity)}`)
      say(`   A ${maskPhone(axb.a)} ↔ X ↔ B ${maskPhone(axb.b ?? '')}`)
      say(`   expires ${describeInstant(axb.expiresAt)}`)
      say(`   ref ${axb.ref}`)
    }

    // 2. a call and its events ----------------------------------------------------------------
    heading(2, 'Simulate a call: the rider dials X, the emulator rings the driver')
    if (axb !== undefined) {
      const call = await emu.simulateCall({ from: PEOPLE.rider, to: axb.x, durationSec: 42 })
      say(
        `   routed: ${call.routed ? `yes, to ${maskPhone(call.callee ?? '')}` : 'no'}; ` +
          `${call.events.length} push(es) sent to the local receiver`,
      )
      const events = await receiver.drain()
      callEvents = events.length
      say('   normalized call events (verified, decoded, one model for both vendors):')
      for (const e of events) say(`     ${describeEvent(e)}`)
      if (events.length === 0) problems.push('no call events were received')
      for (const p of receiver.problems()) problems.push(p)
    } else say('   skipped (no binding)')

    // 3. failover -----------------------------------------------------------------------------
    heading(3, "Volcengine's pool runs dry: the client fails over to Aliyun")
    const fault = emu.faults.inject({
      vendor: 'volcengine',
      fault: { kind: 'error', code: 'NumberNotEnough', message: 'no number available' },
    })
    say('   injected fault: every Volcengine call answers NumberNotEnough')
    const second = await client.bind({
      kind: 'AXB',
      a: PEOPLE.rider2,
      b: PEOPLE.driver2,
      select: { city: '021' },
      expiresAt: expires(30),
      outId: 'demo-order-1002',
    })()
    emu.faults.clear(fault)
    for (const f of failovers) say(`   failover: ${f}`)
    if (E.isLeft(second)) fail('bind with failover', second.left)
    else {
      made.push({ step: '3 AXB (failover)', binding: second.right, released: false })
      say(
        `   bound on ${second.right.vendor}: X ${describeX(second.right.x, second.right.xCity)} ` +
          `for ${maskPhone(second.right.a)} ↔ ${maskPhone(second.right.b ?? '')}`,
      )
      if (second.right.vendor !== 'aliyun') problems.push('the failover did not reach aliyun')
      // The same receiver, the same event model: now Aliyun's receipts, B calling A this time.
      const call = await emu.simulateCall({ from: PEOPLE.driver2, to: second.right.x })
      const events = await receiver.drain()
      callEvents += events.length
      say(`   the driver calls back through X; ${second.right.vendor}'s receipts, normalized:`)
      for (const e of events) say(`     ${describeEvent(e)}`)
      if (!call.routed || events.length === 0)
        problems.push('the call on aliyun produced no events')
    }

    // 4. AXG batch on Aliyun ------------------------------------------------------------------
    heading(4, 'Batch-bind AXG on Aliyun: couriers (a G group) reach each store through its X')
    const group = await client.createGroup(
      { name: 'demo-couriers', numbers: [...PEOPLE.couriers] },
      { vendor: 'aliyun' },
    )()
    let groupId: string | undefined
    if (E.isLeft(group)) fail('create group', group.left)
    else {
      groupId = group.right.groupId
      say(`   group ${groupId} on aliyun: ${PEOPLE.couriers.map((n) => maskPhone(n)).join(', ')}`)
      const reqs: BindRequest[] = PEOPLE.stores.map((store, i) => ({
        kind: 'AXG',
        a: store,
        group: { id: groupId as string },
        // One store per city, so each store gets its own X.
        select: { city: STORE_CITIES[i] ?? '010' },
        expiresAt: expires(60),
        outId: `demo-store-${i + 1}`,
        vendor: 'aliyun',
      }))
      const batch = await client.bindBatch(reqs)()
      if (E.isLeft(batch)) fail('bind AXG batch', batch.left)
      else
        batch.right.forEach((r, i) => {
          if (E.isLeft(r)) fail(`AXG row ${i + 1}`, r.left)
          else {
            made.push({ step: '4 AXG batch', binding: r.right, released: false })
            say(
              `   store ${maskPhone(r.right.a)} ← group via X ${describeX(r.right.x, r.right.xCity)}`,
            )
          }
        })
    }

    // 5. release ------------------------------------------------------------------------------
    heading(5, 'Unbind everything')
    for (const m of made) {
      const r = await client.unbind(m.binding.ref)()
      if (E.isLeft(r)) fail(`unbind ${m.binding.kind} on ${m.binding.vendor}`, r.left)
      else m.released = true
    }
    if (groupId !== undefined) {
      const d = await client.deleteGroup(groupId, { vendor: 'aliyun' })()
      if (E.isLeft(d)) fail('delete group', d.left)
    }
    const live = emu.state.liveCount()
    say(
      `   released ${made.filter((m) => m.released).length} binding(s); live bindings left: ${live}`,
    )
    if (live !== 0) problems.push(`${live} binding(s) still live at the end`)

    // summary ---------------------------------------------------------------------------------
    say('')
    say('Summary')
    for (const line of table(
      ['step', 'kind', 'vendor', 'X', 'A', 'B / group', 'status'],
      made.map((m) => [
        m.step,
        m.binding.kind,
        m.binding.vendor,
        m.binding.x,
        maskPhone(m.binding.a),
        m.binding.b !== undefined ? maskPhone(m.binding.b) : (m.binding.groupId ?? ''),
        m.released ? 'released' : 'LIVE',
      ]),
    ))
      say(`   ${line}`)
    say(
      `   call events: ${callEvents}, failovers: ${failovers.length}, problems: ${problems.length}`,
    )
    say('')
    say(
      problems.length === 0
        ? 'Done. Next: docs/getting-started.md, then `pn bind axb --a 13800138000 --b 13900139000`.'
        : `Finished with problems: ${problems.join('; ')}`,
    )
  } catch (e) {
    fail('demo', e)
  } finally {
    await closeProviders()
    await emu?.close()
    await receiver?.close()
  }
  return {
    ok: problems.length === 0,
    problems,
    bindings: made.map((m) => ({
      step: m.step,
      kind: m.binding.kind,
      vendor: m.binding.vendor,
      x: m.binding.x,
      released: m.released,
    })),
    callEvents,
    failovers: failovers.length,
    liveAtEnd: emu?.state.liveCount() ?? 0,
  }
}
