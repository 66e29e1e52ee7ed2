// Call simulation: route a call the way the vendor's switch would, then push that vendor's call
// events to the configured callback URL, signed and shaped as the vendor sends them (note §7 /
// aliyun note §5).
import { createHash, randomBytes } from 'node:crypto'
import { LosslessNumber, stringify } from 'lossless-json'
import { cityName } from './areas'
import type { StoredBinding, Vendor, VendorStore } from './store'
import { formatBeijing } from './time'

/** Where Volcengine pushes call events, and the token its authCode is computed with. */
export interface VolcengineCallbackTarget {
  readonly url: string
  readonly authToken: string
}

/** Aliyun message types the emulator pushes. */
export type AliyunMessageType = 'SecretStartReport' | 'SecretReport' | 'SecretRecording'

/** Where Aliyun pushes receipts: one URL for every type, or one per message type. */
export type AliyunCallbackTarget =
  { readonly url: string } | Readonly<Partial<Record<AliyunMessageType, string>>>

/** Callback URLs per vendor. */
export interface CallbackTargets {
  readonly volcengine?: VolcengineCallbackTarget
  readonly aliyun?: AliyunCallbackTarget
}

/** A call to simulate. */
export interface SimulatedCallRequest {
  /** The calling party's real number. */
  readonly from: string
  /** The dialled number: an X of either vendor's pool. */
  readonly to: string
  /** Whether the callee picks up (default true). */
  readonly answer?: boolean
  /** Talk time in seconds when answered (default 30). */
  readonly durationSec?: number
}

/** One push the emulator made. */
export interface PushedEvent {
  readonly vendor: Vendor
  /** Volcengine messageType (1 status, 2 CDR, 3 recording) or the Aliyun message type. */
  readonly messageType: number | AliyunMessageType
  /** The URL posted to, with Volcengine's `timestamp`/`authCode` query. */
  readonly url: string
  /** The exact JSON body sent. */
  readonly body: string
  /** The receiver's HTTP status, or undefined when the POST failed. */
  readonly status?: number
  readonly error?: string
}

/** What a simulated call did. */
export interface SimulatedCall {
  /** The vendor whose pool holds `to`; undefined when neither does. */
  readonly vendor?: Vendor
  /** True when a live binding routed the call to a callee. */
  readonly routed: boolean
  readonly callee?: string
  readonly subscriptionId?: string
  readonly callId: string
  readonly events: ReadonlyArray<PushedEvent>
}

/** A routing decision. */
export interface Route {
  readonly binding: StoredBinding
  readonly callee: string
  /** True when the caller is the binding's A (Volcengine secretCallType 11, Aliyun call_type 0). */
  readonly fromA: boolean
}

/**
 * Routes like the vendor: A→X reaches B, B→X reaches A, any N→X on AXN reaches A, a G member→X
 * on AXG reaches A. Exact party matches win over AXN/AXG catch-alls.
 */
export const routeCall = (
  from: string,
  bindings: ReadonlyArray<StoredBinding>,
  groupNumbers: (groupId: string) => ReadonlyArray<string>,
): Route | undefined => {
  for (const b of bindings) {
    if (b.a === from && b.b !== undefined) return { binding: b, callee: b.b, fromA: true }
    if (b.b !== undefined && b.b === from) return { binding: b, callee: b.a, fromA: false }
  }
  for (const b of bindings) {
    if (b.a === from) continue
    if (b.kind === 'AXN') return { binding: b, callee: b.a, fromA: false }
    if (b.kind === 'AXG' && b.groupId !== undefined && groupNumbers(b.groupId).includes(from)) {
      return { binding: b, callee: b.a, fromA: false }
    }
  }
  return undefined
}

/** Volcengine's callback signature: hex(sha256(timestamp + hex(sha256(body)) + authToken)). */
export const volcAuthCode = (timestamp: string, body: string, authToken: string): string => {
  const bodyHash = createHash('sha256').update(body, 'utf8').digest('hex')
  return createHash('sha256')
    .update(timestamp + bodyHash + authToken, 'utf8')
    .digest('hex')
}

/** What the call simulator needs from the emulator. */
export interface CallSimulatorConfig {
  readonly stores: Readonly<Record<Vendor, VendorStore>>
  readonly nowMs: () => number
  readonly callbacks: () => CallbackTargets
  readonly volcengine: {
    readonly accountId: string
    readonly numberPoolNo: string
    readonly recordingBase: string
  }
  readonly aliyun: {
    readonly poolKey: string
    readonly partnerKey: string
    readonly recordingBase: string
  }
}

interface Timeline {
  readonly start: number
  readonly ring: number
  readonly answered?: number
  readonly end: number
}

const post = async (
  vendor: Vendor,
  messageType: PushedEvent['messageType'],
  url: string,
  body: string,
): Promise<PushedEvent> => {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    })
    await res.arrayBuffer()
    return { vendor, messageType, url, body, status: res.status }
  } catch (e) {
    return { vendor, messageType, url, body, error: e instanceof Error ? e.message : String(e) }
  }
}

/** Builds `simulateCall`. */
export const createCallSimulator = (config: CallSimulatorConfig) => {
  let callCounter = 0
  let cdrCounter = 0

  const volcPushes = async (
    req: SimulatedCallRequest,
    callId: string,
    route: Route | undefined,
    t: Timeline,
  ): Promise<PushedEvent[]> => {
    const target = config.callbacks().volcengine
    if (target === undefined) return []
    const b = route?.binding
    const sign = (body: string): string => {
      const ts = String(Math.floor(config.nowMs() / 1000))
      const sep = target.url.includes('?') ? '&' : '?'
      return `${target.url}${sep}timestamp=${ts}&authCode=${volcAuthCode(ts, body, target.authToken)}`
    }
    const common = {
      accountId: config.volcengine.accountId,
      callId,
      serviceType: 200,
      caller: req.from,
      callee: route?.callee ?? req.to,
    }
    const party = {
      phoneNoX: req.to,
      phoneNoA: b?.a ?? '',
      phoneNoB: b?.b ?? b?.placeholderB ?? '',
      subscriptionId: b?.subscriptionId ?? '',
      userData: b?.userData ?? '',
    }
    const eventTimes: Array<[number, number]> = [[1, t.start]]
    if (route !== undefined) eventTimes.push([2, t.ring])
    if (t.answered !== undefined) eventTimes.push([3, t.answered])
    eventTimes.push([4, t.end])
    const allEventType = eventTimes.map(([e]) => e)
    const events: PushedEvent[] = []
    // Call status pushes are one message per event, never retried (note §7).
    for (const [eventType, at] of eventTimes) {
      const body = JSON.stringify({
        ...common,
        eventTime: String(Math.floor(at / 1000)),
        allEventType,
        eventType,
        ...party,
        messageType: 1,
      })
      events.push(await post('volcengine', 1, sign(body), body))
    }
    const cdr = JSON.stringify({
      ...common,
      subServiceType: b?.kind === 'AXN' ? 202 : b?.kind === 'AXG' ? 203 : 201,
      numberPoolNo: config.volcengine.numberPoolNo,
      beginCallTime: t.start,
      ringTime: route !== undefined ? t.ring : 0,
      startTime: t.answered ?? 0,
      endTime: t.end,
      releaseType: t.answered !== undefined ? 1 : 0,
      callDuration: t.answered !== undefined ? Math.round((t.end - t.answered) / 1000) : 0,
      callResult: route === undefined ? 13 : t.answered !== undefined ? 1 : 7,
      audioRecordFlag: b?.record === true ? 1 : 0,
      cdrCreateTime: t.end,
      outId: b?.outId ?? '',
      ...party,
      secretCallType: route?.fromA === true ? 11 : 10,
      messageType: 2,
    })
    events.push(await post('volcengine', 2, sign(cdr), cdr))
    if (b?.record === true && t.answered !== undefined) {
      const rec = JSON.stringify({
        accountId: config.volcengine.accountId,
        callId,
        serviceType: 200,
        audioRecordUrl: `${config.volcengine.recordingBase}/${callId}.mp3`,
        audioRecordLeftUrl: '',
        audioRecordRightUrl: '',
        messageType: 3,
        audioRecordModel: 3,
        userData: b.userData ?? '',
      })
      events.push(await post('volcengine', 3, sign(rec), rec))
    }
    return events
  }

  const aliUrl = (type: AliyunMessageType): string | undefined => {
    const target = config.callbacks().aliyun
    if (target === undefined) return undefined
    if ('url' in target && typeof target.url === 'string') return target.url
    return (target as Partial<Record<AliyunMessageType, string>>)[type]
  }

  const aliPushes = async (
    req: SimulatedCallRequest,
    callId: string,
    route: Route | undefined,
    t: Timeline,
  ): Promise<PushedEvent[]> => {
    const b = route?.binding
    const subId = new LosslessNumber(b?.subscriptionId ?? '0')
    const id = () => new LosslessNumber(String(1_000_000_000_000_000 + ++cdrCounter))
    const common = {
      phone_no: b?.a ?? req.from,
      secret_no: req.to,
      peer_no: b === undefined ? '' : route?.fromA === true ? route.callee : req.from,
      called_display_no: req.to,
      pool_key: config.aliyun.poolKey,
      partner_key: config.aliyun.partnerKey,
      city: cityName(config.stores.aliyun.pool.get(req.to) ?? ''),
      out_id: b?.outId ?? '',
      sub_id: subId,
      call_id: callId,
      call_type: route === undefined ? 1 : route.fromA ? 0 : 1,
      unconnected_cause: route === undefined ? 2 : 0,
      control_type: route === undefined ? 'IVR_PLAY_AND_HANGUP' : 'CONTINUE',
    }
    const events: PushedEvent[] = []
    const send = async (
      type: AliyunMessageType,
      record: Record<string, unknown>,
    ): Promise<void> => {
      const url = aliUrl(type)
      if (url === undefined) return
      // A JSON array per push; sub_id/id are written as raw JSON numbers (they may exceed 2^53).
      events.push(await post('aliyun', type, url, stringify([record]) ?? '[]'))
    }
    await send('SecretStartReport', { ...common, id: id(), call_time: formatBeijing(t.start) })
    const answered = t.answered
    await send('SecretReport', {
      ...common,
      id: id(),
      call_time: formatBeijing(t.start),
      call_out_time: formatBeijing(route === undefined ? t.start : t.ring),
      ring_time: formatBeijing(route === undefined ? t.start : t.ring),
      free_ring_time: formatBeijing(route === undefined ? t.start : t.ring + 1000),
      start_time: formatBeijing(answered ?? t.end),
      release_time: formatBeijing(t.end),
      release_dir: route === undefined ? 0 : 1,
      release_cause: route === undefined ? 31 : answered !== undefined ? 16 : 19,
      sms_number: 0,
      record_url:
        b?.record === true && answered !== undefined
          ? `${config.aliyun.recordingBase}/${callId}.mp3`
          : '',
      ring_record_url: '',
      ...(route === undefined ? { control_msg: 'NO_SUBS_EXIST' } : {}),
    })
    if (b?.record === true && answered !== undefined) {
      await send('SecretRecording', {
        pool_key: config.aliyun.poolKey,
        sub_id: subId,
        call_id: callId,
        call_time: t.start,
        out_id: b.outId ?? '',
      })
    }
    return events
  }

  return async (req: SimulatedCallRequest): Promise<SimulatedCall> => {
    const answer = req.answer ?? true
    const durationSec = req.durationSec ?? 30
    const vendor: Vendor | undefined = config.stores.volcengine.pool.has(req.to)
      ? 'volcengine'
      : config.stores.aliyun.pool.has(req.to)
        ? 'aliyun'
        : undefined
    const callId = `emu${Date.now().toString(36)}${(callCounter++).toString(36)}${randomBytes(3).toString('hex')}`
    if (vendor === undefined) return { routed: false, callId, events: [] }
    const store = config.stores[vendor]
    const route = routeCall(
      req.from,
      store.bindingsOnX(req.to),
      (g) => store.getGroup(g)?.numbers ?? [],
    )
    const start = config.nowMs()
    const ring = start + 1000
    const answered = route !== undefined && answer ? ring + 2000 : undefined
    const end =
      answered !== undefined
        ? answered + durationSec * 1000
        : route !== undefined
          ? ring + 30_000
          : start
    const timeline: Timeline = { start, ring, end, ...(answered !== undefined ? { answered } : {}) }
    const events =
      vendor === 'volcengine'
        ? await volcPushes(req, callId, route, timeline)
        : await aliPushes(req, callId, route, timeline)
    return {
      vendor,
      routed: route !== undefined,
      ...(route !== undefined
        ? { callee: route.callee, subscriptionId: route.binding.subscriptionId }
        : {}),
      callId,
      events,
    }
  }
}
