import { describe, expect, it } from 'vitest'
import { assertCancelReason, cancellationInstant } from './cancellation.js'

describe('cancellation instants', () => {
  const now = new Date('2025-03-30T14:00:00Z') // 16:00 in Stockholm, summer time since 01:00 UTC
  it('cancels now, at the next local midnight, or at the first of next month', () => {
    expect(cancellationInstant({ type: 'CancelNow' }, now, 'Europe/Stockholm')).toEqual(now)
    expect(cancellationInstant({ type: 'CancelNextDay' }, now, 'Europe/Stockholm').toISOString()).toBe(
      '2025-03-30T22:00:00.000Z',
    )
    expect(cancellationInstant({ type: 'CancelAtBeginningOfNextMonth' }, now, 'Europe/Stockholm').toISOString()).toBe(
      '2025-03-31T22:00:00.000Z',
    )
    expect(cancellationInstant({ type: 'CancelAtBeginningOfNextMonth' }, now, 'UTC').toISOString()).toBe(
      '2025-04-01T00:00:00.000Z',
    )
  })

  it('reads a date as the earliest acceptable day: a past date means now', () => {
    expect(
      cancellationInstant({ type: 'CancelAtDate', date: '2025-05-01' }, now, 'Europe/Stockholm').toISOString(),
    ).toBe('2025-04-30T22:00:00.000Z')
    expect(cancellationInstant({ type: 'CancelAtDate', date: '2025-03-01' }, now, 'Europe/Stockholm')).toEqual(now)
  })

  it('needs a comment for OTHER', () => {
    expect(() => assertCancelReason('OTHER', undefined)).toThrow(/needs a comment/)
    expect(() => assertCancelReason('OTHER', '  ')).toThrow()
    expect(() => assertCancelReason('OTHER', 'moving abroad')).not.toThrow()
    expect(() => assertCancelReason('NO_NEED', undefined)).not.toThrow()
  })
})
