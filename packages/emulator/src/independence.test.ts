import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    if (e.isDirectory()) return e.name === 'test-helpers' ? [] : sources(path)
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : []
  })

describe('independence from the adapters', () => {
  it('imports no @privacy-number package and no vendor SDK in shipped code', () => {
    const offenders = sources(__dirname).filter((file) =>
      /from '(@privacy-number\/|@alicloud\/|@volcengine\/)/.test(readFileSync(file, 'utf8')),
    )
    expect(offenders).toEqual([])
  })
})
