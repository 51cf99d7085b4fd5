import { startOfLocalDate, startOfNextLocalDay, startOfNextLocalMonth } from '../scheduling/calendar.js'
import { BusinessRuleError } from '../shared/errors.js'

/** The reference's eleven cancellation reasons. `OTHER` needs a comment. */
export const CANCEL_REASONS = [
  'BETTER_DEAL_PRICE',
  'NOT_HAPPY_MISSING_FUNCTIONS',
  'NOT_HAPPY_COVERAGE_SLA',
  'NOT_HAPPY_COMPLEX_ADMIN',
  'NOT_HAPPY_SUPPORT_ENGAGEMENT',
  'FRAUD',
  'FRAUD_ATTEMPT',
  'TEST_OR_MARKETING',
  'NO_NEED',
  'WRONG_ORDER',
  'OTHER',
] as const
export type CancelReason = (typeof CANCEL_REASONS)[number]

/**
 * When a cancellation takes effect. The reference names three variants; `CancelNow` is Openline's
 * addition for operators (fraud cannot wait for midnight).
 */
export type CancelSchedule =
  | { type: 'CancelNow' }
  | { type: 'CancelNextDay' }
  | { type: 'CancelAtBeginningOfNextMonth' }
  | { type: 'CancelAtDate'; date: string }

/** The instant a cancellation takes effect, in the tenant's calendar. A date is the earliest acceptable day. */
export function cancellationInstant(schedule: CancelSchedule, now: Date, timeZone: string): Date {
  switch (schedule.type) {
    case 'CancelNow':
      return now
    case 'CancelNextDay':
      return startOfNextLocalDay(now, timeZone)
    case 'CancelAtBeginningOfNextMonth':
      return startOfNextLocalMonth(now, timeZone)
    case 'CancelAtDate': {
      const start = startOfLocalDate(schedule.date, timeZone)
      return start > now ? start : now
    }
  }
}

export function assertCancelReason(reason: CancelReason, comment: string | undefined): void {
  if (reason === 'OTHER' && !comment?.trim()) {
    throw new BusinessRuleError(
      'subscription.cancel_comment_required',
      'A cancellation with reason OTHER needs a comment saying why.',
      { reason },
      [{ path: '/body/comment', message: 'is required when reason is OTHER' }],
    )
  }
}
