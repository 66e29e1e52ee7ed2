/** Receiving call-event pushes: the Node handler and the dedupe helper. */
export * from './dedupe'
export * from './handler'
