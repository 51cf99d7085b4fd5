import { BusinessRuleError } from '../shared/errors.js'
import { toLocalDate } from './calendar.js'

/**
 * A day a client asks a change for (`scheduledAt`, `scheduleActivationAt`, `activationDate`,
 * `CancelAtDate.date`) is the earliest acceptable day, and today means now; a day already over in
 * the tenant's time zone, on the tenant's clock (a sandbox's test clock), is refused: "2024-03-01"
 * sent in April is a mistake (a wrong year, a stale form), not a wish for "now". `path` names the
 * field in the request (`/body/scheduledAt`). Order fulfilment does not call this: an order's dates
 * were checked when it was configured, and the day may have passed before the worker runs it.
 */
export function assertNotPastDay(day: string | undefined, path: string, now: Date, timeZone: string): void {
  if (day === undefined) return
  const today = toLocalDate(now, timeZone)
  if (day >= today) return
  const field = path.split('/').pop() ?? path
  throw new BusinessRuleError(
    'schedule.date_in_past',
    `${field} ${day} is before today (${today} in ${timeZone}): send today or a later day, or leave it out for now.`,
    { field: path, date: day, today },
    [{ path, message: `is in the past (today is ${today} in ${timeZone})` }],
  )
}
