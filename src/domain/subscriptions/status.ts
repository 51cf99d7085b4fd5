import type { ErrorCode } from '../shared/error-codes.js'
import { ConflictError } from '../shared/errors.js'

export const SUBSCRIPTION_STATUSES = ['PENDING', 'ACTIVATED', 'BLOCKED', 'PAUSED', 'CANCELLED'] as const
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number]

/** The status changes a subscription goes through, each now or at a date. */
export type StatusAction = 'activate' | 'block' | 'unblock' | 'pause' | 'resume' | 'cancel'
export const STATUS_ACTIONS: readonly StatusAction[] = ['activate', 'block', 'unblock', 'pause', 'resume', 'cancel']

/**
 * The status machine (reference 4.2, with block/pause which operators need):
 *
 *   PENDING ──activate──► ACTIVATED ──block──► BLOCKED ──unblock──► ACTIVATED
 *                         ACTIVATED ──pause──► PAUSED  ──resume───► ACTIVATED
 *   PAUSED ──block──► BLOCKED (a paused line can still be barred, e.g. for fraud)
 *   any but CANCELLED ──cancel──► CANCELLED (final)
 */
export const TRANSITIONS: Record<StatusAction, { from: readonly SubscriptionStatus[]; to: SubscriptionStatus }> = {
  activate: { from: ['PENDING'], to: 'ACTIVATED' },
  block: { from: ['ACTIVATED', 'PAUSED'], to: 'BLOCKED' },
  unblock: { from: ['BLOCKED'], to: 'ACTIVATED' },
  pause: { from: ['ACTIVATED'], to: 'PAUSED' },
  resume: { from: ['PAUSED'], to: 'ACTIVATED' },
  cancel: { from: ['PENDING', 'ACTIVATED', 'BLOCKED', 'PAUSED'], to: 'CANCELLED' },
}

export const canTransition = (status: SubscriptionStatus, action: StatusAction): boolean =>
  TRANSITIONS[action].from.includes(status)

const STATUS_CODES = {
  PENDING: 'subscription.is_pending',
  ACTIVATED: 'subscription.is_activated',
  BLOCKED: 'subscription.is_blocked',
  PAUSED: 'subscription.is_paused',
  CANCELLED: 'subscription.is_cancelled',
} as const satisfies Record<SubscriptionStatus, ErrorCode>

/**
 * A 409 whose code names the status that forbids the action: `subscription.is_cancelled`. The
 * status travels as `currentStatus`: `status` is the problem body's HTTP status member.
 */
export function statusConflict(status: SubscriptionStatus, action: string): ConflictError {
  return new ConflictError(STATUS_CODES[status], `A ${status} subscription cannot ${action.replaceAll('_', ' ')}.`, {
    currentStatus: status,
    action,
  })
}

/** The status after `action`, or the 409 that names why not. */
export function transition(status: SubscriptionStatus, action: StatusAction): SubscriptionStatus {
  if (!canTransition(status, action)) throw statusConflict(status, action)
  return TRANSITIONS[action].to
}

/**
 * The status a subscription will have at some instant, given its current status and its pending
 * status changes before that instant (in effective order). Changes that would be illegal are
 * skipped, as the engine would fail them.
 */
export function projectedStatus(
  status: SubscriptionStatus,
  pending: readonly { action: StatusAction; effectiveAt: Date }[],
  at: Date,
): SubscriptionStatus {
  let projected = status
  for (const change of [...pending].sort((a, b) => a.effectiveAt.getTime() - b.effectiveAt.getTime())) {
    if (change.effectiveAt > at) break
    if (canTransition(projected, change.action)) projected = TRANSITIONS[change.action].to
  }
  return projected
}

export const isEnded = (status: SubscriptionStatus): boolean => status === 'CANCELLED'
