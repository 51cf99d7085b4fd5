const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE

/**
 * Standard Webhooks' retry schedule: the wait after the first failed attempt, the second, … After
 * the last one a delivery has failed for good (about 3 days and 4 hours after its first attempt),
 * and its stream moves on.
 */
export const RETRY_SCHEDULE_MS: readonly number[] = [
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  14 * HOUR,
  20 * HOUR,
  24 * HOUR,
]

/** While an endpoint fails, one probe goes out at least this often, so recovery is seen within it. */
export const PROBE_INTERVAL_MS = 5 * MINUTE

/** An endpoint that has not answered once in this long is disabled. */
export const DISABLE_AFTER_MS = 5 * 24 * HOUR

/** The longest Retry-After Openline honours. */
export const MAX_RETRY_AFTER_MS = 24 * HOUR

/**
 * The wait before retry number `step` (1-based), with ±10% jitter so deliveries that failed
 * together do not all come back in the same second; undefined once the schedule is used up.
 */
export function retryDelayMs(step: number, random: () => number = Math.random): number | undefined {
  const base = RETRY_SCHEDULE_MS[step - 1]
  if (base === undefined) return undefined
  return Math.round(base * (0.9 + 0.2 * random()))
}

/** `Retry-After` as seconds or an HTTP date, in ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now.getTime()
  if (!Number.isFinite(ms)) return undefined
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS)
}
