import { describe, expect, it } from 'vitest'
import type { BillingCycle } from './calendar.js'
import {
  addCalendar,
  currentPeriod,
  cycleBoundary,
  effectiveInstant,
  isValidLocalDate,
  isValidTimeZone,
  nextRenewal,
  normalisePeriod,
  startOfLocalDate,
  startOfNextLocalDay,
  startOfNextLocalMonth,
  toLocalDate,
  validityEnd,
} from './calendar.js'

const at = (iso: string): Date => new Date(iso)
const iso = (instant: Date): string => instant.toISOString()

const DAILY: BillingCycle = { period: 'DAY', interval: 1 }
const WEEKLY: BillingCycle = { period: 'WEEK', interval: 1 }
const MONTHLY: BillingCycle = { period: 'MONTH', interval: 1 }
const QUARTERLY: BillingCycle = { period: 'MONTH', interval: 3 }
const YEARLY: BillingCycle = { period: 'YEAR', interval: 1 }

/** Boundaries 1..count of a cycle anchored at local noon of `anchorDate`, as local dates. */
function renewalDates(anchorDate: string, cycle: BillingCycle, count: number, zone = 'UTC'): string[] {
  const anchor = new Date(startOfLocalDate(anchorDate, zone).getTime() + 12 * 3_600_000)
  return Array.from({ length: count }, (_, i) => toLocalDate(cycleBoundary(anchor, cycle, i + 1, zone), zone))
}

describe('normalisePeriod', () => {
  it.each([
    ['DAY', 'DAY'],
    ['DAILY', 'DAY'],
    ['WEEK', 'WEEK'],
    ['WEEKLY', 'WEEK'],
    ['MONTH', 'MONTH'],
    ['MONTHLY', 'MONTH'],
    ['monthly', 'MONTH'],
    ['Yearly', 'YEAR'],
    ['YEAR', 'YEAR'],
  ])('%s → %s', (input, expected) => {
    expect(normalisePeriod(input)).toBe(expected)
  })

  it.each(['QUARTERLY', 'MONTHS', '', ' MONTH', 'constructor'])('rejects %j', (input) => {
    expect(() => normalisePeriod(input)).toThrow(RangeError)
  })
})

describe('isValidTimeZone', () => {
  it.each(['UTC', 'Europe/Stockholm', 'America/St_Johns', 'Australia/Lord_Howe', 'Etc/GMT+5'])('accepts %s', (zone) => {
    expect(isValidTimeZone(zone)).toBe(true)
  })

  it.each(['', 'Mars/Olympus_Mons', '+02:00', 'GMT+2:00', 'Europe/'])('rejects %j', (zone) => {
    expect(isValidTimeZone(zone)).toBe(false)
  })
})

describe('isValidLocalDate', () => {
  it.each(['2024-02-29', '2023-12-31', '1990-01-01', '2090-06-30'])('accepts %s', (date) => {
    expect(isValidLocalDate(date)).toBe(true)
  })

  it.each([
    '2023-02-29',
    '2100-02-29',
    '2024-04-31',
    '2024-13-01',
    '2024-00-10',
    '2024-01-00',
    '2024-1-05',
    '24-01-05',
    ' 2024-01-05',
    '2024-01-05T00:00',
    '2024/01/05',
    '',
  ])('rejects %j', (date) => {
    expect(isValidLocalDate(date)).toBe(false)
  })
})

describe('startOfLocalDate / toLocalDate', () => {
  it.each([
    ['2024-03-01', 'UTC', '2024-03-01T00:00:00.000Z'],
    ['2025-01-15', 'Europe/Stockholm', '2025-01-14T23:00:00.000Z'],
    ['2025-07-15', 'Europe/Stockholm', '2025-07-14T22:00:00.000Z'],
    ['2025-07-15', 'America/New_York', '2025-07-15T04:00:00.000Z'],
    ['2025-01-15', 'Asia/Kolkata', '2025-01-14T18:30:00.000Z'],
    ['2025-01-15', 'America/St_Johns', '2025-01-15T03:30:00.000Z'],
    ['2025-01-15', 'Australia/Lord_Howe', '2025-01-14T13:00:00.000Z'],
    ['2025-07-15', 'Australia/Lord_Howe', '2025-07-14T13:30:00.000Z'],
    ['2025-01-15', 'Pacific/Auckland', '2025-01-14T11:00:00.000Z'],
  ])('%s in %s begins at %s', (date, zone, expected) => {
    expect(iso(startOfLocalDate(date, zone))).toBe(expected)
    expect(toLocalDate(startOfLocalDate(date, zone), zone)).toBe(date)
  })

  it.each([
    ['2018-11-04', 'America/Sao_Paulo', '2018-11-04T03:00:00.000Z'],
    ['2024-09-08', 'America/Santiago', '2024-09-08T04:00:00.000Z'],
    ['2024-04-26', 'Africa/Cairo', '2024-04-25T22:00:00.000Z'],
  ])(
    'a skipped midnight (%s in %s) becomes the first instant of the date, still on that date',
    (date, zone, expected) => {
      const start = startOfLocalDate(date, zone)
      expect(iso(start)).toBe(expected)
      expect(toLocalDate(start, zone)).toBe(date)
      expect(toLocalDate(new Date(start.getTime() - 1), zone)).not.toBe(date)
    },
  )

  it('a repeated midnight (St_Johns fell back from 00:01 to 23:01 until 2011) resolves to the earlier one', () => {
    expect(iso(startOfLocalDate('2006-10-29', 'America/St_Johns'))).toBe('2006-10-29T02:30:00.000Z')
  })

  it('a date that never existed (Samoa skipped 2011-12-30) resolves to where it would have begun', () => {
    const skipped = startOfLocalDate('2011-12-30', 'Pacific/Apia')
    expect(iso(skipped)).toBe('2011-12-30T10:00:00.000Z')
    expect(skipped).toEqual(startOfLocalDate('2011-12-31', 'Pacific/Apia'))
  })

  it('renders instants near midnight on the local date, not the UTC one', () => {
    expect(toLocalDate(at('2025-01-14T23:00:00Z'), 'Europe/Stockholm')).toBe('2025-01-15')
    expect(toLocalDate(at('2025-01-14T22:59:59.999Z'), 'Europe/Stockholm')).toBe('2025-01-14')
    expect(toLocalDate(at('2025-01-15T03:00:00Z'), 'America/New_York')).toBe('2025-01-14')
    expect(toLocalDate(at('2025-01-14T13:00:00Z'), 'Australia/Lord_Howe')).toBe('2025-01-15')
  })

  it('throws RangeError on a bad date, zone or instant', () => {
    expect(() => startOfLocalDate('2023-02-29', 'UTC')).toThrow(RangeError)
    expect(() => startOfLocalDate('2024-03-01', 'Nowhere/Special')).toThrow(RangeError)
    expect(() => toLocalDate(at('2024-03-01T00:00:00Z'), 'Nowhere/Special')).toThrow(RangeError)
    expect(() => toLocalDate(new Date(Number.NaN), 'UTC')).toThrow(RangeError)
  })
})

describe('startOfNextLocalDay', () => {
  it('is the next local midnight, even across the DST change', () => {
    expect(iso(startOfNextLocalDay(at('2025-03-29T23:30:00Z'), 'Europe/Stockholm'))).toBe('2025-03-30T22:00:00.000Z')
    expect(iso(startOfNextLocalDay(at('2025-10-25T12:00:00Z'), 'Europe/Stockholm'))).toBe('2025-10-25T22:00:00.000Z')
    expect(iso(startOfNextLocalDay(at('2025-10-26T12:00:00Z'), 'Europe/Stockholm'))).toBe('2025-10-26T23:00:00.000Z')
  })

  it('from exactly midnight is the following midnight', () => {
    expect(iso(startOfNextLocalDay(at('2025-03-30T22:00:00Z'), 'Europe/Stockholm'))).toBe('2025-03-31T22:00:00.000Z')
  })

  it('lands on the first instant of a day whose midnight is skipped', () => {
    expect(iso(startOfNextLocalDay(at('2018-11-03T15:00:00Z'), 'America/Sao_Paulo'))).toBe('2018-11-04T03:00:00.000Z')
  })

  it('is never in the past where midnight repeats', () => {
    expect(iso(startOfNextLocalDay(at('2006-10-29T02:00:00Z'), 'America/St_Johns'))).toBe('2006-10-29T02:30:00.000Z')
    expect(iso(startOfNextLocalDay(at('2006-10-29T03:00:00Z'), 'America/St_Johns'))).toBe('2006-10-29T03:30:00.000Z')
  })
})

describe('startOfNextLocalMonth', () => {
  it('is local midnight of the 1st of next month', () => {
    expect(iso(startOfNextLocalMonth(at('2024-12-31T23:00:00Z'), 'America/New_York'))).toBe('2025-01-01T05:00:00.000Z')
    expect(iso(startOfNextLocalMonth(at('2025-01-31T23:30:00Z'), 'Europe/Stockholm'))).toBe('2025-02-28T23:00:00.000Z')
    expect(iso(startOfNextLocalMonth(at('2025-03-15T12:00:00Z'), 'Europe/Stockholm'))).toBe('2025-03-31T22:00:00.000Z')
  })

  it('from exactly the 1st at midnight is the 1st of the following month', () => {
    expect(iso(startOfNextLocalMonth(at('2025-01-01T00:00:00Z'), 'UTC'))).toBe('2025-02-01T00:00:00.000Z')
  })
})

describe('cycleBoundary', () => {
  it('monthly from the 31st clamps to the month end and returns to the 31st', () => {
    expect(renewalDates('2024-01-31', MONTHLY, 5)).toEqual([
      '2024-02-29',
      '2024-03-31',
      '2024-04-30',
      '2024-05-31',
      '2024-06-30',
    ])
    expect(renewalDates('2023-01-31', MONTHLY, 2)).toEqual(['2023-02-28', '2023-03-31'])
  })

  it('monthly from the 29th and 30th goes through February in leap and common years', () => {
    expect(renewalDates('2024-01-30', MONTHLY, 2)).toEqual(['2024-02-29', '2024-03-30'])
    expect(renewalDates('2023-01-30', MONTHLY, 2)).toEqual(['2023-02-28', '2023-03-30'])
    expect(renewalDates('2023-01-29', MONTHLY, 2)).toEqual(['2023-02-28', '2023-03-29'])
    expect(renewalDates('2024-01-29', MONTHLY, 2)).toEqual(['2024-02-29', '2024-03-29'])
  })

  it('yearly from Feb 29 renews on Feb 28 in common years and Feb 29 in leap years', () => {
    expect(renewalDates('2024-02-29', YEARLY, 5)).toEqual([
      '2025-02-28',
      '2026-02-28',
      '2027-02-28',
      '2028-02-29',
      '2029-02-28',
    ])
  })

  it('quarterly from Nov 30 clamps in February only', () => {
    expect(renewalDates('2023-11-30', QUARTERLY, 4)).toEqual(['2024-02-29', '2024-05-30', '2024-08-30', '2024-11-30'])
    expect(renewalDates('2022-11-30', QUARTERLY, 2)).toEqual(['2023-02-28', '2023-05-30'])
  })

  it('weekly, fortnightly and daily count days from the anchor', () => {
    expect(renewalDates('2024-02-26', WEEKLY, 2)).toEqual(['2024-03-04', '2024-03-11'])
    expect(renewalDates('2024-02-26', { period: 'WEEK', interval: 2 }, 2)).toEqual(['2024-03-11', '2024-03-25'])
    expect(renewalDates('2024-02-28', DAILY, 2)).toEqual(['2024-02-29', '2024-03-01'])
  })

  it('n = 0 is local midnight of the anchor date', () => {
    const anchor = at('2025-06-15T14:37:00Z')
    expect(iso(cycleBoundary(anchor, MONTHLY, 0, 'Europe/Stockholm'))).toBe('2025-06-14T22:00:00.000Z')
  })

  it('anchors on the local date of activation, not the UTC date', () => {
    expect(iso(cycleBoundary(at('2024-01-31T23:30:00Z'), MONTHLY, 1, 'Europe/Stockholm'))).toBe(
      '2024-02-29T23:00:00.000Z',
    )
    expect(iso(cycleBoundary(at('2024-02-01T03:00:00Z'), MONTHLY, 1, 'America/New_York'))).toBe(
      '2024-02-29T05:00:00.000Z',
    )
  })

  it('daylight saving never moves a renewal off local midnight (Europe/Stockholm)', () => {
    const anchor = at('2025-01-31T09:00:00Z')
    const zone = 'Europe/Stockholm'
    expect(iso(cycleBoundary(anchor, MONTHLY, 1, zone))).toBe('2025-02-27T23:00:00.000Z')
    expect(iso(cycleBoundary(anchor, MONTHLY, 2, zone))).toBe('2025-03-30T22:00:00.000Z')
    expect(iso(cycleBoundary(anchor, MONTHLY, 9, zone))).toBe('2025-10-30T23:00:00.000Z')
  })

  it('daily across the US spring-forward stays on midnight', () => {
    const anchor = at('2025-03-08T17:00:00Z')
    expect(iso(cycleBoundary(anchor, DAILY, 1, 'America/New_York'))).toBe('2025-03-09T05:00:00.000Z')
    expect(iso(cycleBoundary(anchor, DAILY, 2, 'America/New_York'))).toBe('2025-03-10T04:00:00.000Z')
  })

  it('renews at the first instant of a date whose midnight is skipped', () => {
    const anchor = at('2018-10-04T15:00:00Z')
    expect(iso(cycleBoundary(anchor, MONTHLY, 1, 'America/Sao_Paulo'))).toBe('2018-11-04T03:00:00.000Z')
  })

  it('rejects bad indices, intervals, periods and zones', () => {
    const anchor = at('2025-01-01T00:00:00Z')
    expect(() => cycleBoundary(anchor, MONTHLY, -1, 'UTC')).toThrow(RangeError)
    expect(() => cycleBoundary(anchor, MONTHLY, 1.5, 'UTC')).toThrow(RangeError)
    expect(() => cycleBoundary(anchor, { period: 'MONTH', interval: 0 }, 1, 'UTC')).toThrow(RangeError)
    expect(() => cycleBoundary(anchor, { period: 'MONTH', interval: 1.5 }, 1, 'UTC')).toThrow(RangeError)
    const monthly = JSON.parse('{"period":"MONTHLY","interval":1}') as BillingCycle
    expect(() => cycleBoundary(anchor, monthly, 1, 'UTC')).toThrow(RangeError)
    expect(() => cycleBoundary(anchor, MONTHLY, 1, 'Nowhere/Special')).toThrow(RangeError)
  })
})

describe('nextRenewal', () => {
  const anchor = at('2024-01-31T10:00:00Z')

  it('is never the anchor day itself', () => {
    expect(iso(nextRenewal(anchor, MONTHLY, at('2024-01-31T12:00:00Z'), 'UTC'))).toBe('2024-02-29T00:00:00.000Z')
    expect(iso(nextRenewal(anchor, MONTHLY, at('2024-01-30T00:00:00Z'), 'UTC'))).toBe('2024-02-29T00:00:00.000Z')
  })

  it('is strictly after: exactly on a boundary gives the following one', () => {
    expect(iso(nextRenewal(anchor, MONTHLY, at('2024-02-28T23:59:59.999Z'), 'UTC'))).toBe('2024-02-29T00:00:00.000Z')
    expect(iso(nextRenewal(anchor, MONTHLY, at('2024-02-29T00:00:00Z'), 'UTC'))).toBe('2024-03-31T00:00:00.000Z')
  })

  it('handles anchors decades back without drifting', () => {
    const old = at('1990-01-31T10:00:00Z')
    expect(iso(nextRenewal(old, MONTHLY, at('2090-02-15T12:00:00Z'), 'UTC'))).toBe('2090-02-28T00:00:00.000Z')
    expect(iso(nextRenewal(old, DAILY, at('2089-12-31T12:00:00Z'), 'UTC'))).toBe('2090-01-01T00:00:00.000Z')
    const triWeekly: BillingCycle = { period: 'WEEK', interval: 3 }
    expect(iso(nextRenewal(old, triWeekly, at('2090-01-01T00:00:00Z'), 'Europe/Stockholm'))).toBe(
      '2090-01-03T23:00:00.000Z',
    )
  })
})

describe('currentPeriod', () => {
  const anchor = at('2024-01-31T10:00:00Z')

  it('the first period starts at activation, not at midnight', () => {
    expect(currentPeriod(anchor, MONTHLY, anchor, 'UTC')).toEqual({ start: anchor, end: at('2024-02-29T00:00:00Z') })
    expect(currentPeriod(anchor, MONTHLY, at('2024-02-10T00:00:00Z'), 'UTC')).toEqual({
      start: anchor,
      end: at('2024-02-29T00:00:00Z'),
    })
  })

  it('later periods run from boundary to boundary; a boundary opens its period', () => {
    expect(currentPeriod(anchor, MONTHLY, at('2024-03-05T00:00:00Z'), 'UTC')).toEqual({
      start: at('2024-02-29T00:00:00Z'),
      end: at('2024-03-31T00:00:00Z'),
    })
    expect(currentPeriod(anchor, MONTHLY, at('2024-02-29T00:00:00Z'), 'UTC')).toEqual({
      start: at('2024-02-29T00:00:00Z'),
      end: at('2024-03-31T00:00:00Z'),
    })
  })

  it('rejects an instant before activation', () => {
    expect(() => currentPeriod(anchor, MONTHLY, at('2024-01-31T09:59:59Z'), 'UTC')).toThrow(RangeError)
  })
})

describe('effectiveInstant', () => {
  const base = { anchor: at('2024-01-31T10:00:00Z'), cycle: MONTHLY, zone: 'UTC', now: at('2024-02-10T08:00:00Z') }

  it('IMMEDIATE is now, or the earliest date when that is later', () => {
    expect(effectiveInstant({ ...base, timing: 'IMMEDIATE' })).toEqual(base.now)
    expect(effectiveInstant({ ...base, timing: 'IMMEDIATE', earliest: at('2024-02-01T00:00:00Z') })).toEqual(base.now)
    expect(effectiveInstant({ ...base, timing: 'IMMEDIATE', earliest: at('2024-02-20T00:00:00Z') })).toEqual(
      at('2024-02-20T00:00:00Z'),
    )
  })

  it('NEXT_RENEWAL is the next boundary at or after the earliest date', () => {
    expect(effectiveInstant({ ...base, timing: 'NEXT_RENEWAL' })).toEqual(at('2024-02-29T00:00:00Z'))
    expect(effectiveInstant({ ...base, timing: 'NEXT_RENEWAL', earliest: at('2024-02-20T00:00:00Z') })).toEqual(
      at('2024-02-29T00:00:00Z'),
    )
    expect(effectiveInstant({ ...base, timing: 'NEXT_RENEWAL', earliest: at('2024-03-01T00:00:00Z') })).toEqual(
      at('2024-03-31T00:00:00Z'),
    )
    expect(effectiveInstant({ ...base, timing: 'NEXT_RENEWAL', earliest: at('2024-03-31T00:00:00Z') })).toEqual(
      at('2024-03-31T00:00:00Z'),
    )
  })

  it('NEXT_RENEWAL on a boundary waits for the following renewal', () => {
    expect(effectiveInstant({ ...base, timing: 'NEXT_RENEWAL', now: at('2024-02-29T00:00:00Z') })).toEqual(
      at('2024-03-31T00:00:00Z'),
    )
  })

  it('reads the client date in the tenant zone', () => {
    const zone = 'Europe/Stockholm'
    const input = { now: at('2025-03-10T12:00:00Z'), anchor: at('2025-01-15T12:00:00Z'), cycle: MONTHLY, zone }
    const earliest = startOfLocalDate('2025-04-01', zone)
    expect(iso(effectiveInstant({ ...input, timing: 'IMMEDIATE', earliest }))).toBe('2025-03-31T22:00:00.000Z')
    expect(iso(effectiveInstant({ ...input, timing: 'NEXT_RENEWAL', earliest }))).toBe('2025-04-14T22:00:00.000Z')
  })

  it('rejects an unknown timing', () => {
    const timing = JSON.parse('"AT_DATE"') as 'IMMEDIATE'
    expect(() => effectiveInstant({ ...base, timing })).toThrow(RangeError)
  })
})

describe('validityEnd', () => {
  const zone = 'Europe/Stockholm'

  it('a 7-day pass expires as day 7 begins in the tenant zone', () => {
    expect(iso(validityEnd(at('2025-03-10T14:00:00Z'), 7, zone))).toBe('2025-03-16T23:00:00.000Z')
    expect(iso(validityEnd(at('2025-03-09T23:30:00Z'), 7, zone))).toBe('2025-03-16T23:00:00.000Z')
  })

  it('counts calendar days across daylight saving', () => {
    expect(iso(validityEnd(at('2025-03-28T10:00:00Z'), 7, zone))).toBe('2025-04-03T22:00:00.000Z')
  })

  it('a 1-day pass bought a minute before midnight lasts a minute', () => {
    expect(iso(validityEnd(at('2025-03-10T22:59:00Z'), 1, zone))).toBe('2025-03-10T23:00:00.000Z')
  })

  it.each([0, -1, 1.5, Number.NaN])('rejects validityDays = %s', (days) => {
    expect(() => validityEnd(at('2025-03-10T14:00:00Z'), days, zone)).toThrow(RangeError)
  })
})

describe('addCalendar', () => {
  it('adds months in the calendar, keeping the wall time and clamping the day', () => {
    expect(iso(addCalendar(at('2024-01-31T10:00:00Z'), 'P1M', 'UTC'))).toBe('2024-02-29T10:00:00.000Z')
    expect(iso(addCalendar(at('2024-02-29T12:00:00Z'), 'P1Y2M', 'UTC'))).toBe('2025-04-29T12:00:00.000Z')
  })

  it('a day keeps the wall time across DST; 24 hours does not', () => {
    expect(iso(addCalendar(at('2025-03-29T09:00:00Z'), 'P1D', 'Europe/Stockholm'))).toBe('2025-03-30T08:00:00.000Z')
    expect(iso(addCalendar(at('2025-03-29T09:00:00Z'), 'PT24H', 'Europe/Stockholm'))).toBe('2025-03-30T09:00:00.000Z')
    expect(iso(addCalendar(at('2025-03-29T09:00:00Z'), 'PT36H', 'Europe/Stockholm'))).toBe('2025-03-30T21:00:00.000Z')
    expect(iso(addCalendar(at('2025-03-10T14:00:00Z'), 'P7D', 'Europe/Stockholm'))).toBe('2025-03-17T14:00:00.000Z')
  })

  it.each(['', 'P', 'PT', '1M', 'P1X', 'p1d', 'P1M ', 'next month'])('rejects %j', (duration) => {
    expect(() => addCalendar(at('2025-01-01T00:00:00Z'), duration, 'UTC')).toThrow(RangeError)
  })

  it('rejects an unknown zone', () => {
    expect(() => addCalendar(at('2025-01-01T00:00:00Z'), 'P1D', 'Nowhere/Special')).toThrow(RangeError)
  })
})
