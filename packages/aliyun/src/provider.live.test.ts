/**
 * The contract suite against a real Aliyun account. It needs credentials, so it reads them from
 * the environment and is skipped (with the reason in its title) when they are absent:
 *   PN_ALIYUN_ACCESS_KEY_ID, PN_ALIYUN_ACCESS_KEY_SECRET, PN_ALIYUN_POOL_KEY
 * Optional: PN_LIVE_CITY (area code with numbers in the pool, default '010') and
 * PN_LIVE_PHONE_PREFIX (7 digits; test numbers are this prefix + 4 digits, default '1990000').
 */
import { describeProviderContract } from '@privacy-number/core/testing'
import { ALIYUN_CAPABILITIES, createAliyunProvider, type AliyunProvider } from './index'

const env = {
  accessKeyId: process.env.PN_ALIYUN_ACCESS_KEY_ID ?? '',
  accessKeySecret: process.env.PN_ALIYUN_ACCESS_KEY_SECRET ?? '',
  poolKey: process.env.PN_ALIYUN_POOL_KEY ?? '',
}
const live = env.accessKeyId !== '' && env.accessKeySecret !== '' && env.poolKey !== ''
const prefix = process.env.PN_LIVE_PHONE_PREFIX ?? '1990000'
let n = 0
let provider: AliyunProvider | undefined

const suite = live ? describe : describe.skip
suite(
  live
    ? 'aliyun against a real account'
    : 'aliyun against a real account (skipped: set PN_ALIYUN_ACCESS_KEY_ID, PN_ALIYUN_ACCESS_KEY_SECRET and PN_ALIYUN_POOL_KEY to run it)',
  () => {
    describeProviderContract({
      name: 'aliyun (live)',
      makeProvider: () => (provider = createAliyunProvider({ ...env, timeoutMs: 10_000 })),
      capabilities: ALIYUN_CAPABILITIES,
      city: process.env.PN_LIVE_CITY ?? '010',
      phone: () => `${prefix}${String(++n % 10_000).padStart(4, '0')}`,
      teardown: () => provider?.close(),
    })
  },
)
