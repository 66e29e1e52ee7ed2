// What wire.ts, errors.ts and callbacks.ts need from core at run time, without the rest of core: the
// time-zone child processes load this instead of the whole package (faster startup).
export * from '../../../core/src/time'
export * from '../../../core/src/json'
export * from '../../../core/src/errors'
export * from '../../../core/src/call-events'
export * from '../../../core/src/codecs'
