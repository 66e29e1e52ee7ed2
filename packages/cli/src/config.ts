/**
 * Where `pn` finds credentials: `PN_*` environment variables, then a JSON config file
 * (`--config <file>` or `PN_CONFIG`). Environment variables win field by field, so a config file
 * can hold the endpoints and pools while the secrets come from the environment.
 */
import { readFileSync } from 'node:fs'
import * as E from 'fp-ts/Either'

/** Volcengine settings: what `createVolcengineProvider` needs. */
export interface VolcengineSettings {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly numberPoolNo: string
  readonly endpoint?: string
  readonly region?: string
  readonly timeoutMs?: number
}

/** Aliyun settings: what `createAliyunProvider` needs. */
export interface AliyunSettings {
  readonly accessKeyId: string
  readonly accessKeySecret: string
  readonly poolKey: string
  readonly endpoint?: string
  readonly timeoutMs?: number
  readonly signatureVersion?: 'v1' | 'v3'
}

/** The vendors `pn` knows. */
export type VendorName = 'volcengine' | 'aliyun'

/** Every vendor, in the default priority order. */
export const VENDORS: ReadonlyArray<VendorName> = ['volcengine', 'aliyun']

/** What `pn` runs with once the environment and the config file are merged. */
export interface Settings {
  readonly volcengine?: VolcengineSettings
  readonly aliyun?: AliyunSettings
  /** Provider priority (default volcengine, aliyun); only configured vendors are used. */
  readonly order: ReadonlyArray<VendorName>
  readonly strategy: 'priority' | 'round-robin'
  readonly unknownOutcome: 'fail' | 'reconcile'
}

/** A problem with the configuration, naming the variable or config key at fault. */
export interface ConfigError {
  readonly _tag: 'ConfigError'
  readonly message: string
}

const configError = (message: string): ConfigError => ({ _tag: 'ConfigError', message })

type Raw = Readonly<Record<string, unknown>>

// Each field: its environment variable, whether it is required, and its type in the config file.
interface FieldSpec {
  readonly env?: string
  readonly required: boolean
  readonly type: 'string' | 'number'
  readonly secret?: boolean
}

/** The settings of each vendor, as data: env variable names, required fields, types. */
export const VENDOR_FIELDS: Readonly<Record<VendorName, Readonly<Record<string, FieldSpec>>>> = {
  volcengine: {
    accessKeyId: { env: 'PN_VOLCENGINE_ACCESS_KEY_ID', required: true, type: 'string' },
    secretAccessKey: {
      env: 'PN_VOLCENGINE_SECRET_ACCESS_KEY',
      required: true,
      type: 'string',
      secret: true,
    },
    numberPoolNo: { env: 'PN_VOLCENGINE_NUMBER_POOL_NO', required: true, type: 'string' },
    endpoint: { env: 'PN_VOLCENGINE_ENDPOINT', required: false, type: 'string' },
    region: { required: false, type: 'string' },
    timeoutMs: { required: false, type: 'number' },
  },
  aliyun: {
    accessKeyId: { env: 'PN_ALIYUN_ACCESS_KEY_ID', required: true, type: 'string' },
    accessKeySecret: {
      env: 'PN_ALIYUN_ACCESS_KEY_SECRET',
      required: true,
      type: 'string',
      secret: true,
    },
    poolKey: { env: 'PN_ALIYUN_POOL_KEY', required: true, type: 'string' },
    endpoint: { env: 'PN_ALIYUN_ENDPOINT', required: false, type: 'string' },
    timeoutMs: { required: false, type: 'number' },
    signatureVersion: { required: false, type: 'string' },
  },
}

const isRecord = (u: unknown): u is Raw => typeof u === 'object' && u !== null && !Array.isArray(u)

/** Reads and parses a config file (JSON). */
export function readConfigFile(path: string): E.Either<ConfigError, Raw> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    const code = (e as { code?: string }).code
    return E.left(configError(`config file ${path}: cannot read it (${code ?? 'error'})`))
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (e) {
    return E.left(
      configError(`config file ${path}: not valid JSON (${e instanceof Error ? e.message : e})`),
    )
  }
  return isRecord(parsed)
    ? E.right(parsed)
    : E.left(configError(`config file ${path}: must hold a JSON object`))
}

const KNOWN_TOP = new Set(['volcengine', 'aliyun', 'order', 'strategy', 'failover'])

/** One vendor's settings from the environment over the config file, or undefined if absent. */
function vendorSettings(
  vendor: VendorName,
  env: Readonly<Record<string, string | undefined>>,
  file: Raw | undefined,
): E.Either<ConfigError, Raw | undefined> {
  const fromFile = file?.[vendor]
  if (fromFile !== undefined && !isRecord(fromFile))
    return E.left(configError(`config: ${vendor} must be an object`))
  const specs = VENDOR_FIELDS[vendor]
  for (const key of Object.keys(fromFile ?? {}))
    if (specs[key] === undefined)
      return E.left(
        configError(
          `config: ${vendor}.${key} is not a setting (expected one of ${Object.keys(specs).join(', ')})`,
        ),
      )
  const out: Record<string, unknown> = {}
  for (const [key, spec] of Object.entries(specs)) {
    const fromEnv = spec.env === undefined ? undefined : env[spec.env]
    const value = fromEnv !== undefined && fromEnv !== '' ? fromEnv : fromFile?.[key]
    if (value === undefined) continue
    if (typeof value !== spec.type)
      return E.left(configError(`config: ${vendor}.${key} must be a ${spec.type}`))
    out[key] = value
  }
  const required = Object.entries(specs).filter(([, s]) => s.required)
  if (!required.some(([k]) => out[k] !== undefined) && out.endpoint === undefined)
    return E.right(undefined)
  const missing = required.filter(([k]) => out[k] === undefined)
  if (missing.length > 0)
    return E.left(
      configError(
        `${vendor} is only partly configured: missing ${missing
          .map(([k, s]) => `${s.env ?? ''} (or "${vendor}.${k}" in the config file)`)
          .join(', ')}`,
      ),
    )
  return E.right(out)
}

const oneOf = <A extends string>(
  value: unknown,
  allowed: ReadonlyArray<A>,
  key: string,
  fallback: A,
): E.Either<ConfigError, A> =>
  value === undefined
    ? E.right(fallback)
    : allowed.includes(value as A)
      ? E.right(value as A)
      : E.left(configError(`config: ${key} must be one of ${allowed.join(', ')}`))

/** Merges the `PN_*` environment with a parsed config file (if any) into `Settings`. */
export function resolveSettings(
  env: Readonly<Record<string, string | undefined>>,
  file: Raw | undefined,
): E.Either<ConfigError, Settings> {
  for (const key of Object.keys(file ?? {}))
    if (!KNOWN_TOP.has(key))
      return E.left(
        configError(`config: unknown key "${key}" (expected ${[...KNOWN_TOP].join(', ')})`),
      )
  const volc = vendorSettings('volcengine', env, file)
  if (E.isLeft(volc)) return volc
  const ali = vendorSettings('aliyun', env, file)
  if (E.isLeft(ali)) return ali
  const strategy = oneOf(file?.strategy, ['priority', 'round-robin'], 'strategy', 'priority')
  if (E.isLeft(strategy)) return strategy
  const failover = file?.failover
  if (failover !== undefined && !isRecord(failover))
    return E.left(configError('config: failover must be an object'))
  const unknownOutcome = oneOf(
    failover?.unknownOutcome,
    ['fail', 'reconcile'],
    'failover.unknownOutcome',
    'reconcile',
  )
  if (E.isLeft(unknownOutcome)) return unknownOutcome
  const order = file?.order ?? VENDORS
  if (
    !Array.isArray(order) ||
    !order.every((v) => VENDORS.includes(v as VendorName)) ||
    new Set(order).size !== order.length
  )
    return E.left(configError(`config: order must list distinct vendors of ${VENDORS.join(', ')}`))
  if (
    ali.right?.signatureVersion !== undefined &&
    !['v1', 'v3'].includes(`${ali.right.signatureVersion}`)
  )
    return E.left(configError("config: aliyun.signatureVersion must be 'v1' or 'v3'"))
  return E.right({
    ...(volc.right === undefined
      ? {}
      : { volcengine: volc.right as unknown as VolcengineSettings }),
    ...(ali.right === undefined ? {} : { aliyun: ali.right as unknown as AliyunSettings }),
    order: order as ReadonlyArray<VendorName>,
    strategy: strategy.right,
    unknownOutcome: unknownOutcome.right,
  })
}

/** The vendors `settings` configures, in priority order. */
export const configuredVendors = (settings: Settings): ReadonlyArray<VendorName> =>
  settings.order.filter((v) => settings[v] !== undefined)

/** Masks a key id for display: its first 4 characters, then a fixed run of asterisks. */
export const maskSecret = (value: string): string =>
  value.length <= 8 ? '********' : `${value.slice(0, 4)}********`

/** Settings as safe to print: secrets fully hidden, key ids masked. */
export function describeSettings(settings: Settings): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const vendor of configuredVendors(settings)) {
    const s = (settings[vendor] ?? {}) as Raw
    const shown: Record<string, unknown> = {}
    for (const [key, spec] of Object.entries(VENDOR_FIELDS[vendor])) {
      const v = s[key]
      if (v === undefined) continue
      shown[key] = spec.secret ? '********' : key === 'accessKeyId' ? maskSecret(String(v)) : v
    }
    out[vendor] = shown
  }
  return { ...out, order: configuredVendors(settings), strategy: settings.strategy }
}
