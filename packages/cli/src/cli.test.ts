// End-to-end tests of the built `pn` binary: every test spawns `node packages/cli/bin/pn.js`.
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { startEmulator, type Emulator } from '@privacy-number/emulator'
import { ensureBuilt, pn, pnEmulator, stop } from './test-helpers/run-pn'

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

const oneLine = (stderr: string) =>
  stderr
    .trim()
    .split('\n')
    .filter((l) => l !== '')

let dir: string
beforeAll(() => {
  ensureBuilt()
  dir = mkdtempSync(path.join(tmpdir(), 'pn-cli-test-'))
}, 120_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('pn --help', () => {
  it('lists every command and the exit codes, and exits 0', async () => {
    const r = await pn(['--help'])
    expect(r.code).toBe(0)
    for (const c of ['bind', 'unbind', 'query', 'update', 'group', 'batch', 'emulator', 'demo'])
      expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'))
    expect(r.stdout).toContain('2 invalid input')
  })

  it('prints its version with --version', async () => {
    const r = await pn(['--version'])
    expect(r.code).toBe(0)
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/)
  })

  it.each([
    [
      ['bind', 'axb', '--help'],
      ['--a <phone>', '--ttl <duration>', '--expires <iso>', '--vendor'],
    ],
    [
      ['bind', 'axg', '--help'],
      ['--group-id <id>', '--group-numbers <list>'],
    ],
    [
      ['update', '--help'],
      ['--no-record', '--b <phone>'],
    ],
    [['group', 'create', '--help'], ['--numbers <list>']],
    [['batch', '--help'], ['--out <file>']],
    [['emulator', '--help'], ['--write-config <file>']],
  ])('%j shows the command options and global options', async (args, expected) => {
    const r = await pn(args)
    expect(r.code).toBe(0)
    for (const e of [...expected, '--json']) expect(r.stdout).toContain(e)
  })
})

describe('with nothing configured', () => {
  it('binds on the embedded emulator and says so on stderr', async () => {
    const r = await pn(['--json', 'bind', 'axb', '--a', '13800138000', '--b', '13900139000'])
    expect(r.code).toBe(0)
    expect(r.stderr).toContain('embedded emulator')
    const b = JSON.parse(r.stdout) as Record<string, unknown>
    expect(b).toMatchObject({ kind: 'AXB', vendor: 'volcengine', a: '13800138000' })
    expect(String(b.ref)).toMatch(/^pn1\./)
  })

  it('masks phone numbers in human output', async () => {
    const r = await pn(['bind', 'axb', '--a', '13800138000', '--b', '13900139000'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('138****8000')
    expect(r.stdout).not.toContain('13800138000')
  })
})

describe('bind / query / update / unbind against `pn emulator`', () => {
  let emulator: { info: { env: Record<string, string> }; child: ChildProcess }
  beforeAll(async () => {
    emulator = await pnEmulator()
  })
  afterAll(async () => {
    expect(await stop(emulator.child)).toBe(0)
  })

  it('round-trips a binding with --json', async () => {
    const env = emulator.info.env
    const bound = await pn(
      ['--json', 'bind', 'axb', '--a', '13800138000', '--b', '13900139000', '--city', '021'],
      { env },
    )
    expect(bound.code).toBe(0)
    expect(bound.stderr).not.toContain('embedded emulator')
    const b = JSON.parse(bound.stdout) as { ref: string; x: string; expiresAt: string }

    const queried = await pn(['--json', 'query', b.ref], { env })
    expect(queried.code).toBe(0)
    expect(JSON.parse(queried.stdout)).toMatchObject({ ref: b.ref, x: b.x, kind: 'AXB' })

    const updated = await pn(['--json', 'update', b.ref, '--ttl', '2h'], { env })
    expect(updated.code).toBe(0)
    expect(JSON.parse(updated.stdout)).toEqual({ ref: b.ref, updated: ['expiresAt'] })
    const after = JSON.parse((await pn(['--json', 'query', b.ref], { env })).stdout) as {
      expiresAt: string
    }
    expect(Date.parse(after.expiresAt)).toBeGreaterThan(Date.parse(b.expiresAt))

    const unbound = await pn(['--json', 'unbind', b.ref], { env })
    expect(unbound.code).toBe(0)
    expect(JSON.parse(unbound.stdout)).toEqual({ ref: b.ref, unbound: true })

    const gone = await pn(['--json', 'query', b.ref], { env })
    expect(gone.code).toBe(3)
    expect(JSON.parse(gone.stdout)).toMatchObject({ error: { _tag: 'BindingNotFound' } })
  })

  it('creates a group, binds AXG on it and deletes it', async () => {
    const env = emulator.info.env
    const g = await pn(
      [
        '--json',
        '--vendor',
        'aliyun',
        'group',
        'create',
        '--name',
        'couriers',
        '--numbers',
        '15000150001,15000150002',
      ],
      { env },
    )
    expect(g.code).toBe(0)
    const { groupId, vendor } = JSON.parse(g.stdout) as { groupId: string; vendor: string }
    expect(vendor).toBe('aliyun')
    const add = await pn(['--vendor', 'aliyun', 'group', 'add', groupId, '15000150003'], { env })
    expect(add.code).toBe(0)
    const axg = await pn(
      ['--json', '--vendor', 'aliyun', 'bind', 'axg', '--a', '13500135001', '--group-id', groupId],
      { env },
    )
    expect(axg.code).toBe(0)
    expect(JSON.parse(axg.stdout)).toMatchObject({ kind: 'AXG', vendor: 'aliyun', groupId })
    const ref = (JSON.parse(axg.stdout) as { ref: string }).ref
    expect((await pn(['unbind', ref], { env })).code).toBe(0)
    expect((await pn(['--vendor', 'aliyun', 'group', 'delete', groupId], { env })).code).toBe(0)
  })
})

describe('bad input: exit 2 with one line naming the field, no stack trace', () => {
  it.each([
    [['bind', 'axb', '--a', '12345', '--b', '13900139000'], /invalid --a: /],
    [['bind', 'axb', '--b', '13900139000'], /required option '--a <phone>'/],
    [['bind', 'axb', '--a', '13800138000', '--ttl', '5x'], /invalid --ttl: "5x"/],
    [['bind', 'axb', '--a', '13800138000', '--expires', 'soon'], /invalid --expires: "soon"/],
    [
      ['bind', 'axb', '--a', '13800138000', '--b', '13900139000', '--ttl', '30s'],
      /invalid --ttl\/--expires: .*60 seconds/,
    ],
    [['bind', 'axg', '--a', '13800138000'], /invalid --group-id: AXG needs/],
    [['bind', 'axb', '--a', '13800138000', '--fallback', 'a,b'], /invalid --fallback/],
    [['query', 'not-a-ref'], /invalid <ref>: ref is not a privacy-number binding ref/],
    [['update', 'pn1.x'], /invalid update: give at least one of/],
    [['--vendor', 'tencent', 'query', 'x'], /--vendor.*tencent.*invalid/i],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('%j', async (args, message) => {
    const r = await pn(args)
    expect(r.code).toBe(2)
    const lines = oneLine(r.stderr).filter((l) => !l.includes('embedded emulator'))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(message)
    expect(r.stderr).not.toMatch(/^\s+at /m)
    expect(r.stdout).toBe('')
  })

  it('names the missing variable of a partly configured vendor', async () => {
    const r = await pn(['query', 'pn1.x'], {
      env: { PN_ALIYUN_ACCESS_KEY_ID: 'LTAI', PN_ALIYUN_ACCESS_KEY_SECRET: 's' },
    })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('aliyun is only partly configured: missing PN_ALIYUN_POOL_KEY')
  })

  it('names the problem in a config file and never prints its secrets', async () => {
    const file = path.join(dir, 'bad-config.json')
    writeFileSync(
      file,
      JSON.stringify({ volcengine: { accessKeyId: 'AK', secretAccessKey: 'TOPSECRET', pool: 1 } }),
    )
    const r = await pn(['--config', file, 'query', 'pn1.x'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('config: volcengine.pool is not a setting')
    expect(r.stderr + r.stdout).not.toContain('TOPSECRET')
  })

  it('prints the error as JSON on stdout with --json', async () => {
    const r = await pn(['--json', 'bind', 'axb', '--a', '12345', '--b', '13900139000'])
    expect(r.code).toBe(2)
    expect(JSON.parse(r.stdout)).toMatchObject({
      error: { _tag: 'InvalidArgument', field: 'a' },
      exitCode: 2,
    })
  })
})

describe('vendor-side failures (emulator with faults)', () => {
  let emu: Emulator
  beforeAll(async () => {
    emu = await startEmulator()
  })
  afterAll(() => emu.close())
  afterEach(() => emu.faults.clear())

  it('exits 4 and names every attempt when all providers fail', async () => {
    emu.faults.inject({ vendor: 'volcengine', fault: { kind: 'error', code: 'NumberNotEnough' } })
    emu.faults.inject({
      vendor: 'aliyun',
      fault: { kind: 'error', code: 'isv.NO_AVAILABLE_NUMBER' },
    })
    const r = await pn(['bind', 'axb', '--a', '13800138000', '--b', '13900139000'], {
      env: envOf(emu),
    })
    expect(r.code).toBe(4)
    expect(r.stderr).toMatch(/volcengine NoAvailableNumber: failing over to aliyun/)
    expect(r.stderr).toMatch(
      /pn: all providers failed: volcengine NoAvailableNumber.*; aliyun NoAvailableNumber/,
    )
  })

  it('fails over and succeeds on the next provider (exit 0)', async () => {
    emu.faults.inject({ vendor: 'volcengine', fault: { kind: 'error', code: 'NumberNotEnough' } })
    const r = await pn(['--json', 'bind', 'axb', '--a', '13700137000', '--b', '13600136000'], {
      env: envOf(emu),
    })
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ vendor: 'aliyun' })
  })

  it('exits 5 when a bind may have been applied', async () => {
    emu.faults.inject({ vendor: 'volcengine', fault: { kind: 'http', status: 502 } })
    const r = await pn(['bind', 'axb', '--a', '13500135000', '--b', '13400134000'], {
      env: envOf(emu),
    })
    expect(r.code).toBe(5)
    expect(r.stderr).toContain('outcome unknown')
  })

  it('exits 3 for a vendor error', async () => {
    emu.faults.inject({ vendor: 'volcengine', fault: { kind: 'error', code: 'AccessDenied' } })
    const r = await pn(
      ['--vendor', 'volcengine', 'bind', 'axb', '--a', '13800138000', '--b', '13900139000'],
      { env: envOf(emu) },
    )
    expect(r.code).toBe(3)
    expect(oneLine(r.stderr)).toEqual([expect.stringMatching(/^pn: volcengine AuthFailed/)])
  })
})

describe('pn batch', () => {
  let emu: Emulator
  beforeAll(async () => {
    emu = await startEmulator()
  })
  afterAll(() => emu.close())

  const readCsv = (file: string) =>
    parse(readFileSync(file, 'utf8'), { columns: true }) as Array<Record<string, string>>

  it('writes a ref or an error per row, and a re-run skips the rows already bound', async () => {
    const input = path.join(dir, 'rows.csv')
    const results = path.join(dir, 'rows.results.csv')
    writeFileSync(
      input,
      [
        'kind,a,b,x,group_id,expires,out_id',
        'AXB,13800138000,13900139000,,,30m,order-1',
        'AXB,12345,13900139000,,,,order-2',
        'AXN,13700137000,,,,,',
      ].join('\n'),
    )
    const env = envOf(emu)
    const first = await pn(['batch', input], { env, cwd: dir })
    expect(first.code).toBe(6)
    expect(first.stdout).toContain('3 row(s): 2 bound now, 0 already bound (skipped), 1 failed')
    const rows1 = readCsv(results)
    expect(rows1.map((r) => r.ref !== '')).toEqual([true, false, true])
    expect(rows1[1]?.error).toMatch(/invalid --a/)
    expect(emu.state.liveCount()).toBe(2)

    const second = await pn(['--json', 'batch', input], { env, cwd: dir })
    expect(second.code).toBe(6)
    expect(JSON.parse(second.stdout)).toMatchObject({ skipped: 2, bound: 0, failed: 1 })
    expect(readCsv(results).map((r) => r.ref)).toEqual(rows1.map((r) => r.ref))
    expect(emu.state.liveCount()).toBe(2)

    // Fix the bad row: only it is bound on the third run.
    writeFileSync(input, readFileSync(input, 'utf8').replace('12345', '13300133000'))
    const third = await pn(['--json', 'batch', input], { env, cwd: dir })
    expect(third.code).toBe(0)
    expect(JSON.parse(third.stdout)).toMatchObject({ skipped: 2, bound: 1, failed: 0 })
    const rows3 = readCsv(results)
    expect(rows3.every((r) => r.ref !== '' && r.error === '')).toBe(true)
    expect(rows3[0]?.ref).toBe(rows1[0]?.ref)
    expect(emu.state.liveCount()).toBe(3)
  })

  it('refuses a file with an unknown column (exit 2)', async () => {
    const input = path.join(dir, 'typo.csv')
    writeFileSync(input, 'kind,a,phone_b\nAXB,13800138000,13900139000\n')
    const r = await pn(['batch', input], { env: envOf(emu), cwd: dir })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('unknown column "phone_b"')
  })
})

describe('pn demo', () => {
  it('tells the story and exits 0', async () => {
    const r = await pn(['demo'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('failover: volcengine → aliyun (NoAvailableNumber)')
    expect(r.stdout).toContain('live bindings left: 0')
    expect(r.stdout).toContain('Summary')
    expect(r.stdout).toContain('A 138****8000 ↔ X ↔ B 139****9000')
    expect(r.stdout).toMatch(/volcengine +call-ended +138\*{4}8000 → 139\*{4}9000 +42 s, normal/)
    expect(r.stdout).toMatch(/aliyun +call-ended +136\*{4}6000 → 137\*{4}7000 +30 s, normal/)
    expect(r.stdout).toContain('problems: 0')
  })
})
