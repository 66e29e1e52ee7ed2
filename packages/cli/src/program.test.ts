// In-process tests of runCli with captured streams (the spawned-binary tests are cli.test.ts).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { startEmulator, type Emulator } from '@privacy-number/emulator'
import { bindRequestFrom, expiryFrom, runCli, type CliIO } from './program'

const NOW = new Date('2026-11-23T04:00:00Z')

const capture = () => {
  const stream = new PassThrough()
  let text = ''
  stream.on('data', (d: Buffer) => (text += d.toString()))
  return { stream, text: () => text }
}

async function run(
  argv: string[],
  options: { env?: Record<string, string>; cwd?: string; stop?: Promise<void> } = {},
) {
  const out = capture()
  const err = capture()
  const io: CliIO = {
    stdout: out.stream,
    stderr: err.stream,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    now: () => new Date(),
    untilStopped: () => options.stop ?? Promise.resolve(),
  }
  const code = await runCli(argv, io)
  return { code, stdout: out.text(), stderr: err.text() }
}

const envOf = (emu: Emulator): Record<string, string> => ({
  PN_VOLCENGINE_ENDPOINT: emu.volcengine.endpoint,
  PN_VOLCENGINE_ACCESS_KEY_ID: emu.volcengine.accessKeyId,
  PN_VOLCENGINE_SECRET_ACCESS_KEY: emu.volcengine.secretAccessKey,
  PN_VOLCENGINE_NUMBER_POOL_NO: emu.volcengine.numberPoolNo,
  PN_ALIYUN_ENDPOINT: emu.aliyun.endpoint,
  PN_ALIYUN_ACCESS_KEY_ID: emu.aliyun.accessKeyId,
  PN_ALIYUN_ACCESS_KEY_SECRET: emu.aliyun.accessKeySecret,
  PN_ALIYUN_POOL_KEY: emu.aliyun.poolKey,
})

describe('bindRequestFrom', () => {
  it('builds the selection, expiry, record flag and vendor pin from the options', () => {
    expect(
      bindRequestFrom(
        'AXB',
        { a: '138', b: '139', city: '010', fallback: '021, 0531', strict: true, ttl: '30m' },
        NOW,
        'aliyun',
      ),
    ).toEqual({
      kind: 'AXB',
      a: '138',
      b: '139',
      select: { city: '010', fallbackCities: ['021', '0531'], strict: true },
      expiresAt: new Date('2026-11-23T04:30:00Z'),
      record: false,
      vendor: 'aliyun',
    })
  })

  it('defaults to a one-hour lifetime and no selection', () => {
    const r = bindRequestFrom('AXN', { a: '138', record: true }, NOW)
    expect(r).toEqual({
      kind: 'AXN',
      a: '138',
      expiresAt: new Date('2026-11-23T05:00:00Z'),
      record: true,
    })
  })

  it('builds an existing or a new group for AXG, and refuses both or neither', () => {
    expect(bindRequestFrom('AXG', { a: '1', groupId: 'G1' }, NOW).group).toEqual({ id: 'G1' })
    expect(
      bindRequestFrom('AXG', { a: '1', groupName: 'g', groupNumbers: '2,3' }, NOW).group,
    ).toEqual({ name: 'g', numbers: ['2', '3'] })
    expect(() => bindRequestFrom('AXG', { a: '1' }, NOW)).toThrow('AXG needs --group-id')
    expect(() => bindRequestFrom('AXG', { a: '1', groupId: 'G', groupName: 'g' }, NOW)).toThrow(
      'not both',
    )
    expect(() => bindRequestFrom('AXG', { a: '1', groupNumbers: '2' }, NOW)).toThrow(
      '--group-name: required',
    )
  })
})

describe('expiryFrom', () => {
  it('reads --expires as an instant and --ttl from now, and refuses both at once', () => {
    expect(expiryFrom({ expires: '2030-01-01T00:00:00+08:00' }, NOW, '1h')).toEqual(
      new Date('2029-12-31T16:00:00Z'),
    )
    expect(expiryFrom({ ttl: '2h' }, NOW, undefined)).toEqual(new Date('2026-11-23T06:00:00Z'))
    expect(expiryFrom({}, NOW, undefined)).toBeUndefined()
    expect(() => expiryFrom({ ttl: '1h', expires: '2030-01-01' }, NOW, undefined)).toThrow(
      'give one of them, not both',
    )
  })
})

describe('runCli', () => {
  let emu: Emulator
  let dir: string
  beforeAll(async () => {
    emu = await startEmulator()
    dir = mkdtempSync(path.join(tmpdir(), 'pn-program-'))
  })
  afterAll(async () => {
    await emu.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('prints help and exits 0', async () => {
    const r = await run(['--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Usage: pn')
  })

  it('binds, updates, queries and unbinds through the configured vendors', async () => {
    const env = envOf(emu)
    const bound = await run(['--json', 'bind', 'axb', '--a', '13800138000', '--b', '13900139000'], {
      env,
    })
    expect(bound.code).toBe(0)
    const { ref } = JSON.parse(bound.stdout) as { ref: string }
    expect((await run(['update', ref, '--out-id', 'order-9', '--ttl', '2h'], { env })).stdout).toBe(
      `updated expiresAt, outId of ${ref}\n`,
    )
    const q = await run(['query', ref], { env })
    expect(q.stdout).toContain('138****8000')
    expect((await run(['unbind', ref], { env })).stdout).toBe(`unbound ${ref}\n`)
  })

  it('manages a group on the chosen vendor', async () => {
    const env = envOf(emu)
    const g = await run(
      ['--vendor', 'volcengine', 'group', 'create', '--name', 'g', '--numbers', '15000150001'],
      { env },
    )
    expect(g.code).toBe(0)
    const id = /group (\S+) created on volcengine/.exec(g.stdout)?.[1] ?? ''
    expect(id).not.toBe('')
    const add = await run(
      ['--vendor', 'volcengine', 'group', 'add', id, '15000150002,15000150003'],
      {
        env,
      },
    )
    expect(add.stdout).toContain('added 150****0002, 150****0003 to group')
    const remove = await run(['--vendor', 'volcengine', 'group', 'remove', id, '15000150002'], {
      env,
    })
    expect(remove.code).toBe(0)
    expect((await run(['--vendor', 'volcengine', 'group', 'delete', id], { env })).code).toBe(0)
  })

  it('refuses a vendor that is not configured when others are', async () => {
    const onlyVolc = Object.fromEntries(
      Object.entries(envOf(emu)).filter(([k]) => k.startsWith('PN_VOLCENGINE_')),
    )
    const r = await run(['--vendor', 'aliyun', 'bind', 'axn', '--a', '13800138000'], {
      env: onlyVolc,
    })
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(
      'pn: invalid --vendor: aliyun is not configured (set its PN_ALIYUN_* variables or add it to the config file)\n',
    )
  })

  it('reads the config file named by PN_CONFIG', async () => {
    const file = path.join(dir, 'pn.json')
    writeFileSync(file, JSON.stringify({ aliyun: { ...emu.aliyun } }))
    const r = await run(['--json', 'bind', 'axn', '--a', '13700137000'], {
      env: { PN_CONFIG: file },
    })
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ vendor: 'aliyun' })
  })

  it('runs a batch and refuses a results file that is the input', async () => {
    const input = path.join(dir, 'in.csv')
    writeFileSync(input, 'kind,a,b\nAXB,13600136000,13500135000\n')
    const env = envOf(emu)
    const same = await run(['batch', input, '--out', input], { env, cwd: dir })
    expect(same.code).toBe(2)
    const ok = await run(['batch', 'in.csv', '--chunk', '1'], { env, cwd: dir })
    expect(ok.code).toBe(0)
    expect(ok.stdout).toContain('results: in.results.csv')
    expect(readFileSync(path.join(dir, 'in.results.csv'), 'utf8')).toMatch(/pn1\./)
    expect((await run(['batch', 'in.csv', '--chunk', '0'], { env, cwd: dir })).code).toBe(2)
    expect((await run(['batch', 'missing.csv'], { env, cwd: dir })).stderr).toContain(
      'cannot read it (ENOENT)',
    )
  })

  it('draws a progress bar on stderr when stderr is a terminal', async () => {
    writeFileSync(path.join(dir, 'tty.csv'), 'kind,a\nAXN,13100131000\nAXN,13200132000\n')
    const out = capture()
    const err = capture()
    const tty = Object.assign(err.stream, { isTTY: true, columns: 120 })
    const code = await runCli(['batch', 'tty.csv'], {
      stdout: out.stream,
      stderr: tty,
      env: envOf(emu),
      cwd: dir,
      now: () => new Date(),
      untilStopped: () => Promise.resolve(),
    })
    expect(code).toBe(0)
    expect(err.text()).toContain('2/2 rows | 2 bound, 0 failed')
    expect(out.text()).not.toContain('rows |')
  })

  it('starts the emulator, prints how to use it, writes a config and stops when asked', async () => {
    const config = path.join(dir, 'emu.json')
    const r = await run(['emulator', '--write-config', config], { cwd: dir })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('export PN_VOLCENGINE_ENDPOINT=http://127.0.0.1:')
    expect(JSON.parse(readFileSync(config, 'utf8'))).toHaveProperty('aliyun.poolKey')
    expect((await run(['emulator', '--aliyun-port', 'x'])).code).toBe(2)
  })

  it('reports an unexpected failure as an internal error, with the stack only under --debug', async () => {
    const broken: CliIO = {
      stdout: capture().stream,
      stderr: capture().stream,
      env: {},
      cwd: dir,
      now: () => {
        throw new Error('clock broke')
      },
      untilStopped: () => Promise.resolve(),
    }
    const err = capture()
    const code = await runCli(['bind', 'axn', '--a', '13800138000'], {
      ...broken,
      stderr: err.stream,
    })
    expect(code).toBe(1)
    expect(err.text()).toBe(
      'pn: internal error: clock broke (run again with --debug for details)\n',
    )
    const err2 = capture()
    await runCli(['--debug', 'bind', 'axn', '--a', '13800138000'], {
      ...broken,
      stderr: err2.stream,
    })
    expect(err2.text()).toMatch(/^\s+at /m)
  })
})
