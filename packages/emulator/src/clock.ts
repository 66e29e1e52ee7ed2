/** A source of the current instant in epoch milliseconds, e.g. `{ now: Date.now }`. */
export interface BaseClock {
  now(): number
}

/** The emulator's clock: a base clock plus an offset that tests can move. */
export interface EmulatorClock {
  /** The emulator's current instant. */
  now(): Date
  /** Moves the clock forward (or back, with a negative value) by `ms`. */
  advance(ms: number): void
  /** Moves the clock so that `now()` returns `date` at this instant of the base clock. */
  set(date: Date): void
}

/** Internal view of the clock: the same instant as epoch ms, for hot paths. */
export interface ClockSource extends EmulatorClock {
  nowMs(): number
}

/** Builds the emulator clock over a base clock (default `Date.now`). */
export const createClock = (base: BaseClock = { now: Date.now }): ClockSource => {
  // An offset rather than a frozen value: time keeps flowing, so signature timestamps made
  // by real clients stay inside the window while tests jump past expiries.
  let offset = 0
  const nowMs = (): number => base.now() + offset
  return {
    nowMs,
    now: () => new Date(nowMs()),
    advance: (ms) => {
      offset += ms
    },
    set: (date) => {
      offset = date.getTime() - base.now()
    },
  }
}
