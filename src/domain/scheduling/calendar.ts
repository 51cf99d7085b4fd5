import { DateTime, Duration, IANAZone } from 'luxon'

/**
 * Calendar arithmetic for billing cycles and scheduled changes. Pure: time always comes in as an
 * argument (never `Date.now()`), so the same inputs give the same instant on every machine, in
 * every season, under every test clock.
 *
 * Model: a tenant has an IANA time zone; a calendar date means the START of that day in the zone;
 * billing boundaries are local midnights of calendar dates computed from the anchor date, so
 * daylight saving never moves a renewal off its date.
 *
 * "Start of a local date" is resolved here rather than by `DateTime.fromObject`, because luxon
 * picks the offset of an ambiguous wall time from the machine's current offset (the result would
 * depend on the season the code runs in). The rule, everywhere in this module:
 * - midnight exists once: that instant;
 * - midnight exists twice (clocks went back across midnight, e.g. America/St_Johns before 2011):
 *   the earlier one, the first instant of the date;
 * - midnight is skipped (a DST gap at 00:00, e.g. America/Sao_Paulo before 2019, America/Santiago):
 *   the end of the gap, which is the first instant of the date;
 * - the whole date is skipped (Pacific/Apia, 2011-12-30): the instant the date would have begun,
 *   which is the start of the next existing date. Nothing better exists, and billing must not throw.
 */

export type CyclePeriod = 'DAY' | 'WEEK' | 'MONTH' | 'YEAR'

/** A billing cycle: `interval` periods long (`{ period: 'MONTH', interval: 3 }` is quarterly). */
export interface BillingCycle {
  period: CyclePeriod
  interval: number
}

export type ChangeTiming = 'IMMEDIATE' | 'NEXT_RENEWAL'

/** A date in the proleptic Gregorian calendar, with no zone attached. */
interface CivilDate {
  year: number
  month: number
  day: number
}

const MINUTE_MS = 60_000
const DAY_MS = 86_400_000

const PERIODS: readonly string[] = ['DAY', 'WEEK', 'MONTH', 'YEAR'] satisfies CyclePeriod[]

const PERIOD_SPELLINGS: ReadonlyMap<string, CyclePeriod> = new Map([
  ['DAY', 'DAY'],
  ['DAILY', 'DAY'],
  ['WEEK', 'WEEK'],
  ['WEEKLY', 'WEEK'],
  ['MONTH', 'MONTH'],
  ['MONTHLY', 'MONTH'],
  ['YEAR', 'YEAR'],
  ['YEARLY', 'YEAR'],
])

/**
 * Maps the Connect API's spellings (`MONTHLY`) and ours (`MONTH`), in any letter case, to a
 * `CyclePeriod`, so catalogs and requests can use either. Unknown spellings are a RangeError rather
 * than a silent default: a wrong billing period is worse than a rejected request.
 */
export function normalisePeriod(period: string): CyclePeriod {
  const normalised = PERIOD_SPELLINGS.get(period.toUpperCase())
  if (normalised === undefined) throw new RangeError(`Unknown billing period '${period}'.`)
  return normalised
}

/**
 * Zone names already found valid. Luxon checks a name by constructing an `Intl.DateTimeFormat`,
 * about 7 % of an add-on add's CPU when every date computation checked its tenant's zone again
 * (docs/performance.md). Bounded, since names are matched without regard to case: past the
 * bound a name is checked each time, as before.
 */
const KNOWN_ZONES = new Set<string>()
const MAX_KNOWN_ZONES = 2_000

/**
 * True for names the runtime's time-zone database knows (`Europe/Stockholm`, `UTC`). Fixed offsets
 * such as `+02:00` are rejected even where the runtime accepts them: a fixed offset has no
 * daylight saving rules, so it is not a tenant's time zone.
 */
export function isValidTimeZone(zone: string): boolean {
  if (KNOWN_ZONES.has(zone)) return true
  const valid = /^[A-Za-z]/.test(zone) && IANAZone.isValidZone(zone)
  if (valid && KNOWN_ZONES.size < MAX_KNOWN_ZONES) KNOWN_ZONES.add(zone)
  return valid
}

/** True for a strict `YYYY-MM-DD` that names a real calendar date (no `2023-02-29`, no `2024-1-5`). */
export function isValidLocalDate(date: string): boolean {
  return parseCivil(date) !== undefined
}

/**
 * The instant a calendar date begins in `zone`: how a date a client sends (`"2024-03-01"`) is
 * read. See the module comment for days whose midnight is skipped or repeated.
 */
export function startOfLocalDate(date: string, zone: string): Date {
  const civil = parseCivil(date)
  if (civil === undefined) throw new RangeError(`'${date}' is not a valid YYYY-MM-DD date.`)
  return new Date(localDayStarts(civil, ianaZone(zone))[0])
}

/** The calendar date (`YYYY-MM-DD`) an instant falls on in `zone`: how dates render back. */
export function toLocalDate(instant: Date, zone: string): string {
  return formatCivil(localCivil(epochMs(instant), ianaZone(zone)))
}

/**
 * When a cancel "at the start of the next day" takes effect: the next local midnight after `now`.
 * Always strictly after `now`, even in the hour a clock sets back across midnight.
 */
export function startOfNextLocalDay(now: Date, zone: string): Date {
  const tz = ianaZone(zone)
  const at = epochMs(now)
  return new Date(firstDayStartAfter(addDays(localCivil(at, tz), 1), at, tz))
}

/** When a cancel "at the beginning of next month" takes effect: local midnight of the next 1st. */
export function startOfNextLocalMonth(now: Date, zone: string): Date {
  const tz = ianaZone(zone)
  const at = epochMs(now)
  const today = localCivil(at, tz)
  return new Date(firstDayStartAfter(addMonths({ ...today, day: 1 }, 1), at, tz))
}

/**
 * The n-th renewal boundary: local midnight of (anchor's local date + n × interval periods).
 * Always computed from the anchor, never from the previous boundary, so a cycle anchored on the
 * 31st renews on Feb 28/29 and then on Mar 31 again (iterating would drift to the 28th for good).
 * n = 0 is the start of the anchor's local date, which may be before the activation instant.
 */
export function cycleBoundary(anchor: Date, cycle: BillingCycle, n: number, zone: string): Date {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`Boundary index must be an integer ≥ 0, got ${n}.`)
  checkCycle(cycle)
  const tz = ianaZone(zone)
  return new Date(boundaryMs(localCivil(epochMs(anchor), tz), cycle, n, tz))
}

/**
 * The first renewal strictly after `after` (never the anchor day itself: n ≥ 1). An instant exactly
 * on a boundary gets the following one, because a renewal that is happening now is not "next".
 * n is estimated from the calendar distance and corrected by a step or two, so anchors decades
 * back cost the same as recent ones.
 */
export function nextRenewal(anchor: Date, cycle: BillingCycle, after: Date, zone: string): Date {
  checkCycle(cycle)
  const tz = ianaZone(zone)
  const anchorDate = localCivil(epochMs(anchor), tz)
  return new Date(nextBoundary(anchorDate, cycle, epochMs(after), tz).at)
}

/**
 * The billing period `at` falls in: from the later of the activation instant and the last boundary
 * at or before `at`, to the next renewal. The first period starts at activation, not at midnight of
 * the activation day, so `start ≤ at < end` holds. `at` before activation is a RangeError: there is
 * no period yet.
 */
export function currentPeriod(anchor: Date, cycle: BillingCycle, at: Date, zone: string): { start: Date; end: Date } {
  checkCycle(cycle)
  const tz = ianaZone(zone)
  const anchorMs = epochMs(anchor)
  const atMs = epochMs(at)
  if (atMs < anchorMs) throw new RangeError('No billing period before the activation instant.')
  const next = nextBoundary(localCivil(anchorMs, tz), cycle, atMs, tz)
  const previous = boundaryMs(localCivil(anchorMs, tz), cycle, next.n - 1, tz)
  return { start: new Date(Math.max(anchorMs, previous)), end: new Date(next.at) }
}

/**
 * When a change requested at `now` takes effect. `earliest` (the local midnight of the date the
 * client sent, if any) is a lower bound, not an exact date: the engine picks the first allowed
 * instant at or after it.
 * - IMMEDIATE: `max(now, earliest)`.
 * - NEXT_RENEWAL: the first boundary strictly after `now` that is also at or after `earliest`.
 */
export function effectiveInstant(input: {
  now: Date
  timing: ChangeTiming
  earliest?: Date
  anchor: Date
  cycle: BillingCycle
  zone: string
}): Date {
  const { now, timing, earliest, anchor, cycle, zone } = input
  const nowMs = epochMs(now)
  const earliestMs = earliest === undefined ? undefined : epochMs(earliest)
  if (timing === 'IMMEDIATE') return new Date(Math.max(nowMs, earliestMs ?? nowMs))
  if (timing !== 'NEXT_RENEWAL') throw new RangeError(`Unknown change timing '${String(timing)}'.`)
  const renewal = nextRenewal(anchor, cycle, now, zone)
  if (earliestMs === undefined || renewal.getTime() >= earliestMs) return renewal
  return nextRenewal(anchor, cycle, new Date(earliestMs - 1), zone)
}

/**
 * When a time-limited offering bought at `start` expires: local midnight of (start's local date +
 * validityDays). A 7-day pass bought any time on the 10th expires as the 17th begins, which is
 * what "valid for 7 days" means to a subscriber; counting 7 × 24 h would make it depend on the
 * time of purchase and on daylight saving.
 */
export function validityEnd(start: Date, validityDays: number, zone: string): Date {
  if (!Number.isSafeInteger(validityDays) || validityDays < 1) {
    throw new RangeError(`validityDays must be an integer ≥ 1, got ${validityDays}.`)
  }
  const tz = ianaZone(zone)
  const at = epochMs(start)
  return new Date(firstDayStartAfter(addDays(localCivil(at, tz), validityDays), at, tz))
}

/**
 * Adds an ISO 8601 duration in the zone's calendar, the way a person would: `P1M` keeps the wall
 * time and clamps the day (Jan 31 → Feb 28/29), `P1D` keeps the wall time across DST, and time
 * units (`PT36H`) are exact elapsed time. This is how a test clock "advances by P1M".
 * Durations luxon cannot parse, or with no component at all (`P`, `PT`), are a RangeError.
 */
export function addCalendar(instant: Date, duration: string, zone: string): Date {
  const parsed = Duration.fromISO(duration)
  if (!parsed.isValid || !/\d/.test(duration)) throw new RangeError(`'${duration}' is not an ISO 8601 duration.`)
  const result = DateTime.fromMillis(epochMs(instant), { zone: ianaZone(zone) }).plus(parsed)
  if (!result.isValid) throw new RangeError(`Adding '${duration}' leaves the representable range.`)
  return result.toJSDate()
}

function checkCycle(cycle: BillingCycle): void {
  if (!PERIODS.includes(cycle.period)) {
    throw new RangeError(`Unknown billing period '${String(cycle.period)}'; use normalisePeriod first.`)
  }
  if (!Number.isSafeInteger(cycle.interval) || cycle.interval < 1) {
    throw new RangeError(`Billing interval must be an integer ≥ 1, got ${cycle.interval}.`)
  }
}

function ianaZone(zone: string): IANAZone {
  if (!isValidTimeZone(zone)) throw new RangeError(`'${zone}' is not a known IANA time zone.`)
  return IANAZone.create(zone)
}

function epochMs(instant: Date): number {
  const ms = instant.getTime()
  if (!Number.isFinite(ms)) throw new RangeError('Invalid Date.')
  return ms
}

/** The zone's UTC offset at an instant, in whole milliseconds (luxon reports minutes). */
function offsetMs(ms: number, tz: IANAZone): number {
  return Math.round(tz.offset(ms) * MINUTE_MS)
}

function localCivil(ms: number, tz: IANAZone): CivilDate {
  return civilFromWall(ms + offsetMs(ms, tz))
}

/** The local date of `anchorDate + n × interval periods`, clamped to the month's last day. */
function boundaryDate(anchorDate: CivilDate, cycle: BillingCycle, n: number): CivilDate {
  const steps = n * cycle.interval
  switch (cycle.period) {
    case 'DAY':
      return addDays(anchorDate, steps)
    case 'WEEK':
      return addDays(anchorDate, 7 * steps)
    case 'MONTH':
      return addMonths(anchorDate, steps)
    case 'YEAR':
      return addMonths(anchorDate, 12 * steps)
  }
}

function boundaryMs(anchorDate: CivilDate, cycle: BillingCycle, n: number, tz: IANAZone): number {
  return localDayStarts(boundaryDate(anchorDate, cycle, n), tz)[0]
}

/**
 * The smallest n ≥ 1 whose boundary is strictly after `after`. The estimate comes from the calendar
 * distance between the local dates; the loops then fix the off-by-one cases (a boundary later in
 * the day than `after`, day clamping, clocks set back across midnight). Boundaries strictly
 * increase in n, so "boundary(n) > after" is monotone and the loops find the minimum.
 */
function nextBoundary(
  anchorDate: CivilDate,
  cycle: BillingCycle,
  after: number,
  tz: IANAZone,
): { n: number; at: number } {
  const afterDate = localCivil(after, tz)
  const periods = elapsedPeriods(anchorDate, afterDate, cycle.period)
  let n = Math.max(1, Math.floor(periods / cycle.interval) + 1)
  let at = boundaryMs(anchorDate, cycle, n, tz)
  while (at <= after) {
    n += 1
    at = boundaryMs(anchorDate, cycle, n, tz)
  }
  while (n > 1) {
    const previous = boundaryMs(anchorDate, cycle, n - 1, tz)
    if (previous <= after) break
    n -= 1
    at = previous
  }
  return { n, at }
}

/** Whole periods from one date to another, counting calendar units (may be off by one; see caller). */
function elapsedPeriods(from: CivilDate, to: CivilDate, period: CyclePeriod): number {
  switch (period) {
    case 'DAY':
      return (wallMs(to) - wallMs(from)) / DAY_MS
    case 'WEEK':
      return Math.floor((wallMs(to) - wallMs(from)) / DAY_MS / 7)
    case 'MONTH':
      return (to.year - from.year) * 12 + (to.month - from.month)
    case 'YEAR':
      return to.year - from.year
  }
}

/**
 * The instants at which a local date begins, earliest first: one, or two when the clocks went back
 * across midnight. With one offset for a day either side (nearly every day) midnight is unique.
 * Otherwise every candidate offset is tried; one that reproduces itself is a real midnight. None
 * means midnight falls in a gap, and the date begins where the gap ends.
 */
function localDayStarts(date: CivilDate, tz: IANAZone): [number, ...number[]] {
  const wall = wallMs(date)
  const offsets = new Set([offsetMs(wall - DAY_MS, tz), offsetMs(wall, tz), offsetMs(wall + DAY_MS, tz)])
  const [only] = offsets
  if (offsets.size === 1 && only !== undefined) return [wall - only]
  const midnights = [...offsets]
    .map((offset) => wall - offset)
    .filter((ms) => offsetMs(ms, tz) === wall - ms)
    .sort((a, b) => a - b)
  const [first, ...rest] = midnights
  if (first !== undefined) return [first, ...rest]
  return [gapEnd(wall, Math.max(...offsets), Math.min(...offsets), tz)]
}

/**
 * The first instant whose wall time is at or after `wall`, when `wall` falls in a gap between the
 * offsets `before` and `after` (after > before). Binary search over milliseconds between the two
 * readings of `wall`; only taken on the rare days whose midnight is skipped.
 */
function gapEnd(wall: number, after: number, before: number, tz: IANAZone): number {
  let low = wall - after
  let high = wall - before
  while (low < high) {
    const middle = Math.floor((low + high) / 2)
    if (middle + offsetMs(middle, tz) >= wall) high = middle
    else low = middle + 1
  }
  return low
}

/**
 * The first start of `date` strictly after `instant`. Differs from the earliest start only where
 * midnight repeats and `instant` lies between the two: "next midnight" must not be in the past.
 */
function firstDayStartAfter(date: CivilDate, instant: number, tz: IANAZone): number {
  const starts = localDayStarts(date, tz)
  return starts.find((ms) => ms > instant) ?? Math.max(...starts)
}

function parseCivil(text: string): CivilDate | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (match === null) return undefined
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined
  return { year, month, day }
}

function formatCivil({ year, month, day }: CivilDate): string {
  if (year < 0 || year > 9999) throw new RangeError(`Year ${year} cannot be written as YYYY-MM-DD.`)
  const pad = (value: number, width: number): string => String(value).padStart(width, '0')
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`
}

function daysInMonth(year: number, month: number): number {
  return civilFromWall(wallMs({ year, month: month + 1, day: 0 })).day
}

/** The civil date's midnight read as if it were UTC. `setUTCFullYear` keeps years 0–99 literal. */
function wallMs({ year, month, day }: CivilDate): number {
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  const ms = date.getTime()
  if (!Number.isFinite(ms)) throw new RangeError(`Date ${year}-${month}-${day} is out of range.`)
  return ms
}

function civilFromWall(ms: number): CivilDate {
  const date = new Date(ms)
  if (!Number.isFinite(date.getTime())) throw new RangeError('Date out of range.')
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() }
}

function addDays(date: CivilDate, days: number): CivilDate {
  return civilFromWall(wallMs(date) + days * DAY_MS)
}

/** Adds calendar months, clamping the day to the target month's length (Jan 31 + 1 → Feb 28/29). */
function addMonths(date: CivilDate, months: number): CivilDate {
  const index = date.year * 12 + (date.month - 1) + months
  const year = Math.floor(index / 12)
  const month = index - year * 12 + 1
  return { year, month, day: Math.min(date.day, daysInMonth(year, month)) }
}
