/**
 * The `pn` command tree (commander). Each action does its work through a `Session` and returns;
 * failures are thrown as `CliFailure` and turned into one line and an exit code by `runCli`.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { Command, CommanderError, Option } from 'commander'
import * as E from 'fp-ts/Either'
import type { TaskEither } from 'fp-ts/TaskEither'
import type {
  BindingKind,
  BindingUpdate,
  BindRequest,
  ClientEvent,
  PrivacyNumberError,
  SelectOptions,
} from '@privacy-number/core'
import {
  configuredVendors,
  readConfigFile,
  resolveSettings,
  VENDORS,
  type Settings,
} from './config'
import { parseDuration } from './duration'
import { EXIT_CODES, exitCodeOf, type ExitCode } from './exit-codes'
import type { Session } from './session'
import type * as FormatModule from './format'
import type * as SessionModule from './session'
import type * as BatchModule from './batch'
import type * as DemoModule from './demo'
import type * as EmulatorModule from '@privacy-number/emulator'
import type * as ProgressModule from 'cli-progress'

// The library, the adapters and the emulator take most of pn's start-up time: they are loaded
// when a command needs them, so `--help` and bad input answer at once. (`require`, not
// `import()`: this package is CommonJS, and a dynamic import would load it as ES modules.)
/* eslint-disable @typescript-eslint/no-require-imports */
const load = {
  format: async () => require('./format') as typeof FormatModule,
  session: async () => require('./session') as typeof SessionModule,
  batch: async () => require('./batch') as typeof BatchModule,
  demo: async () => require('./demo') as typeof DemoModule,
  emulator: async () => require('@privacy-number/emulator') as typeof EmulatorModule,
  progress: async () => require('cli-progress') as typeof ProgressModule,
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** Where `pn` reads and writes; injectable so tests and embedders can capture output. */
export interface CliIO {
  readonly stdout: NodeJS.WritableStream
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean }
  readonly env: Readonly<Record<string, string | undefined>>
  readonly cwd: string
  readonly now: () => Date
  /** Resolves when the user asks a long-running command (`pn emulator`) to stop. */
  readonly untilStopped: () => Promise<void>
}

/** A failure with its exit code and, for `--json`, its machine-readable form. */
export class CliFailure extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    readonly json?: Record<string, unknown>,
  ) {
    super(message)
    this.name = 'CliFailure'
  }
}

/** The global options every command accepts. */
interface GlobalOptions {
  readonly vendor?: string
  readonly config?: string
  readonly json?: boolean
  readonly debug?: boolean
}

const DEFAULT_TTL = '1h'

const invalid = (message: string) => new CliFailure(EXIT_CODES.invalidInput, message)

async function failure(e: PrivacyNumberError, changes: boolean): Promise<CliFailure> {
  const { errorLine, errorJson } = await load.format()
  return new CliFailure(exitCodeOf(e, changes), errorLine(e, changes), { error: errorJson(e) })
}

/** Runs a library operation; its error becomes a `CliFailure` with the right exit code. */
async function unwrap<A>(task: TaskEither<PrivacyNumberError, A>, changes: boolean): Promise<A> {
  const r = await task()
  if (E.isLeft(r)) throw await failure(r.left, changes)
  return r.right
}

const list = (s: string | undefined): string[] | undefined =>
  s === undefined
    ? undefined
    : s
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== '')

/** `--ttl` / `--expires` → an instant (the default ttl when neither is given). */
export function expiryFrom(
  o: { readonly ttl?: string; readonly expires?: string },
  now: Date,
  /** Used when neither option is given; undefined means "no expiry change". */
  fallbackTtl: string | undefined,
): Date | undefined {
  if (o.ttl !== undefined && o.expires !== undefined)
    throw invalid('invalid --ttl/--expires: give one of them, not both')
  if (o.expires !== undefined) {
    const d = new Date(o.expires)
    if (Number.isNaN(d.getTime()))
      throw invalid(
        `invalid --expires: "${o.expires}" is not an ISO 8601 date (e.g. 2030-01-01T12:00:00+08:00)`,
      )
    return d
  }
  const ttl = o.ttl ?? fallbackTtl
  if (ttl === undefined) return undefined
  const ms = parseDuration(ttl)
  if (ms === undefined)
    throw invalid(`invalid --ttl: "${ttl}" is not a duration (e.g. 90s, 30m, 2h, 1d, 1h30m)`)
  return new Date(now.getTime() + ms)
}

/** Everything an action needs: the parsed globals, output helpers, a session on demand. */
interface Context {
  readonly io: CliIO
  readonly globals: GlobalOptions
  /** Prints a result: JSON on stdout with --json, readable lines otherwise. */
  print(human: ReadonlyArray<string>, json: unknown): void
  /** A note for humans on stderr (never on stdout, so --json output stays clean). */
  note(line: string): void
  settings(): Settings
  withSession<A>(run: (s: Session) => Promise<A>): Promise<A>
}

function makeContext(io: CliIO, cmd: Command): Context {
  const globals = cmd.optsWithGlobals<GlobalOptions>()
  const note = (line: string) => void io.stderr.write(`pn: ${line}\n`)
  const settings = (): Settings => {
    const file = globals.config ?? io.env.PN_CONFIG
    let raw: Readonly<Record<string, unknown>> | undefined
    if (file !== undefined && file !== '') {
      const r = readConfigFile(path.resolve(io.cwd, file))
      if (E.isLeft(r)) throw invalid(r.left.message)
      raw = r.right
    }
    const s = resolveSettings(io.env, raw)
    if (E.isLeft(s)) throw invalid(s.left.message)
    return s.right
  }
  const onEvent = (e: ClientEvent) => {
    if (e.type === 'failover')
      note(`${e.from} ${e.errorTag}: failing over${e.to === undefined ? '' : ` to ${e.to}`}`)
    else if (e.type === 'retry' && globals.debug === true)
      note(`${e.vendor} ${e.errorTag}: retrying ${e.operation} in ${e.delayMs} ms`)
  }
  return {
    io,
    globals,
    print: (human, json) => {
      if (globals.json === true) io.stdout.write(`${JSON.stringify(json)}\n`)
      else if (human.length > 0) io.stdout.write(`${human.join('\n')}\n`)
    },
    note,
    settings,
    withSession: async (run) => {
      const s = settings()
      // With nothing configured the embedded emulator serves both vendors, so any --vendor works.
      const configured = configuredVendors(s)
      if (
        globals.vendor !== undefined &&
        configured.length > 0 &&
        !configured.some((v) => v === globals.vendor)
      ) {
        throw invalid(
          `invalid --vendor: ${globals.vendor} is not configured (set its PN_${globals.vendor.toUpperCase()}_* variables or add it to the config file)`,
        )
      }
      const { openSession } = await load.session()
      const session = await openSession({
        settings: s,
        onEvent,
        onEmbeddedEmulator: () =>
          note(
            'no credentials configured: using the embedded emulator (Volcengine and Aliyun on ' +
              '127.0.0.1); its bindings vanish when this command exits. Set PN_VOLCENGINE_* / ' +
              'PN_ALIYUN_* or --config for real vendors, or run `pn emulator` to keep one running.',
          ),
      })
      try {
        return await run(session)
      } finally {
        await session.close()
      }
    },
  }
}

// ---------------------------------------------------------------------------------------------
// bind
// ---------------------------------------------------------------------------------------------

interface BindOptions {
  readonly a: string
  readonly b?: string
  readonly x?: string
  readonly city?: string
  readonly byParty?: 'A' | 'B'
  readonly fallback?: string
  readonly strict?: boolean
  readonly ttl?: string
  readonly expires?: string
  readonly record?: boolean
  readonly outId?: string
  readonly userData?: string
  readonly groupId?: string
  readonly groupName?: string
  readonly groupNumbers?: string
}

/** Builds the bind request of `pn bind <kind>` from its options. */
export function bindRequestFrom(
  kind: BindingKind,
  o: BindOptions,
  now: Date,
  vendor?: string,
): BindRequest {
  const fallbackCities = list(o.fallback)
  const select: SelectOptions | undefined =
    o.city === undefined &&
    o.byParty === undefined &&
    fallbackCities === undefined &&
    o.strict !== true
      ? undefined
      : {
          ...(o.city === undefined ? {} : { city: o.city }),
          ...(o.byParty === undefined ? {} : { byParty: o.byParty }),
          ...(fallbackCities === undefined ? {} : { fallbackCities }),
          ...(o.strict === true ? { strict: true } : {}),
        }
  let group: BindRequest['group']
  if (kind === 'AXG') {
    if (o.groupId !== undefined && (o.groupName !== undefined || o.groupNumbers !== undefined))
      throw invalid('invalid --group-id: give --group-id or --group-name/--group-numbers, not both')
    if (o.groupId !== undefined) group = { id: o.groupId }
    else if (o.groupName !== undefined || o.groupNumbers !== undefined) {
      if (o.groupName === undefined)
        throw invalid('invalid --group-name: required with --group-numbers')
      if (o.groupNumbers === undefined)
        throw invalid('invalid --group-numbers: required with --group-name')
      group = { name: o.groupName, numbers: list(o.groupNumbers) ?? [] }
    } else
      throw invalid('invalid --group-id: AXG needs --group-id or --group-name and --group-numbers')
  }
  const expiresAt = expiryFrom(o, now, DEFAULT_TTL) as Date
  return {
    kind,
    a: o.a,
    ...(o.b === undefined ? {} : { b: o.b }),
    ...(o.x === undefined ? {} : { x: o.x }),
    ...(select === undefined ? {} : { select }),
    expiresAt,
    record: o.record === true,
    ...(o.outId === undefined ? {} : { outId: o.outId }),
    ...(o.userData === undefined ? {} : { userData: o.userData }),
    ...(group === undefined ? {} : { group }),
    ...(vendor === undefined ? {} : { vendor }),
  }
}

function addBindCommand(bind: Command, io: CliIO, kind: BindingKind, summary: string) {
  const cmd = bind
    .command(kind.toLowerCase())
    .description(summary)
    .requiredOption('--a <phone>', "party A's real number (mobile or fixed line)")
  cmd.option(
    '--b <phone>',
    kind === 'AXB' ? "party B's real number" : "party B's number (optional on AXN)",
  )
  if (kind === 'AXG') {
    cmd
      .option('--group-id <id>', 'an existing G group (see `pn group create`)')
      .option('--group-name <name>', 'create a new group with the binding: its name')
      .option('--group-numbers <list>', 'create a new group: its numbers, comma-separated')
  }
  cmd
    .option('--x <number>', 'bind this X number (no failover: an X lives at one vendor)')
    .option('--city <code>', "pick X in this city: area code with its leading 0 ('010')")
    .addOption(
      new Option('--by-party <party>', "pick X in the city of A's or B's number").choices([
        'A',
        'B',
      ]),
    )
    .option('--fallback <codes>', 'fallback cities, comma-separated (≤ 5; PROVINCE_CAPITAL ok)')
    .option('--strict', 'fail rather than fall back to a number in any city')
    .option('--ttl <duration>', `lifetime: 90s, 30m, 2h, 1d (default ${DEFAULT_TTL})`)
    .option('--expires <iso>', 'absolute expiry, ISO 8601 (instead of --ttl)')
    .option('--record', 'record calls (default: off)')
    .option('--out-id <id>', 'your business id, echoed in call events')
    .option('--user-data <text>', 'free text kept with the binding (Volcengine)')
    .action(async (o: BindOptions, c: Command) => {
      const ctx = makeContext(io, c)
      const req = bindRequestFrom(kind, o, io.now(), ctx.globals.vendor)
      const binding = await ctx.withSession((s) => unwrap(s.client.bind(req), true))
      const { bindingLines, bindingJson } = await load.format()
      ctx.print(bindingLines(binding), bindingJson(binding))
    })
}

// ---------------------------------------------------------------------------------------------
// the program
// ---------------------------------------------------------------------------------------------

interface UpdateOptions {
  readonly ttl?: string
  readonly expires?: string
  readonly a?: string
  readonly b?: string
  readonly groupId?: string
  readonly outId?: string
  readonly record?: boolean
}

// package.json sits outside the compiled sources (dist/ and src/ are both one level down).
function packageVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require(path.join(__dirname, '..', 'package.json')) as { version?: unknown }
    return typeof pkg.version === 'string' ? pkg.version : 'unknown'
  } catch {
    return 'unknown'
  }
}

/** Builds the `pn` program; `io` receives all output. */
export function createProgram(io: CliIO): Command {
  const program = new Command('pn')
  program
    .description(
      'Bind, query, update and release Chinese privacy numbers (AXB/AXN/AXG) at Volcengine and ' +
        'Aliyun through one vendor-neutral API. With no credentials it uses an embedded emulator.',
    )
    .addOption(
      new Option('--vendor <name>', 'use (or pin the binding to) this vendor').choices([
        ...VENDORS,
      ]),
    )
    .option('--config <file>', 'JSON config file with credentials (or set PN_CONFIG)')
    .option('--json', 'machine-readable output on stdout')
    .option('--debug', 'print stack traces and retries')
    .version(packageVersion(), '-V, --version', 'print the version of pn')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
      outputError: (s, write) => write(`pn: ${s.replace(/^error: /, '')}`),
    })
    .showSuggestionAfterError()
    .configureHelp({ showGlobalOptions: true })
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 internal error, 2 invalid input, 3 vendor error, ' +
        '4 all providers failed, 5 outcome unknown, 6 batch rows failed.\nDocs: docs/cli.md',
    )

  // bind
  const bind = program
    .command('bind')
    .description('create a binding: pn bind axb|axn|axg --a … [options]')
  addBindCommand(bind, io, 'AXB', 'bind A and B through an X number (A↔X↔B)')
  addBindCommand(bind, io, 'AXN', 'bind A to an X anyone can call (N→X→A)')
  addBindCommand(bind, io, 'AXG', 'bind A to an X the members of a group can call (G→X→A)')

  program
    .command('unbind')
    .description('release a binding (a binding that is already gone counts as released)')
    .argument('<ref>', 'the ref printed by pn bind')
    .action(async (ref: string, _o: unknown, c: Command) => {
      const ctx = makeContext(io, c)
      await ctx.withSession((s) => unwrap(s.client.unbind(ref), true))
      ctx.print([`unbound ${ref}`], { ref, unbound: true })
    })

  program
    .command('query')
    .description('show a binding as the vendor holds it')
    .argument('<ref>', 'the ref printed by pn bind')
    .action(async (ref: string, _o: unknown, c: Command) => {
      const ctx = makeContext(io, c)
      const binding = await ctx.withSession((s) => unwrap(s.client.query(ref), false))
      const { bindingLines, bindingJson } = await load.format()
      ctx.print(bindingLines(binding), bindingJson(binding))
    })

  program
    .command('update')
    .description('change a binding (one vendor call per field, in a fixed order)')
    .argument('<ref>', 'the ref printed by pn bind')
    .option('--ttl <duration>', 'new lifetime from now: 30m, 2h, 1d')
    .option('--expires <iso>', 'new absolute expiry, ISO 8601')
    .option('--a <phone>', 'new A number')
    .option('--b <phone>', 'new B number')
    .option('--group-id <id>', 'new G group (AXG)')
    .option('--out-id <id>', 'new business id')
    .option('--record', 'turn call recording on')
    .option('--no-record', 'turn call recording off')
    .action(async (ref: string, o: UpdateOptions, c: Command) => {
      const ctx = makeContext(io, c)
      const expiresAt = expiryFrom(o, io.now(), undefined)
      const change: BindingUpdate = {
        ...(expiresAt === undefined ? {} : { expiresAt }),
        ...(o.a === undefined ? {} : { a: o.a }),
        ...(o.b === undefined ? {} : { b: o.b }),
        ...(o.groupId === undefined ? {} : { groupId: o.groupId }),
        ...(o.outId === undefined ? {} : { outId: o.outId }),
        ...(o.record === undefined ? {} : { record: o.record }),
      }
      if (Object.keys(change).length === 0)
        throw invalid(
          'invalid update: give at least one of --ttl, --expires, --a, --b, --group-id, --out-id, --record/--no-record',
        )
      await ctx.withSession(async (s) => {
        const r = await s.client.update(ref, change)()
        if (E.isLeft(r)) {
          const f = await failure(r.left, true)
          const applied = r.left.applied ?? []
          throw applied.length === 0
            ? f
            : new CliFailure(
                f.exitCode,
                `${f.message} (already applied: ${applied.join(', ')})`,
                f.json,
              )
        }
      })
      const fields = Object.keys(change)
      ctx.print([`updated ${fields.join(', ')} of ${ref}`], { ref, updated: fields })
    })

  // group
  const group = program
    .command('group')
    .description('manage G groups for AXG bindings (use --vendor to choose where they live)')
  group
    .command('create')
    .description('create a group of numbers')
    .requiredOption('--name <name>', 'group name')
    .requiredOption('--numbers <list>', 'member numbers, comma-separated (≤ 200)')
    .option('--ttl <duration>', 'lifetime of the group (default: none)')
    .option('--expires <iso>', 'absolute expiry of the group')
    .action(
      async (o: { name: string; numbers: string; ttl?: string; expires?: string }, c: Command) => {
        const ctx = makeContext(io, c)
        const expiresAt = expiryFrom(o, io.now(), undefined)
        const numbers = list(o.numbers) ?? []
        const g = await ctx.withSession((s) =>
          unwrap(
            s.client.createGroup(
              { name: o.name, numbers, ...(expiresAt === undefined ? {} : { expiresAt }) },
              ctx.globals.vendor === undefined ? undefined : { vendor: ctx.globals.vendor },
            ),
            true,
          ),
        )
        const { maskPhone } = await load.format()
        ctx.print(
          [
            `group ${g.groupId} created on ${g.vendor} with ${numbers.length} number(s): ${numbers.map(maskPhone).join(', ')}`,
            `  use it: pn --vendor ${g.vendor} bind axg --a <phone> --group-id ${g.groupId}`,
          ],
          { groupId: g.groupId, vendor: g.vendor, numbers: numbers.length },
        )
      },
    )
  const groupChange = (name: 'add' | 'remove', description: string) =>
    group
      .command(name)
      .description(description)
      .argument('<groupId>', 'the group id printed by pn group create')
      .argument('<numbers...>', 'numbers (space- or comma-separated)')
      .action(async (groupId: string, numbers: string[], _o: unknown, c: Command) => {
        const ctx = makeContext(io, c)
        const all = numbers.flatMap((n) => list(n) ?? [])
        await ctx.withSession((s) =>
          unwrap(
            s.client.updateGroup(
              groupId,
              { [name]: all },
              ctx.globals.vendor === undefined ? undefined : { vendor: ctx.globals.vendor },
            ),
            true,
          ),
        )
        const { maskPhone } = await load.format()
        ctx.print(
          [
            `${name === 'add' ? 'added' : 'removed'} ${all.map(maskPhone).join(', ')} ${name === 'add' ? 'to' : 'from'} group ${groupId}`,
          ],
          { groupId, [name === 'add' ? 'added' : 'removed']: all.length },
        )
      })
  groupChange('add', 'add numbers to a group')
  groupChange('remove', 'remove numbers from a group')
  group
    .command('delete')
    .description('delete a group')
    .argument('<groupId>', 'the group id printed by pn group create')
    .action(async (groupId: string, _o: unknown, c: Command) => {
      const ctx = makeContext(io, c)
      await ctx.withSession((s) =>
        unwrap(
          s.client.deleteGroup(
            groupId,
            ctx.globals.vendor === undefined ? undefined : { vendor: ctx.globals.vendor },
          ),
          true,
        ),
      )
      ctx.print([`deleted group ${groupId}`], { groupId, deleted: true })
    })

  // batch
  program
    .command('batch')
    .description(
      'bind every row of a CSV (kind,a,b,x,group_id,expires,out_id) and write a results CSV; ' +
        'safe to re-run: rows already bound are skipped',
    )
    .argument('<file.csv>', 'input file (header row required; see docs/cli.md)')
    .option('--out <file>', 'results file (default: <file>.results.csv)')
    .option('--ttl <duration>', `lifetime of rows with an empty expires (default ${DEFAULT_TTL})`)
    .option('--chunk <n>', 'rows per batch call and per results flush (default 20)')
    .action(async (file: string, o: { out?: string; ttl?: string; chunk?: string }, c: Command) => {
      const ctx = makeContext(io, c)
      const input = path.resolve(io.cwd, file)
      let text: string
      try {
        text = readFileSync(input, 'utf8')
      } catch (e) {
        throw invalid(`${file}: cannot read it (${(e as { code?: string }).code ?? 'error'})`)
      }
      const { parseBatchCsv, runBatch } = await load.batch()
      const rows = parseBatchCsv(text)
      if (E.isLeft(rows)) throw invalid(`${file}: ${rows.left}`)
      const ttlMs = parseDuration(o.ttl ?? DEFAULT_TTL)
      if (ttlMs === undefined) throw invalid(`invalid --ttl: "${o.ttl}" is not a duration`)
      const chunk = o.chunk === undefined ? 20 : Number(o.chunk)
      if (!Number.isInteger(chunk) || chunk < 1)
        throw invalid(`invalid --chunk: "${o.chunk}" is not a positive whole number`)
      const resultsPath = path.resolve(
        io.cwd,
        o.out ?? `${file.replace(/\.csv$/i, '')}.results.csv`,
      )
      if (resultsPath === input)
        throw invalid('invalid --out: the results file must not be the input file')
      const { SingleBar } = await load.progress()
      const bar = new SingleBar({
        stream: io.stderr,
        format: 'batch [{bar}] {value}/{total} rows | {bound} bound, {failed} failed',
        hideCursor: true,
      })
      const summary = await ctx.withSession((s) =>
        runBatch({
          client: s.client,
          rows: rows.right,
          resultsPath,
          defaultTtlMs: ttlMs,
          now: io.now,
          chunkSize: chunk,
          ...(ctx.globals.vendor === undefined ? {} : { vendor: ctx.globals.vendor }),
          onStart: (total) => bar.start(total, 0, { bound: 0, failed: 0 }),
          onProgress: (p) => bar.update(p.done, { bound: p.bound, failed: p.failed }),
        }).finally(() => bar.stop()),
      )
      if (E.isLeft(summary)) throw invalid(summary.left)
      const r = summary.right
      // With --json and failed rows the summary travels in the failure's JSON: one document.
      if (r.failed === 0 || ctx.globals.json !== true)
        ctx.print(
          [
            `${r.rows} row(s): ${r.bound} bound now, ${r.skipped} already bound (skipped), ${r.failed} failed`,
            `results: ${path.relative(io.cwd, r.results) || r.results}`,
          ],
          r,
        )
      if (r.failed > 0)
        throw new CliFailure(
          EXIT_CODES.batchRowsFailed,
          `${r.failed} row(s) failed; fix them and run the same command again (bound rows are skipped)`,
          { ...r },
        )
    })

  // emulator
  program
    .command('emulator')
    .description('start the standalone emulator of both vendors and keep it running (Ctrl+C stops)')
    .option('--volcengine-port <n>', 'port of the Volcengine endpoint (default: a free port)')
    .option('--aliyun-port <n>', 'port of the Aliyun endpoint (default: a free port)')
    .option('--write-config <file>', 'also write a pn config file pointing at it')
    .action(
      async (
        o: { volcenginePort?: string; aliyunPort?: string; writeConfig?: string },
        c: Command,
      ) => {
        const ctx = makeContext(io, c)
        const port = (v: string | undefined, flag: string) => {
          if (v === undefined) return 0
          const n = Number(v)
          if (!Number.isInteger(n) || n < 0 || n > 65535)
            throw invalid(`invalid ${flag}: "${v}" is not a port number (0-65535)`)
          return n
        }
        const ports = {
          volcengine: port(o.volcenginePort, '--volcengine-port'),
          aliyun: port(o.aliyunPort, '--aliyun-port'),
        }
        const { startEmulator } = await load.emulator()
        const emu = await startEmulator({ ports }).catch((e: unknown) => {
          if ((e as { code?: string }).code === 'EADDRINUSE')
            throw invalid(
              `invalid --volcengine-port/--aliyun-port: a port is already in use (${ports.volcengine}, ${ports.aliyun})`,
            )
          throw e
        })
        const v = emu.volcengine
        const a = emu.aliyun
        // The emulator's credentials are its fixed, public defaults, not secrets.
        const env = {
          PN_VOLCENGINE_ENDPOINT: v.endpoint,
          PN_VOLCENGINE_ACCESS_KEY_ID: v.accessKeyId,
          PN_VOLCENGINE_SECRET_ACCESS_KEY: v.secretAccessKey,
          PN_VOLCENGINE_NUMBER_POOL_NO: v.numberPoolNo,
          PN_ALIYUN_ENDPOINT: a.endpoint,
          PN_ALIYUN_ACCESS_KEY_ID: a.accessKeyId,
          PN_ALIYUN_ACCESS_KEY_SECRET: a.accessKeySecret,
          PN_ALIYUN_POOL_KEY: a.poolKey,
        }
        if (o.writeConfig !== undefined)
          writeFileSync(
            path.resolve(io.cwd, o.writeConfig),
            `${JSON.stringify({ volcengine: { ...v }, aliyun: { ...a } }, null, 2)}\n`,
          )
        ctx.print(
          [
            'privacy-number emulator running (Ctrl+C to stop)',
            `  volcengine  ${v.endpoint}  pool ${v.numberPoolNo}`,
            `  aliyun      ${a.endpoint}  pool ${a.poolKey}`,
            '',
            'Point pn at it from another shell:',
            ...Object.entries(env).map(([k, val]) => `  export ${k}=${val}`),
            ...(o.writeConfig === undefined ? [] : ['', `or: pn --config ${o.writeConfig} …`]),
          ],
          { volcengine: v, aliyun: a, env },
        )
        await io.untilStopped()
        await emu.close()
      },
    )

  // demo
  program
    .command('demo')
    .description('a short tour against the embedded emulator: bind, call, failover, batch, unbind')
    .action(async (_o: unknown, c: Command) => {
      const ctx = makeContext(io, c)
      const { runDemo } = await load.demo()
      const report = await runDemo({
        write: (line) => {
          if (ctx.globals.json !== true) io.stdout.write(`${line}\n`)
        },
      })
      if (ctx.globals.json === true) io.stdout.write(`${JSON.stringify(report)}\n`)
      if (!report.ok)
        throw new CliFailure(EXIT_CODES.internal, `demo failed: ${report.problems.join('; ')}`)
    })

  return program
}

/** Runs `pn` with `argv` (without node and the script); resolves with the exit code. */
export async function runCli(argv: ReadonlyArray<string>, io: CliIO): Promise<number> {
  const program = createProgram(io)
  const debug = argv.includes('--debug')
  const json = argv.includes('--json')
  try {
    await program.parseAsync([...argv], { from: 'user' })
    return EXIT_CODES.ok
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return e.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.invalidInput
    }
    if (e instanceof CliFailure) {
      io.stderr.write(`pn: ${e.message}\n`)
      if (json && e.json !== undefined)
        io.stdout.write(`${JSON.stringify({ ...e.json, exitCode: e.exitCode })}\n`)
      if (debug && e.stack !== undefined) io.stderr.write(`${e.stack}\n`)
      return e.exitCode
    }
    const message = e instanceof Error ? e.message : String(e)
    io.stderr.write(
      `pn: internal error: ${message}${debug ? '' : ' (run again with --debug for details)'}\n`,
    )
    if (debug && e instanceof Error && e.stack !== undefined) io.stderr.write(`${e.stack}\n`)
    return EXIT_CODES.internal
  }
}
