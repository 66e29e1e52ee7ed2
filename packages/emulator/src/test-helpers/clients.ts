// Test clients. Volcengine requests are signed by the vendor's own Node signer
// (@volcengine/openapi) and Aliyun v1 requests by @alicloud/pop-core in the tests that prove
// real clients get through; these helpers also let tests send deliberately broken requests.
import { randomUUID } from 'node:crypto'
import { Signer } from '@volcengine/openapi'
import { parse } from 'lossless-json'
import { acs3Signature, rpcSignature, sha256Hex } from '../aliyun/signature'
import type { Emulator } from '../emulator'

/** A raw answer. */
export interface Answer {
  readonly status: number
  readonly text: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test-only loose JSON access
  readonly json: any
}

const answer = async (res: Response): Promise<Answer> => {
  const text = await res.text()
  let json: unknown
  try {
    json = parse(text, undefined, (v) => (Number.isSafeInteger(Number(v)) ? Number(v) : v))
  } catch {
    json = undefined
  }
  return { status: res.status, text, json }
}

/** Options of a Volcengine test call. */
export interface VolcCallOptions {
  readonly encoding?: 'json' | 'form' | 'get'
  readonly accessKeyId?: string
  readonly secretAccessKey?: string
  readonly date?: Date
  readonly version?: string
  /** Mangle the request after signing. */
  readonly tamper?: (req: { headers: Record<string, string>; body: string }) => void
}

/** Calls a Volcengine action, signed with the vendor's own Node signer. */
export const volcCall = async (
  emu: Emulator,
  action: string,
  params: Record<string, unknown>,
  opts: VolcCallOptions = {},
): Promise<Answer> => {
  const encoding = opts.encoding ?? 'json'
  const query: Record<string, string> = { Action: action, Version: opts.version ?? '2022-01-01' }
  let body = ''
  const headers: Record<string, string> = {}
  if (encoding === 'json') {
    body = JSON.stringify(params)
    headers['Content-Type'] = 'application/json; charset=UTF-8'
  } else if (encoding === 'form') {
    body = new URLSearchParams(
      Object.entries(params).map(([k, v]): [string, string] => [
        k,
        Array.isArray(v) ? v.join(',') : String(v),
      ]),
    ).toString()
    headers['Content-Type'] = 'application/x-www-form-urlencoded'
  } else {
    for (const [k, v] of Object.entries(params))
      query[k] = Array.isArray(v) ? v.join(',') : String(v)
  }
  const request = {
    region: 'cn-north-1',
    method: encoding === 'get' ? 'GET' : 'POST',
    pathname: '/',
    params: query,
    headers,
    ...(body !== '' ? { body } : {}),
  }
  const signer = new Signer(request, 'vms')
  signer.addAuthorization(
    {
      accessKeyId: opts.accessKeyId ?? emu.volcengine.accessKeyId,
      secretKey: opts.secretAccessKey ?? emu.volcengine.secretAccessKey,
    },
    opts.date ?? emu.clock.now(),
  )
  const sent = { headers: request.headers as Record<string, string>, body }
  opts.tamper?.(sent)
  const qs = new URLSearchParams(query).toString().replace(/\+/g, '%20')
  const res = await fetch(`${emu.volcengine.endpoint}/?${qs}`, {
    method: request.method,
    headers: sent.headers,
    ...(encoding !== 'get' ? { body: sent.body } : {}),
  })
  return answer(res)
}

/** Options of an Aliyun test call. */
export interface AliCallOptions {
  readonly signature?: 'v1' | 'v3'
  readonly method?: 'GET' | 'POST'
  /** v1 only: send the parameters as a form body (the older SDK's style). */
  readonly form?: boolean
  readonly accessKeyId?: string
  readonly accessKeySecret?: string
  readonly date?: Date
  readonly nonce?: string
  readonly version?: string
  readonly tamperParams?: (params: Record<string, string>) => void
}

const isoSeconds = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z')

/** Calls an Aliyun action, signed (v1 by default) with the emulator's reference functions. */
export const aliCall = async (
  emu: Emulator,
  action: string,
  params: Record<string, string>,
  opts: AliCallOptions = {},
): Promise<Answer> => {
  const method = opts.method ?? 'POST'
  const ak = opts.accessKeyId ?? emu.aliyun.accessKeyId
  const secret = opts.accessKeySecret ?? emu.aliyun.accessKeySecret
  const date = opts.date ?? emu.clock.now()
  const nonce = opts.nonce ?? randomUUID()
  if ((opts.signature ?? 'v1') === 'v1') {
    const all: Record<string, string> = {
      ...params,
      Action: action,
      Version: opts.version ?? '2017-05-25',
      Format: 'JSON',
      AccessKeyId: ak,
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      SignatureNonce: nonce,
      Timestamp: isoSeconds(date),
    }
    all['Signature'] = rpcSignature(secret, method, Object.entries(all))
    opts.tamperParams?.(all)
    const encoded = new URLSearchParams(all).toString().replace(/\+/g, '%20')
    if (opts.form === true) {
      const res = await fetch(`${emu.aliyun.endpoint}/`, {
        method,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: encoded,
      })
      return answer(res)
    }
    return answer(await fetch(`${emu.aliyun.endpoint}/?${encoded}`, { method }))
  }
  const host = new URL(emu.aliyun.endpoint).host
  const headers: Record<string, string> = {
    host,
    'x-acs-action': action,
    'x-acs-version': opts.version ?? '2017-05-25',
    'x-acs-date': isoSeconds(date),
    'x-acs-signature-nonce': nonce,
    'x-acs-content-sha256': sha256Hex(''),
  }
  const query = Object.entries(params)
  const signature = acs3Signature(secret, {
    method,
    path: '/',
    query,
    headers,
    signedHeaders: Object.keys(headers),
    payloadHash: sha256Hex(''),
  })
  headers['authorization'] =
    `ACS3-HMAC-SHA256 Credential=${ak},SignedHeaders=${Object.keys(headers).sort().join(';')},Signature=${signature}`
  const { host: _host, ...sendHeaders } = headers
  const qs = new URLSearchParams(params).toString().replace(/\+/g, '%20')
  return answer(await fetch(`${emu.aliyun.endpoint}/?${qs}`, { method, headers: sendHeaders }))
}

/** Unix seconds `sec` from the emulator's now. */
export const volcExpiry = (emu: Emulator, sec = 3600): number =>
  Math.floor(emu.clock.now().getTime() / 1000) + sec

/** Beijing wall-clock `sec` from the emulator's now. */
export const aliExpiry = (emu: Emulator, sec = 3600): string => {
  const d = new Date(emu.clock.now().getTime() + sec * 1000 + 8 * 3600 * 1000)
  return d.toISOString().slice(0, 19).replace('T', ' ')
}
