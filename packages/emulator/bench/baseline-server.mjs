// The floor for the benchmark: a bare node:http server answering canned vendor-shaped bodies,
// with no signature check and no state. Same client, same loopback: whatever the emulator
// costs on top of this is its own.
import { Buffer } from 'node:buffer'
import http from 'node:http'

const volcBody = JSON.stringify({
  ResponseMetadata: {
    RequestId: '1',
    Action: 'BindAXB',
    Version: '2022-01-01',
    Service: 'vms',
    Region: 'cn-north-1',
  },
  Result: { SubId: 'S1', PhoneNoX: '17000000001', PhoneNoXCityCode: '010', Status: 1 },
})
const aliBody = JSON.stringify({
  RequestId: '1',
  Code: 'OK',
  Message: 'OK',
  SecretBindDTO: { SubsId: '1000000000000001', SecretNo: '17100000001', Extension: '' },
})

const serve = (body) =>
  new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        res.writeHead(200, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        })
        res.end(body)
      })
    })
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`))
  })

const volcengine = await serve(volcBody)
const aliyun = await serve(aliBody)
process.on('message', (msg) => {
  if (msg.cmd === 'stats') {
    const cpu = process.cpuUsage()
    process.send({ cmd: 'stats', live: 0, rss: 0, heapUsed: 0, cpuMicros: cpu.user + cpu.system })
  }
  if (msg.cmd === 'stop') process.exit(0)
})
process.send({
  cmd: 'ready',
  volcengine: {
    endpoint: volcengine,
    accessKeyId: 'AK',
    secretAccessKey: 'SK',
    numberPoolNo: 'NP',
  },
  aliyun: { endpoint: aliyun, accessKeyId: 'AK', accessKeySecret: 'SK', poolKey: 'FC' },
})
