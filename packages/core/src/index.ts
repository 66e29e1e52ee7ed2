/**
 * @privacy-number/core: the vendor-neutral model, validation, error union, Provider contract,
 * transports, area-code table, and the in-memory reference provider.
 */
export * from './model'
export * from './errors'
export * from './mask'
export * from './phone'
export * from './ref'
export * from './time'
export * from './json'
export * from './hmac'
export * from './validation'
export * from './transport'
export * from './batch'
export * from './memory-provider'
export * from './call-events'
export * from './area-codes'
export * from './client'
export * from './callbacks'
export * from './codecs'
