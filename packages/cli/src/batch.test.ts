import * as E from 'fp-ts/Either'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createMemoryProvider, createPrivacyNumberClient } from '@privacy-number/core'
import { parseBatchCsv, readResults, rowKey, rowToRequest, runBatch, type BatchRow } from './batch'

const NOW = new Date('2026-11-23T04:00:00Z')
const HOUR = 3_600_000

const rowsOf = (text: string): ReadonlyArray<BatchRow> => {
  const r = parseBatchCsv(text)
  if (E.isLeft(r)) throw new Error(r.left)
  return r.right
}
const row = (over: Partial<BatchRow>): BatchRow => ({
  row: 1,
  kind: 'AXB',
  a: '13800138000',
  b: '',
  x: '',
  group_id: '',
  expires: '',
  out_id: '',
  ...over,
})

describe('parseBatchCsv', () => {
  it('reads rows by header name, in any column order, numbering data rows from 1', () => {
    const rows = rowsOf('a,kind,out_id\n13800138000,AXN,o-1\n\n13900139000,axb,\n')
    expect(rows).toEqual([
      row({ row: 1, kind: 'AXN', out_id: 'o-1' }),
      row({ row: 2, kind: 'axb', a: '13900139000' }),
    ])
  })

  it.each([
    ['', 'the file is empty'],
    ['kind,a,phone\n', 'unknown column "phone"'],
    ['kind,b\nAXB,1\n', 'the header has no "a" column'],
    ['kind,a,out_id\nAXB,1,o\nAXB,2,o\n', 'row 2: out_id "o" appears twice'],
    ['kind,a\nAXB,1,extra\n', 'not valid CSV'],
  ])('refuses %j', (text, message) => {
    const r = parseBatchCsv(text)
    expect(E.isLeft(r) && r.left).toContain(message)
  })
})

describe('rowToRequest', () => {
  it('applies the default ttl to an empty expires, and reads durations and ISO dates', () => {
    const at = (expires: string) => {
      const r = rowToRequest(row({ expires }), NOW, HOUR)
      return E.isRight(r) ? r.right.expiresAt.toISOString() : r.left
    }
    expect(at('')).toBe('2026-11-23T05:00:00.000Z')
    expect(at('30m')).toBe('2026-11-23T04:30:00.000Z')
    expect(at('2030-01-01T00:00:00+08:00')).toBe('2029-12-31T16:00:00.000Z')
    expect(at('tomorrow')).toContain('expires: must be an ISO 8601 date')
  })

  it('turns an AXG row into a bind on an existing group, pinned to --vendor', () => {
    const r = rowToRequest(row({ kind: 'AXG', group_id: 'G1', out_id: 'o' }), NOW, HOUR, 'aliyun')
    expect(r).toEqual(
      E.right(
        expect.objectContaining({ kind: 'AXG', group: { id: 'G1' }, outId: 'o', vendor: 'aliyun' }),
      ),
    )
  })

  it.each([
    [row({ kind: 'AXZ' }), 'kind: must be AXB, AXN or AXG'],
    [row({ kind: 'AXG' }), 'group_id: is required for AXG rows'],
    [row({ group_id: 'G1' }), 'group_id: is allowed only on AXG rows'],
  ])('refuses %j before sending anything', (r, message) => {
    const out = rowToRequest(r, NOW, HOUR)
    expect(E.isLeft(out) && out.left).toContain(message)
  })
})

describe('runBatch', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pn-batch-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const setup = (name: string) => {
    const provider = createMemoryProvider({ vendor: 'volcengine', now: () => NOW })
    const client = createPrivacyNumberClient({ providers: [provider], now: () => NOW })
    return { provider, client, resultsPath: path.join(dir, `${name}.results.csv`) }
  }
  const input = rowsOf(
    [
      'kind,a,b,out_id',
      'AXB,13800138000,13900139000,o-1',
      'AXB,bad,13900139000,o-2',
      'AXN,13700137000,,',
    ].join('\n'),
  )

  it('records a ref or an error per row and reports progress per chunk', async () => {
    const { provider, client, resultsPath } = setup('first')
    const progress: number[] = []
    const r = await runBatch({
      client,
      rows: input,
      resultsPath,
      defaultTtlMs: HOUR,
      now: () => NOW,
      chunkSize: 2,
      onProgress: (p) => progress.push(p.done),
    })
    expect(r).toEqual(
      E.right(expect.objectContaining({ rows: 3, bound: 2, failed: 1, skipped: 0 })),
    )
    expect(progress).toEqual([2, 3])
    const results = readResults(resultsPath)
    const map = E.isRight(results) ? results.right : new Map()
    expect(map.get('out_id:o-1')?.ref).toMatch(/^pn1\./)
    expect(map.get('out_id:o-2')?.error).toContain('invalid --a')
    expect(map.get('row:3')?.x).toMatch(/^\d+$/)
    expect(provider.live()).toHaveLength(2)
  })

  it('skips rows already bound on a re-run and binds only what is left', async () => {
    const { provider, client, resultsPath } = setup('rerun')
    const run = (rows: ReadonlyArray<BatchRow>) =>
      runBatch({ client, rows, resultsPath, defaultTtlMs: HOUR, now: () => NOW })
    await run(input)
    const before = readFileSync(resultsPath, 'utf8')
    const again = await run(input)
    expect(again).toEqual(E.right(expect.objectContaining({ skipped: 2, bound: 0, failed: 1 })))
    expect(provider.live()).toHaveLength(2)
    const fixed = input.map((r) => (r.a === 'bad' ? { ...r, a: '13300133000' } : r))
    const last = await run(fixed)
    expect(last).toEqual(E.right(expect.objectContaining({ skipped: 2, bound: 1, failed: 0 })))
    expect(provider.live()).toHaveLength(3)
    // The first run's refs are kept as they were.
    const firstRef = before.split('\n')[1]?.split(',')[8]
    expect(readFileSync(resultsPath, 'utf8')).toContain(firstRef)
  })

  it('keeps a success when a later line of the same row failed (an interrupted append)', () => {
    const file = path.join(dir, 'appended.csv')
    writeFileSync(
      file,
      [
        'row,kind,a,b,x,group_id,expires,out_id,ref,vendor,error',
        '1,AXB,1,2,3,,,o-1,pn1.abc,volcengine,',
        '1,AXB,1,2,,,,o-1,,,Timeout',
      ].join('\n'),
    )
    const r = readResults(file)
    expect(E.isRight(r) && r.right.get(rowKey({ out_id: 'o-1', row: 1 }))?.ref).toBe('pn1.abc')
  })
})
