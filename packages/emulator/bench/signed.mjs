// Signed requests for the emulator's own benchmarks (throughput.mjs over HTTP, gateway.mjs
// without it), built with the emulator's verifiers' signing functions so both scripts send
// exactly what a vendor client would.
import { randomUUID } from 'node:crypto'
import { createRequire } from 'node:module'
import { URLSearchParams } from 'node:url'

const require = createRequire(import.meta.url)
const { volcSignature, sha256Hex } = require('../dist/volcengine/signature.js')
const { rpcSignature } = require('../dist/aliyun/signature.js')

/**
 * A Volcengine POST: the query (Action and Version), the signed headers with `authorization`,
 * and the JSON body.
 */
export const signedVolcRequest = ({ host, accessKeyId, secretAccessKey }, action, params) => {
  const body = JSON.stringify(params)
  const date = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '')
  const hash = sha256Hex(body)
  const headers = {
    'content-type': 'application/json',
    host,
    'x-content-sha256': hash,
    'x-date': date,
  }
  const signedHeaders = Object.keys(headers)
  const signature = volcSignature({
    method: 'POST',
    path: '/',
    query: [
      ['Action', action],
      ['Version', '2022-01-01'],
    ],
    headers,
    signedHeaders,
    payloadHash: hash,
    xDate: date,
    region: 'cn-north-1',
    service: 'vms',
    secretAccessKey,
  })
  headers.authorization = `HMAC-SHA256 Credential=${accessKeyId}/${date.slice(0, 8)}/cn-north-1/vms/request, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`
  return { query: `Action=${action}&Version=2022-01-01`, headers, body }
}

/** An Aliyun RPC v1 query string (every parameter, `Signature` included) for a POST. */
export const signedAliQuery = ({ accessKeyId, accessKeySecret }, action, params) => {
  const all = {
    ...params,
    Action: action,
    Version: '2017-05-25',
    Format: 'JSON',
    AccessKeyId: accessKeyId,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: randomUUID(),
    Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  }
  all.Signature = rpcSignature(accessKeySecret, 'POST', Object.entries(all))
  return new URLSearchParams(all).toString().replace(/\+/g, '%20')
}
