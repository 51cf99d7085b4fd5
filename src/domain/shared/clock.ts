/**
 * Every service and job reads time from a Clock, never from `Date.now()` directly, so tests and
 * sandbox test clocks can move time without sleeping.
 */
export interface Clock {
  now(): Date
}

export const systemClock: Clock = {
  now: () => new Date(),
}

/** A clock that only moves when told to. Used by tests and benchmarks. */
export class FakeClock implements Clock {
  private current: number

  constructor(start: Date | string = '2025-01-15T10:00:00Z') {
    this.current = new Date(start).getTime()
  }

  now(): Date {
    return new Date(this.current)
  }

  set(to: Date | string): void {
    this.current = new Date(to).getTime()
  }

  advance(ms: number): void {
    this.current += ms
  }
}

/** A clock shifted by a fixed offset: what a sandbox tenant's test clock reads. */
export function offsetClock(base: Clock, offsetMs: number): Clock {
  return offsetMs === 0 ? base : { now: () => new Date(base.now().getTime() + offsetMs) }
}
