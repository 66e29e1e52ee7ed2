import { ownString } from './strings'

describe('ownString', () => {
  it('returns the same characters', () => {
    const url = `/?${'x'.repeat(500)}&SignatureNonce=45e25e9b-0a6f-4070-8c85-2956eda1b466&a=1`
    const at = url.indexOf('SignatureNonce=') + 15
    const nonce = url.slice(at, at + 36)
    expect(ownString(nonce)).toBe('45e25e9b-0a6f-4070-8c85-2956eda1b466')
    expect(ownString('')).toBe('')
    expect(ownString('13800000000')).toBe('13800000000')
    expect(ownString('长'.repeat(20))).toBe('长'.repeat(20))
  })
})
