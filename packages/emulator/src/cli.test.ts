import { parseArgs, runCli } from './cli'

describe('privacy-number-emulator arguments', () => {
  it('reads both ports, in separate or inline form', () => {
    expect(parseArgs(['--volcengine-port', '8001', '--aliyun-port=8002']).options).toEqual({
      ports: { volcengine: 8001, aliyun: 8002 },
    })
  })

  it('recognises --help and --json', () => {
    expect(parseArgs(['--help']).help).toBe(true)
    expect(parseArgs(['--json']).json).toBe(true)
  })

  it('rejects unknown options and bad ports', () => {
    expect(() => parseArgs(['--port', '1'])).toThrow('unknown option --port')
    expect(() => parseArgs(['--aliyun-port', 'x'])).toThrow('--aliyun-port needs a port number')
  })
})

describe('privacy-number-emulator run', () => {
  it('prints both endpoints with credentials, serves, and exits 0 once told to stop', async () => {
    let out = ''
    let stop: () => void = () => undefined
    const exit = runCli(['--json'], {
      stdout: (t) => {
        out += t
      },
      stderr: () => undefined,
      onStop: (s) => {
        stop = s
      },
    })
    await new Promise((r) => setTimeout(r, 0))
    while (out === '') await new Promise((r) => setTimeout(r, 5))
    const printed = JSON.parse(out) as {
      volcengine: { endpoint: string; secretAccessKey: string }
      aliyun: { poolKey: string }
    }
    expect(printed.volcengine.secretAccessKey).toBe('emulator-secret')
    expect(printed.aliyun.poolKey).toBe('FC100000000000001')
    const res = await fetch(`${printed.volcengine.endpoint}/?Action=BindAXB&Version=2022-01-01`, {
      method: 'POST',
    })
    expect(res.status).toBe(401)
    stop()
    expect(await exit).toBe(0)
    await expect(fetch(printed.volcengine.endpoint)).rejects.toThrow()
  })

  it('exits 2 with the usage on a bad option', async () => {
    let err = ''
    const code = await runCli(['--nope'], {
      stdout: () => undefined,
      stderr: (t) => (err += t),
      onStop: () => undefined,
    })
    expect(code).toBe(2)
    expect(err).toContain('Usage: privacy-number-emulator')
  })
})
