import { makeError } from '@privacy-number/core'
import { describeX, displayWidth, errorLine, optionOfField, table } from './format'

describe('errorLine', () => {
  it('names the CLI option of an invalid field', () => {
    const e = makeError('InvalidArgument', 'select.fallbackCities[1] must be an area code', {
      field: 'select.fallbackCities[1]',
    })
    expect(errorLine(e, true)).toBe(
      'invalid --fallback: select.fallbackCities[1] must be an area code',
    )
  })

  it('lists every attempt of a failover that ran out of providers', () => {
    const no = (vendor: string) =>
      makeError('NoAvailableNumber', `${vendor} has no number`, { vendor, vendorCode: 'X' })
    const e = makeError('AllProvidersFailed', 'all failed', {
      attempts: [
        { vendor: 'volcengine', error: no('volcengine'), durationMs: 3 },
        { vendor: 'aliyun', error: no('aliyun'), durationMs: 4 },
      ],
    })
    expect(errorLine(e, true)).toBe(
      'all providers failed: volcengine NoAvailableNumber [X]: volcengine has no number; ' +
        'aliyun NoAvailableNumber [X]: aliyun has no number',
    )
  })

  it('warns that a change may have been applied, with the out id to look for', () => {
    const e = {
      ...makeError('Timeout', 'no answer', { vendor: 'aliyun' }),
      pending: { outId: 'o-1' },
    }
    expect(errorLine(e, true)).toBe(
      'aliyun Timeout: no answer (outcome unknown: the change may have been applied; out id o-1)',
    )
    expect(errorLine(e, false)).toBe('aliyun Timeout: no answer')
  })

  it('masks phone numbers in messages', () => {
    const e = makeError('BindingConflict', '13800138000 is already bound', { vendor: 'aliyun' })
    expect(errorLine(e, true)).toContain('138****8000')
    expect(errorLine(e, true)).not.toContain('13800138000')
  })
})

describe('helpers', () => {
  it('maps fields to options, indexes included', () => {
    expect(optionOfField('expiresAt')).toBe('--ttl/--expires')
    expect(optionOfField('group.numbers[3]')).toBe('--group-numbers')
    expect(optionOfField('nothing')).toBeUndefined()
  })

  it('names the city of an X', () => {
    expect(describeX('17000000001', '010')).toBe('17000000001 (北京 010)')
    expect(describeX('17000000001')).toBe('17000000001')
  })

  it('aligns table columns by terminal width, wide characters counting two', () => {
    expect(displayWidth('北京')).toBe(4)
    expect(
      table(
        ['city', 'n'],
        [
          ['北京', '1'],
          ['x', '22'],
        ],
      ),
    ).toEqual(['city  n', '----  --', '北京  1', 'x     22'])
  })
})
