import type { StatusAction, SubscriptionStatus } from '../../domain/subscriptions/status.js'
import { TRANSITIONS } from '../../domain/subscriptions/status.js'

/** The scheduler's target type for subscriptions. */
export const SUBSCRIPTION_TARGET = 'subscription'

/** Scheduled status changes and the status each leads to (what `pendingStatus` shows). */
export const STATUS_AFTER: Record<StatusAction, SubscriptionStatus> = Object.fromEntries(
  Object.entries(TRANSITIONS).map(([action, t]) => [action, t.to]),
) as Record<StatusAction, SubscriptionStatus>

export const STATUS_KINDS = Object.keys(STATUS_AFTER) as StatusAction[]
export const isStatusKind = (kind: string): kind is StatusAction => kind in STATUS_AFTER

/** At one instant: activate first, then plan and number changes, then status changes, the cancel last. */
export function kindOrder(kind: string): number {
  if (kind === 'activate') return 0
  if (kind === 'change_product_offering' || kind === 'change_msisdn') return 1
  if (kind === 'cancel') return 9
  return 5
}
