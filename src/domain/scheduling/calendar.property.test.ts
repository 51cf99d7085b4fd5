import fc from 'fast-check'
import { DateTime } from 'luxon'
import { describe, expect, it } from 'vitest'
import type { BillingCycle, ChangeTiming, CyclePeriod } from './calendar.js'
import {
  currentPeriod,
  cycleBoundary,
  effectiveInstant,
  isValidLocalDate,
  nextRenewal,
  startOfLocalDate,
  startOfNextLocalDay,
  startOfNextLocalMonth,
  toLocalDate,
  validityEnd,
} from './calendar.js'

/**
 * Properties over random anchors, instants, cycles and zones. The oracles use luxon's own calendar
 * arithmetic on plain dates (in UTC, where it has no DST to get wrong) so they do not share code
 * with the module under test. The zones cover 30-minute DST (Lord_Howe), half-hour and 45-minute
 * offsets, the southern hemisphere, skipped midnights (Sao_Paulo, Santiago, Cairo, Tehran, Havana)
 * and repeated midnights (St_Johns before 2011, Havana).
 */
const ZONES = [
  'UTC',
  'Europe/Stockholm',
  'Europe/London',
  'America/New_York',
  'America/Sao_Paulo',
  'America/St_Johns',
  'America/Santiago',
  'America/Havana',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Asia/Tehran',
  'Africa/Cairo',
  'Pacific/Auckland',
  'Pacific/Chatham',
] as const

const RUNS = { numRuns: 200 }
const HOUR = 3_600_000
const DAY = 24 * HOUR

const zoneArb = fc.constantFrom(...ZONES)
const instantArb = fc.date({
  min: new Date('1990-01-01T00:00:00Z'),
  max: new Date('2090-12-31T23:59:59.999Z'),
  noInvalidDate: true,
})
const periodArb = fc.constantFrom<CyclePeriod>('DAY', 'WEEK', 'MONTH', 'YEAR')
const cycleArb: fc.Arbitrary<BillingCycle> = fc.record({
  period: periodArb,
  interval: fc.oneof(
    { weight: 3, arbitrary: fc.constant(1) },
    { weight: 1, arbitrary: fc.integer({ min: 2, max: 12 }) },
  ),
})

/** A local date 1990-2090, biased towards month ends, where clamping happens. */
const localDateArb = fc
  .record({
    year: fc.integer({ min: 1990, max: 2090 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.oneof(fc.integer({ min: 1, max: 31 }), fc.constantFrom(28, 29, 30, 31)),
  })
  .map(({ year, month, day }) => {
    const first = DateTime.utc(year, month, 1)
    return first.set({ day: Math.min(day, first.daysInMonth ?? 28) }).toISODate() ?? ''
  })

/** Activation instants: uniformly random, or at a random time of a (month-end-biased) local date. */
type AnchorSpec = { kind: 'instant'; at: Date } | { kind: 'local'; date: string; intoDay: number }
const anchorArb: fc.Arbitrary<AnchorSpec> = fc.oneof(
  instantArb.map((at) => ({ kind: 'instant' as const, at })),
  fc.record({
    kind: fc.constant('local' as const),
    date: localDateArb,
    intoDay: fc.integer({ min: 0, max: 22 * HOUR }),
  }),
)
const resolveAnchor = (spec: AnchorSpec, zone: string): Date =>
  spec.kind === 'instant' ? spec.at : new Date(startOfLocalDate(spec.date, zone).getTime() + spec.intoDay)

/** Probe instants: anywhere, near the anchor, or on / next to a boundary (where off-by-ones live). */
type ProbeSpec =
  { kind: 'absolute'; at: Date } | { kind: 'after'; ms: number } | { kind: 'boundary'; n: number; delta: number }
const probeArb: fc.Arbitrary<ProbeSpec> = fc.oneof(
  instantArb.map((at) => ({ kind: 'absolute' as const, at })),
  fc.record({ kind: fc.constant('after' as const), ms: fc.integer({ min: -3 * DAY, max: 800 * DAY }) }),
  fc.record({
    kind: fc.constant('boundary' as const),
    n: fc.integer({ min: 0, max: 40 }),
    delta: fc.constantFrom(-1, 0, 1),
  }),
)
function resolveProbe(spec: ProbeSpec, anchor: Date, cycle: BillingCycle, zone: string): Date {
  if (spec.kind === 'absolute') return spec.at
  if (spec.kind === 'after') return new Date(anchor.getTime() + spec.ms)
  return new Date(cycleBoundary(anchor, cycle, spec.n, zone).getTime() + spec.delta)
}

/**
 * Days on which the offset changes, most of them at or across midnight: random dates rarely land
 * on these, so the properties below aim at them directly. Checked to be transitions by the first
 * test, so a tz-data update cannot quietly turn them into ordinary days.
 */
const TRANSITIONS: [zone: string, date: string][] = [
  ['America/Sao_Paulo', '2018-11-04'],
  ['America/Sao_Paulo', '2019-02-17'],
  ['America/Sao_Paulo', '1999-10-03'],
  ['America/St_Johns', '2006-10-29'],
  ['America/St_Johns', '2006-04-02'],
  ['America/St_Johns', '2010-11-07'],
  ['America/Santiago', '2024-09-08'],
  ['America/Santiago', '2024-04-07'],
  ['Africa/Cairo', '2024-04-26'],
  ['Africa/Cairo', '2024-10-31'],
  ['Asia/Tehran', '2021-03-22'],
  ['Asia/Tehran', '2021-09-22'],
  ['America/Havana', '2025-03-09'],
  ['America/Havana', '2025-11-02'],
  ['Australia/Lord_Howe', '2025-04-06'],
  ['Australia/Lord_Howe', '2025-10-05'],
  ['Europe/Stockholm', '2025-03-30'],
  ['Europe/Stockholm', '2025-10-26'],
  ['Europe/London', '1996-10-27'],
  ['America/New_York', '2025-03-09'],
  ['Pacific/Chatham', '2025-04-06'],
  ['Pacific/Auckland', '2025-09-28'],
]

/** A day within two of a transition, and an instant within hours of its start. */
const nearTransitionArb = fc.record({
  transition: fc.constantFrom(...TRANSITIONS),
  dayShift: fc.integer({ min: -2, max: 2 }),
  ms: fc.integer({ min: -6 * HOUR, max: 30 * HOUR }),
})
const shiftDate = (date: string, days: number): string =>
  DateTime.fromISO(date, { zone: 'utc' }).plus({ days }).toISODate() ?? ''

const UNIT = { DAY: 'days', WEEK: 'weeks', MONTH: 'months', YEAR: 'years' } as const

/** The oracle: the n-th boundary's local date, by luxon's clamping calendar arithmetic in UTC. */
function expectedBoundaryDate(anchorDate: string, cycle: BillingCycle, n: number): string {
  const plain = DateTime.fromISO(anchorDate, { zone: 'utc' })
  return plain.plus({ [UNIT[cycle.period]]: n * cycle.interval }).toISODate() ?? ''
}

/** Which boundary index a local date is, if it is one (the inverse of the oracle). */
function boundaryIndexOf(anchorDate: string, cycle: BillingCycle, date: string): number | undefined {
  const from = DateTime.fromISO(anchorDate, { zone: 'utc' })
  const to = DateTime.fromISO(date, { zone: 'utc' })
  const units =
    cycle.period === 'DAY' || cycle.period === 'WEEK'
      ? Math.round(to.diff(from, 'days').days) / (cycle.period === 'WEEK' ? 7 : 1)
      : (to.year - from.year) * 12 + (to.month - from.month)
  const perStep = cycle.period === 'YEAR' ? 12 * cycle.interval : cycle.interval
  const n = units / perStep
  return Number.isInteger(n) && expectedBoundaryDate(anchorDate, cycle, n) === date ? n : undefined
}

/**
 * `instant` is where `date` begins in `zone`: it is on `date`, the millisecond before is on an
 * earlier date, and the wall clock reads 00:00:00.000 unless the offset changes right there
 * (midnight skipped by DST, so the date begins when the gap ends).
 */
function isStartOf(instant: Date, date: string, zone: string): boolean {
  const local = DateTime.fromJSDate(instant, { zone })
  const before = DateTime.fromMillis(instant.getTime() - 1, { zone })
  const atMidnight = local.hour === 0 && local.minute === 0 && local.second === 0 && local.millisecond === 0
  return (
    local.toISODate() === date && (before.toISODate() ?? '') < date && (atMidnight || before.offset !== local.offset)
  )
}

describe('calendar properties', () => {
  it.each(TRANSITIONS)('fixture: %s changes offset around %s', (zone, date) => {
    const start = DateTime.fromISO(date, { zone: 'utc' }).minus({ days: 1 }).toMillis()
    const offsets = new Set(
      Array.from({ length: 72 }, (_, h) => DateTime.fromMillis(start + h * HOUR, { zone }).offset),
    )
    expect(offsets.size).toBe(2)
  })

  it('every boundary begins its local date, which is the anchor date plus n × interval periods (day clamped)', () => {
    fc.assert(
      fc.property(anchorArb, cycleArb, fc.integer({ min: 0, max: 120 }), zoneArb, (spec, cycle, n, zone) => {
        const anchor = resolveAnchor(spec, zone)
        const anchorDate = toLocalDate(anchor, zone)
        const boundary = cycleBoundary(anchor, cycle, n, zone)
        const date = expectedBoundaryDate(anchorDate, cycle, n)
        expect(isStartOf(boundary, date, zone)).toBe(true)
        if (cycle.period === 'MONTH' || cycle.period === 'YEAR') {
          const local = DateTime.fromJSDate(boundary, { zone })
          expect(local.day).toBe(Math.min(Number(anchorDate.slice(8)), local.daysInMonth ?? 0))
        }
      }),
      RUNS,
    )
  })

  it('boundaries strictly increase in n, and n = 0 is at or before the activation', () => {
    fc.assert(
      fc.property(anchorArb, cycleArb, fc.integer({ min: 0, max: 200 }), zoneArb, (spec, cycle, n, zone) => {
        const anchor = resolveAnchor(spec, zone)
        expect(cycleBoundary(anchor, cycle, n, zone).getTime()).toBeLessThan(
          cycleBoundary(anchor, cycle, n + 1, zone).getTime(),
        )
        expect(cycleBoundary(anchor, cycle, 0, zone).getTime()).toBeLessThanOrEqual(anchor.getTime())
      }),
      RUNS,
    )
  })

  it('nextRenewal is the first boundary n ≥ 1 strictly after the probe', () => {
    fc.assert(
      fc.property(anchorArb, cycleArb, probeArb, zoneArb, (spec, cycle, probeSpec, zone) => {
        const anchor = resolveAnchor(spec, zone)
        const probe = resolveProbe(probeSpec, anchor, cycle, zone)
        const renewal = nextRenewal(anchor, cycle, probe, zone)
        expect(renewal.getTime()).toBeGreaterThan(probe.getTime())
        const n = boundaryIndexOf(toLocalDate(anchor, zone), cycle, toLocalDate(renewal, zone))
        expect(n).toBeGreaterThanOrEqual(1)
        if (n === undefined) return
        expect(cycleBoundary(anchor, cycle, n, zone)).toEqual(renewal)
        if (n > 1) expect(cycleBoundary(anchor, cycle, n - 1, zone).getTime()).toBeLessThanOrEqual(probe.getTime())
      }),
      RUNS,
    )
  })

  it('nextRenewal agrees with a linear scan from the anchor', () => {
    fc.assert(
      fc.property(
        anchorArb,
        cycleArb,
        fc.integer({ min: -2 * DAY, max: 200 * DAY }),
        zoneArb,
        (spec, cycle, ms, zone) => {
          const anchor = resolveAnchor(spec, zone)
          const probe = new Date(anchor.getTime() + ms)
          let n = 1
          while (cycleBoundary(anchor, cycle, n, zone) <= probe) n += 1
          expect(nextRenewal(anchor, cycle, probe, zone)).toEqual(cycleBoundary(anchor, cycle, n, zone))
        },
      ),
      { numRuns: 150 },
    )
  })

  it('currentPeriod contains the instant and is bounded by activation or boundaries', () => {
    fc.assert(
      fc.property(anchorArb, cycleArb, probeArb, zoneArb, (spec, cycle, probeSpec, zone) => {
        const anchor = resolveAnchor(spec, zone)
        const probe = resolveProbe(probeSpec, anchor, cycle, zone)
        fc.pre(probe >= anchor)
        const { start, end } = currentPeriod(anchor, cycle, probe, zone)
        expect(start.getTime()).toBeLessThanOrEqual(probe.getTime())
        expect(end.getTime()).toBeGreaterThan(probe.getTime())
        expect(start.getTime()).toBeGreaterThanOrEqual(anchor.getTime())
        expect(end).toEqual(nextRenewal(anchor, cycle, probe, zone))
        if (start.getTime() !== anchor.getTime())
          expect(nextRenewal(anchor, cycle, new Date(start.getTime() - 1), zone)).toEqual(start)
      }),
      RUNS,
    )
  })

  it('effectiveInstant honours now, the earliest date and the renewal calendar', () => {
    const timingArb = fc.constantFrom<ChangeTiming>('IMMEDIATE', 'NEXT_RENEWAL')
    const earliestArb = fc.option(fc.oneof(localDateArb, probeArb), { nil: undefined })
    fc.assert(
      fc.property(
        anchorArb,
        cycleArb,
        probeArb,
        earliestArb,
        timingArb,
        zoneArb,
        (spec, cycle, nowSpec, earliestSpec, timing, zone) => {
          const anchor = resolveAnchor(spec, zone)
          const now = resolveProbe(nowSpec, anchor, cycle, zone)
          const earliest =
            earliestSpec === undefined
              ? undefined
              : typeof earliestSpec === 'string'
                ? startOfLocalDate(earliestSpec, zone)
                : resolveProbe(earliestSpec, anchor, cycle, zone)
          const effective = effectiveInstant({ now, timing, earliest, anchor, cycle, zone })
          const floor = Math.max(now.getTime(), earliest?.getTime() ?? now.getTime())
          if (timing === 'IMMEDIATE') {
            expect(effective.getTime()).toBe(floor)
            return
          }
          expect(effective.getTime()).toBeGreaterThan(now.getTime())
          expect(effective.getTime()).toBeGreaterThanOrEqual(floor)
          const n = boundaryIndexOf(toLocalDate(anchor, zone), cycle, toLocalDate(effective, zone))
          expect(n).toBeGreaterThanOrEqual(1)
          if (n === undefined) return
          expect(cycleBoundary(anchor, cycle, n, zone)).toEqual(effective)
          if (n === 1) return
          const previous = cycleBoundary(anchor, cycle, n - 1, zone).getTime()
          expect(previous <= now.getTime() || previous < floor).toBe(true)
        },
      ),
      RUNS,
    )
  })

  it('a local date round-trips through its start instant', () => {
    fc.assert(
      fc.property(localDateArb, zoneArb, (date, zone) => {
        expect(isValidLocalDate(date)).toBe(true)
        const start = startOfLocalDate(date, zone)
        expect(toLocalDate(start, zone)).toBe(date)
        expect(isStartOf(start, date, zone)).toBe(true)
      }),
      RUNS,
    )
  })

  it('near DST transitions: dates begin at their first instant and "next" instants are later midnights', () => {
    fc.assert(
      fc.property(
        nearTransitionArb,
        fc.integer({ min: 1, max: 3 }),
        ({ transition: [zone, day], dayShift, ms }, days) => {
          const date = shiftDate(day, dayShift)
          const start = startOfLocalDate(date, zone)
          expect(toLocalDate(start, zone)).toBe(date)
          expect(isStartOf(start, date, zone)).toBe(true)
          const now = new Date(start.getTime() + ms)
          const today = toLocalDate(now, zone)
          const cases: [Date, string][] = [
            [startOfNextLocalDay(now, zone), shiftDate(today, 1)],
            [validityEnd(now, days, zone), shiftDate(today, days)],
          ]
          for (const [instant, expected] of cases) {
            expect(instant.getTime()).toBeGreaterThan(now.getTime())
            expect(toLocalDate(instant, zone)).toBe(expected)
            expect(toLocalDate(new Date(instant.getTime() - 1), zone) < expected).toBe(true)
          }
        },
      ),
      RUNS,
    )
  })

  it('near DST transitions: daily and weekly renewals land on the transition day and bracket the instant', () => {
    const shortCycleArb = fc.record({
      period: fc.constantFrom<CyclePeriod>('DAY', 'WEEK'),
      interval: fc.integer({ min: 1, max: 3 }),
    })
    fc.assert(
      fc.property(
        nearTransitionArb,
        shortCycleArb,
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 23 * HOUR }),
        ({ transition: [zone, day], dayShift, ms }, cycle, k, intoDay) => {
          const step = (cycle.period === 'WEEK' ? 7 : 1) * cycle.interval
          const anchor = new Date(startOfLocalDate(shiftDate(day, -k * step), zone).getTime() + intoDay)
          fc.pre(toLocalDate(anchor, zone) === shiftDate(day, -k * step))
          expect(isStartOf(cycleBoundary(anchor, cycle, k, zone), day, zone)).toBe(true)
          const probe = new Date(startOfLocalDate(shiftDate(day, dayShift), zone).getTime() + ms)
          const renewal = nextRenewal(anchor, cycle, probe, zone)
          expect(renewal.getTime()).toBeGreaterThan(probe.getTime())
          const n = boundaryIndexOf(toLocalDate(anchor, zone), cycle, toLocalDate(renewal, zone))
          expect(n).toBeGreaterThanOrEqual(1)
          if (n === undefined) return
          expect(cycleBoundary(anchor, cycle, n, zone)).toEqual(renewal)
          if (n > 1) expect(cycleBoundary(anchor, cycle, n - 1, zone).getTime()).toBeLessThanOrEqual(probe.getTime())
          fc.pre(probe >= anchor)
          const { start, end } = currentPeriod(anchor, cycle, probe, zone)
          expect(start.getTime()).toBeLessThanOrEqual(probe.getTime())
          expect(end).toEqual(renewal)
        },
      ),
      RUNS,
    )
  })

  it('toLocalDate agrees with luxon', () => {
    fc.assert(
      fc.property(instantArb, zoneArb, (instant, zone) => {
        expect(toLocalDate(instant, zone)).toBe(DateTime.fromJSDate(instant, { zone }).toISODate())
      }),
      RUNS,
    )
  })

  it('next day, next month and validity ends are later local midnights of the right dates', () => {
    fc.assert(
      fc.property(instantArb, fc.integer({ min: 1, max: 400 }), zoneArb, (now, days, zone) => {
        const today = DateTime.fromISO(toLocalDate(now, zone), { zone: 'utc' })
        const cases: [Date, DateTime][] = [
          [startOfNextLocalDay(now, zone), today.plus({ days: 1 })],
          [startOfNextLocalMonth(now, zone), today.startOf('month').plus({ months: 1 })],
          [validityEnd(now, days, zone), today.plus({ days })],
        ]
        for (const [instant, date] of cases) {
          expect(instant.getTime()).toBeGreaterThan(now.getTime())
          expect(toLocalDate(instant, zone)).toBe(date.toISODate())
          const local = DateTime.fromJSDate(instant, { zone })
          const before = DateTime.fromMillis(instant.getTime() - 1, { zone })
          expect(local.toISODate() !== before.toISODate()).toBe(true)
        }
      }),
      RUNS,
    )
  })
})
