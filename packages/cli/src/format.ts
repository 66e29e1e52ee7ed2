/**
 * Human and JSON renderings of what `pn` prints. Human output masks A, B and group members
 * (`138****8000`); `--json` output is for programs and carries the values the caller asked for.
 */
import {
  cityOfAreaCode,
  formatBeijing,
  maskPhone,
  type Binding,
  type PrivacyNumberError,
} from '@privacy-number/core'

export { maskPhone }

/** A binding as `--json` prints it (dates as ISO strings). */
export function bindingJson(b: Binding): Record<string, unknown> {
  return {
    ref: b.ref,
    vendor: b.vendor,
    kind: b.kind,
    subscriptionId: b.subscriptionId,
    x: b.x,
    a: b.a,
    ...(b.b === undefined ? {} : { b: b.b }),
    ...(b.groupId === undefined ? {} : { groupId: b.groupId }),
    expiresAt: b.expiresAt.toISOString(),
    ...(b.xCity === undefined ? {} : { xCity: b.xCity }),
    ...(b.outId === undefined ? {} : { outId: b.outId }),
  }
}

/** "17010000001 (北京 010)", or the bare X when its city is unknown. */
export function describeX(x: string, city?: string): string {
  if (city === undefined) return x
  const name = cityOfAreaCode(city)?.city
  return `${x} (${name === undefined ? city : `${name} ${city}`})`
}

/** An instant in Beijing time, with the UTC instant for the unambiguous record. */
export const describeInstant = (d: Date): string =>
  `${formatBeijing(d)} Beijing (${d.toISOString()})`

/** A binding as labelled lines, phone numbers masked. */
export function bindingLines(b: Binding): string[] {
  const rows: Array<[string, string | undefined]> = [
    ['ref', b.ref],
    ['X', describeX(b.x, b.xCity)],
    ['A', maskPhone(b.a)],
    ['B', b.b === undefined ? undefined : maskPhone(b.b)],
    ['group', b.groupId],
    ['expires', describeInstant(b.expiresAt)],
    ['out id', b.outId],
    ['subscription', b.subscriptionId],
  ]
  return [
    `${b.kind} binding on ${b.vendor}`,
    ...rows.filter(([, v]) => v !== undefined).map(([k, v]) => `  ${k.padEnd(13)}${v}`),
  ]
}

// The option a validation field comes from, so an error names what the user typed.
const OPTION_OF_FIELD: Readonly<Record<string, string>> = {
  a: '--a',
  b: '--b',
  x: '--x',
  expiresAt: '--ttl/--expires',
  'select.city': '--city',
  'select.byParty': '--by-party',
  'select.fallbackCities': '--fallback',
  outId: '--out-id',
  userData: '--user-data',
  group: '--group-id or --group-name/--group-numbers',
  'group.id': '--group-id',
  'group.name': '--group-name',
  'group.numbers': '--group-numbers',
  groupId: '--group-id',
  name: '--name',
  numbers: '--numbers',
  vendor: '--vendor',
  ref: '<ref>',
}

/** The CLI option a validation field path came from ('select.fallbackCities[1]' → '--fallback'). */
export function optionOfField(field: string): string | undefined {
  return OPTION_OF_FIELD[field] ?? OPTION_OF_FIELD[field.replace(/\[\d+\]$/, '')]
}

const vendorPart = (e: PrivacyNumberError): string =>
  [e.vendor, e._tag, e.vendorCode === undefined ? undefined : `[${e.vendorCode}]`]
    .filter((s) => s !== undefined)
    .join(' ')

/**
 * One clear line for an error: the field or option for bad input, every attempt for a failover
 * that ran out of providers, and a warning when a change may have been applied.
 */
export function errorLine(e: PrivacyNumberError, changes: boolean): string {
  let line: string
  if (e._tag === 'InvalidArgument') {
    const option = optionOfField(e.field)
    line = `invalid ${option ?? e.field}: ${e.message}`
  } else if (e._tag === 'AllProvidersFailed') {
    line = `all providers failed: ${e.attempts
      .map((a) => `${vendorPart(a.error)}: ${a.error.message}`)
      .join('; ')}`
  } else line = `${vendorPart(e)}: ${e.message}`
  if (changes && e.outcome === 'unknown') {
    const pending = (e as { pending?: { outId?: string } }).pending
    line += ` (outcome unknown: the change may have been applied${
      pending?.outId === undefined ? '' : `; out id ${pending.outId}`
    })`
  }
  return line
}

/** An error as `--json` prints it: the union value, dates as ISO strings. */
export function errorJson(e: PrivacyNumberError): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(e, (_k, v: unknown) => (v instanceof Date ? v.toISOString() : v)),
  ) as Record<string, unknown>
}

// East Asian wide characters take two terminal columns; padding by length would misalign them.
const WIDE =
  /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u

/** Terminal columns a string takes. */
export function displayWidth(s: string): number {
  let w = 0
  for (const ch of s) w += WIDE.test(ch) ? 2 : 1
  return w
}

/** A plain-text table: a header row, a rule, then the rows; columns padded to fit. */
export function table(header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>) {
  const widths = header.map((h, i) =>
    Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))),
  )
  const line = (cells: ReadonlyArray<string>) =>
    cells
      .map((c, i) => c + ' '.repeat(Math.max(0, (widths[i] ?? 0) - displayWidth(c))))
      .join('  ')
      .trimEnd()
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)]
}
