import { parseArgs } from './cli-args'

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
