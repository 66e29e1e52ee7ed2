// Loads every built package entry point both ways — `require()` and `import()` — in fresh Node
// processes, from a package that depends on all of them, and checks that both faces expose the
// same names. Run after `pnpm build`.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'

const root = path.resolve(
  import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname),
  '..',
)
const from = path.join(root, 'packages', 'cli')
const names = ['core', 'volcengine', 'aliyun', 'emulator', 'cli']
let failed = 0
for (const name of names) {
  const pkg = JSON.parse(readFileSync(path.join(root, 'packages', name, 'package.json'), 'utf8'))
  for (const sub of Object.keys(pkg.exports).filter((s) => s !== './package.json')) {
    const spec = pkg.name + sub.slice(1)
    const viaRequire = `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(spec)})).sort()))`
    const viaImport = `import(${JSON.stringify(spec)}).then(m => console.log(JSON.stringify(Object.keys(m).filter(k => k !== 'default').sort())))`
    const run = (code, type) =>
      execFileSync(process.execPath, ['--input-type=' + type, '-e', code], {
        cwd: from,
        encoding: 'utf8',
      }).trim()
    try {
      const a = JSON.parse(run(viaRequire, 'commonjs')).filter((k) => k !== '__esModule')
      const b = JSON.parse(run(viaImport, 'module'))
      const same = JSON.stringify(a) === JSON.stringify(b)
      console.log(
        `${same ? 'ok  ' : 'FAIL'} ${spec}: require ${a.length} names, import ${b.length} names`,
      )
      if (!same || a.length === 0) failed++
    } catch (e) {
      console.log(`FAIL ${spec}: ${e.message.split('\n')[0]}`)
      failed++
    }
  }
}
process.exit(failed ? 1 : 0)
