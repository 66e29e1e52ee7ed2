/** The multi-provider client: runtime choice, failover, breaker, retries, events, Promise facade. */
export * from './client'
export * from './events'
export * from './promise'
