/**
 * `pn batch <file.csv>`: binds one row per line and writes a results CSV with a ref or an error
 * per row. Safe to re-run: rows whose key (`out_id`, else the row number) already has a ref in
 * the results file are skipped, and results are appended after every chunk, so an interrupted
 * run loses at most one chunk's record.
 */
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import * as E from 'fp-ts/Either'
import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import type { Binding, BindingKind, BindRequest, PrivacyNumberClient } from '@privacy-number/core'
import { parseDuration } from './duration'
import { errorLine } from './format'

/** The columns of an input file (`kind` and `a` are required; the others may be empty). */
export const INPUT_COLUMNS = ['kind', 'a', 'b', 'x', 'group_id', 'expires', 'out_id'] as const

/** The columns of a results file: the row number, the input columns, then the outcome. */
export const RESULT_COLUMNS = [
  'row',
  'kind',
  'a',
  'b',
  'x',
  'group_id',
  'expires',
  'out_id',
  'ref',
  'vendor',
  'error',
] as const

/** One input row; `row` counts data rows from 1 (the header is not a row). */
export type BatchRow = Readonly<Record<(typeof INPUT_COLUMNS)[number], string>> & {
  readonly row: number
}

/** One results row. `x` is the bound X when the row succeeded. */
export type ResultRow = Readonly<Record<(typeof RESULT_COLUMNS)[number], string>>

const KINDS: Readonly<Record<string, BindingKind>> = { AXB: 'AXB', AXN: 'AXN', AXG: 'AXG' }

/** The key a row is remembered by across runs: its out_id, else its row number. */
export const rowKey = (r: { readonly out_id: string; readonly row: number | string }): string =>
  r.out_id !== '' ? `out_id:${r.out_id}` : `row:${r.row}`

/** Parses an input CSV; a bad header, a row of the wrong width or a repeated out_id is refused. */
export function parseBatchCsv(text: string): E.Either<string, ReadonlyArray<BatchRow>> {
  let records: string[][]
  try {
    records = parse(text, { bom: true, trim: true, skip_empty_lines: true }) as string[][]
  } catch (e) {
    return E.left(`not valid CSV: ${e instanceof Error ? e.message : String(e)}`)
  }
  const [header, ...data] = records
  if (header === undefined) return E.left('the file is empty (expected a header row)')
  const columns = header.map((h) => h.toLowerCase())
  const unknown = columns.filter((c) => !(INPUT_COLUMNS as ReadonlyArray<string>).includes(c))
  if (unknown.length > 0)
    return E.left(
      `unknown column ${unknown.map((c) => `"${c}"`).join(', ')} (expected ${INPUT_COLUMNS.join(',')})`,
    )
  for (const required of ['kind', 'a'])
    if (!columns.includes(required)) return E.left(`the header has no "${required}" column`)
  const rows: BatchRow[] = []
  const seen = new Set<string>()
  for (const [i, record] of data.entries()) {
    const get = (c: string) => record[columns.indexOf(c)] ?? ''
    const row = Object.fromEntries(INPUT_COLUMNS.map((c) => [c, get(c)])) as Record<
      (typeof INPUT_COLUMNS)[number],
      string
    >
    const out: BatchRow = { ...row, row: i + 1 }
    if (out.out_id !== '') {
      if (seen.has(out.out_id))
        return E.left(`row ${i + 1}: out_id "${out.out_id}" appears twice (out_id must be unique)`)
      seen.add(out.out_id)
    }
    rows.push(out)
  }
  return E.right(rows)
}

/** Turns a row into a bind request, or says what is wrong with it (before anything is sent). */
export function rowToRequest(
  r: BatchRow,
  now: Date,
  defaultTtlMs: number,
  vendor?: string,
): E.Either<string, BindRequest> {
  const kind = KINDS[r.kind.toUpperCase()]
  if (kind === undefined) return E.left(`kind: must be AXB, AXN or AXG (got "${r.kind}")`)
  let expiresAt: Date
  if (r.expires === '') expiresAt = new Date(now.getTime() + defaultTtlMs)
  else {
    const ttl = parseDuration(r.expires)
    expiresAt = ttl !== undefined ? new Date(now.getTime() + ttl) : new Date(r.expires)
    if (Number.isNaN(expiresAt.getTime()))
      return E.left(`expires: must be an ISO 8601 date or a duration like 30m (got "${r.expires}")`)
  }
  if (kind === 'AXG' && r.group_id === '') return E.left('group_id: is required for AXG rows')
  if (kind !== 'AXG' && r.group_id !== '') return E.left('group_id: is allowed only on AXG rows')
  return E.right({
    kind,
    a: r.a,
    ...(r.b === '' ? {} : { b: r.b }),
    ...(r.x === '' ? {} : { x: r.x }),
    ...(r.group_id === '' ? {} : { group: { id: r.group_id } }),
    expiresAt,
    ...(r.out_id === '' ? {} : { outId: r.out_id }),
    ...(vendor === undefined ? {} : { vendor }),
  })
}

/** Reads a previous results file: the last record per key, a record with a ref winning. */
export function readResults(path: string): E.Either<string, ReadonlyMap<string, ResultRow>> {
  if (!existsSync(path)) return E.right(new Map())
  let records: Record<string, string>[]
  try {
    records = parse(readFileSync(path, 'utf8'), {
      bom: true,
      columns: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as Record<string, string>[]
  } catch (e) {
    return E.left(`results file ${path}: not valid CSV (${e instanceof Error ? e.message : e})`)
  }
  const map = new Map<string, ResultRow>()
  for (const rec of records) {
    const row = Object.fromEntries(RESULT_COLUMNS.map((c) => [c, rec[c] ?? ''])) as ResultRow
    const key = rowKey(row)
    const before = map.get(key)
    // A success is never forgotten because a later line of the same key failed.
    if (before !== undefined && before.ref !== '' && row.ref === '') continue
    map.set(key, row)
  }
  return E.right(map)
}

const csvLines = (rows: ReadonlyArray<ResultRow>, header: boolean): string =>
  stringify(
    rows.map((r) => RESULT_COLUMNS.map((c) => r[c])),
    header ? { header: true, columns: [...RESULT_COLUMNS] } : {},
  )

/** The results record of a row. */
export function resultOf(
  r: BatchRow,
  outcome: { binding: Binding } | { error: string },
): ResultRow {
  const base = { ...r, row: String(r.row) }
  return 'binding' in outcome
    ? {
        ...base,
        x: outcome.binding.x,
        ref: outcome.binding.ref,
        vendor: outcome.binding.vendor,
        error: '',
      }
    : { ...base, ref: '', vendor: '', error: outcome.error }
}

/** Progress of a batch run, for the progress bar. */
export interface BatchProgress {
  readonly done: number
  readonly total: number
  readonly bound: number
  readonly failed: number
}

/** Options of `runBatch`. */
export interface BatchOptions {
  readonly client: PrivacyNumberClient
  readonly rows: ReadonlyArray<BatchRow>
  readonly resultsPath: string
  readonly defaultTtlMs: number
  readonly now: () => Date
  readonly vendor?: string
  /** Rows per client.bindBatch call (and per results flush); default 20. */
  readonly chunkSize?: number
  readonly onStart?: (total: number) => void
  readonly onProgress?: (p: BatchProgress) => void
}

/** What a batch run did. */
export interface BatchSummary {
  readonly rows: number
  readonly skipped: number
  readonly bound: number
  readonly failed: number
  readonly results: string
}

/** Runs a batch: skips rows already done, binds the rest chunk by chunk, writes the results. */
export async function runBatch(o: BatchOptions): Promise<E.Either<string, BatchSummary>> {
  const previous = readResults(o.resultsPath)
  if (E.isLeft(previous)) return previous
  const done = previous.right
  const todo = o.rows.filter((r) => (done.get(rowKey(r))?.ref ?? '') === '')
  const skipped = o.rows.length - todo.length
  const fresh = new Map<string, ResultRow>()
  // Appending keeps every finished chunk on disk even if the run is interrupted.
  if (!existsSync(o.resultsPath)) writeFileSync(o.resultsPath, csvLines([], true))
  const size = Math.max(1, o.chunkSize ?? 20)
  let bound = 0
  let failed = 0
  o.onStart?.(todo.length)
  for (let i = 0; i < todo.length; i += size) {
    const chunk = todo.slice(i, i + size)
    const now = o.now()
    const prepared = chunk.map((r) => ({ r, req: rowToRequest(r, now, o.defaultTtlMs, o.vendor) }))
    const sendable = prepared.flatMap((p) =>
      E.isRight(p.req) ? [{ r: p.r, req: p.req.right }] : [],
    )
    const answer =
      sendable.length === 0 ? E.right([]) : await o.client.bindBatch(sendable.map((s) => s.req))()
    const records: ResultRow[] = []
    for (const p of prepared) {
      let record: ResultRow
      if (E.isLeft(p.req)) record = resultOf(p.r, { error: `invalid ${p.req.left}` })
      else if (E.isLeft(answer)) record = resultOf(p.r, { error: errorLine(answer.left, true) })
      else {
        const item = answer.right[sendable.findIndex((s) => s.r === p.r)]
        record =
          item === undefined
            ? resultOf(p.r, { error: 'no result for this row' })
            : E.isRight(item)
              ? resultOf(p.r, { binding: item.right })
              : resultOf(p.r, { error: errorLine(item.left, true) })
      }
      if (record.ref === '') failed++
      else bound++
      records.push(record)
      fresh.set(rowKey(record), record)
    }
    appendFileSync(o.resultsPath, csvLines(records, false))
    o.onProgress?.({ done: i + chunk.length, total: todo.length, bound, failed })
  }
  // Consolidate: one record per row, in input order, previous successes kept.
  const final = o.rows.map((r) => {
    const key = rowKey(r)
    return fresh.get(key) ?? done.get(key) ?? resultOf(r, { error: 'not processed' })
  })
  const tmp = `${o.resultsPath}.tmp`
  writeFileSync(tmp, csvLines(final, true))
  renameSync(tmp, o.resultsPath)
  return E.right({ rows: o.rows.length, skipped, bound, failed, results: o.resultsPath })
}
