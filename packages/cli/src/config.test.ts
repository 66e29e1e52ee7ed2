import * as E from 'fp-ts/Either'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { inspect } from 'node:util'
import { configuredVendors, describeSettings, readConfigFile, resolveSettings } from './config'

const VOLC_ENV = {
  PN_VOLCENGINE_ACCESS_KEY_ID: 'AKLTexample',
  PN_VOLCENGINE_SECRET_ACCESS_KEY: 'CANARY-volc-secret',
  PN_VOLCENGINE_NUMBER_POOL_NO: 'NP1',
}

const right = <A>(e: E.Either<{ message: string }, A>): A => {
  if (E.isLeft(e)) throw new Error(e.left.message)
  return e.right
}
const left = <A>(e: E.Either<{ message: string }, A>): string => {
  if (E.isRight(e)) throw new Error('expected a config error')
  return e.left.message
}

describe('resolveSettings', () => {
  it('configures nothing when nothing is set (pn then uses the embedded emulator)', () => {
    expect(configuredVendors(right(resolveSettings({}, undefined)))).toEqual([])
  })

  it('reads a vendor from its PN_* variables', () => {
    const s = right(resolveSettings(VOLC_ENV, undefined))
    expect(s.volcengine).toEqual({
      accessKeyId: 'AKLTexample',
      secretAccessKey: 'CANARY-volc-secret',
      numberPoolNo: 'NP1',
    })
    expect(configuredVendors(s)).toEqual(['volcengine'])
  })

  it('lets the environment override the config file field by field', () => {
    const file = {
      aliyun: { accessKeyId: 'LTAIfile', accessKeySecret: 'file-secret', poolKey: 'FC1' },
      order: ['aliyun', 'volcengine'],
    }
    const s = right(resolveSettings({ ...VOLC_ENV, PN_ALIYUN_POOL_KEY: 'FC2' }, file))
    expect(s.aliyun).toMatchObject({ accessKeyId: 'LTAIfile', poolKey: 'FC2' })
    expect(configuredVendors(s)).toEqual(['aliyun', 'volcengine'])
  })

  it('names the missing variable of a partly configured vendor', () => {
    expect(left(resolveSettings({ PN_VOLCENGINE_ACCESS_KEY_ID: 'AK' }, undefined))).toBe(
      'volcengine is only partly configured: missing PN_VOLCENGINE_SECRET_ACCESS_KEY ' +
        '(or "volcengine.secretAccessKey" in the config file), PN_VOLCENGINE_NUMBER_POOL_NO ' +
        '(or "volcengine.numberPoolNo" in the config file)',
    )
  })

  it.each([
    [{ volcengine: 'x' }, 'config: volcengine must be an object'],
    [{ volcengine: { accessKey: 'x' } }, 'config: volcengine.accessKey is not a setting'],
    [{ aliyun: { timeoutMs: '5s' } }, 'config: aliyun.timeoutMs must be a number'],
    [{ strategy: 'random' }, 'config: strategy must be one of priority, round-robin'],
    [{ failover: { unknownOutcome: 'retry' } }, 'config: failover.unknownOutcome must be one of'],
    [{ order: ['aliyun', 'aliyun'] }, 'config: order must list distinct vendors'],
    [{ vendors: [] }, 'config: unknown key "vendors"'],
  ])('refuses %j', (file, message) => {
    expect(left(resolveSettings({}, file))).toContain(message)
  })

  it('never shows a secret when settings are described', () => {
    const s = right(resolveSettings(VOLC_ENV, undefined))
    const shown = describeSettings(s)
    expect(JSON.stringify(shown)).not.toContain('CANARY')
    expect(inspect(shown, { depth: 5 })).not.toContain('CANARY')
    expect(shown).toMatchObject({ volcengine: { accessKeyId: 'AKLT********' } })
  })
})

describe('readConfigFile', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pn-config-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('reads a JSON object', () => {
    const file = path.join(dir, 'ok.json')
    writeFileSync(file, '{"strategy":"round-robin"}')
    expect(right(readConfigFile(file))).toEqual({ strategy: 'round-robin' })
  })

  it.each([
    ['missing.json', undefined, 'cannot read it (ENOENT)'],
    ['bad.json', '{"a":', 'not valid JSON'],
    ['array.json', '[]', 'must hold a JSON object'],
  ])('refuses %s', (name, text, message) => {
    const file = path.join(dir, name)
    if (text !== undefined) writeFileSync(file, text)
    expect(left(readConfigFile(file))).toContain(message)
  })
})
