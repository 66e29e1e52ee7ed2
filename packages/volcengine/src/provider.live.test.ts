/**
 * The contract suite against a real Volcengine account. It needs credentials, so it reads them
 * from the environment and is skipped (with the reason in its title) when they are absent:
 *   PN_VOLCENGINE_ACCESS_KEY_ID, PN_VOLCENGINE_SECRET_ACCESS_KEY, PN_VOLCENGINE_NUMBER_POOL_NO
 * Optional: PN_LIVE_CITY (area code with numbers in the pool, default '010') and
 * PN_LIVE_PHONE_PREFIX (7 digits; test numbers are this prefix + 4 digits, default '1990000').
 */
import { describeProviderContract } from '@privacy-number/core/testing'
import { createVolcengineProvider, VOLCENGINE_CAPABILITIES, type VolcengineProvider } from './index'

const env = {
  accessKeyId: process.env.PN_VOLCENGINE_ACCESS_KEY_ID ?? '',
  secretAccessKey: process.env.PN_VOLCENGINE_SECRET_ACCESS_KEY ?? '',
  numberPoolNo: process.env.PN_VOLCENGINE_NUMBER_POOL_NO ?? '',
}
const live = env.accessKeyId !== '' && env.secretAccessKey !== '' && env.numberPoolNo !== ''
const prefix = process.env.PN_LIVE_PHONE_PREFIX ?? '1990000'
let n = 0
let provider: VolcengineProvider | undefined

const suite = live ? describe : describe.skip
suite(
  live
    ? 'volcengine against a real account'
    : 'volcengine against a real account (skipped: set PN_VOLCENGINE_ACCESS_KEY_ID, PN_VOLCENGINE_SECRET_ACCESS_KEY and PN_VOLCENGINE_NUMBER_POOL_NO to run it)',
  () => {
    describeProviderContract({
      name: 'volcengine (live)',
      makeProvider: () => (provider = createVolcengineProvider({ ...env, timeoutMs: 10_000 })),
      capabilities: VOLCENGINE_CAPABILITIES,
      city: process.env.PN_LIVE_CITY ?? '010',
      phone: () => `${prefix}${String(++n % 10_000).padStart(4, '0')}`,
      teardown: () => provider?.close(),
    })
  },
)
