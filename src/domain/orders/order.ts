import type { ErrorCode } from '../shared/error-codes.js'
import { ConflictError } from '../shared/errors.js'
import { correctedDetails, maskedDetails, withoutSecrets } from '../porting/details.js'
import type { LineItem, LineItemType, OrderStatus } from './inputs.js'

/** An order untouched this long expires (reference 4.1: updatedAt + 7 days in its example). */
export const ORDER_TTL_MS = 7 * 24 * 60 * 60 * 1000

export type Requirement = 'NOT_REQUIRED' | 'OPTIONAL' | 'REQUIRED'
export interface Requirements {
  requiresPayment: Requirement
  requiresPaymentProfile: Requirement
  requiresSigning: Requirement
}

/** What an order may still do in each status. */
export const EDITABLE: readonly OrderStatus[] = ['PENDING']
export const SUBMITTABLE: readonly OrderStatus[] = ['PENDING', 'FAILED']
export const CANCELLABLE: readonly OrderStatus[] = ['PENDING', 'FAILED']

const STATUS_CODES = {
  PENDING: 'order.is_pending',
  PENDING_PAYMENT: 'order.is_pending_payment',
  SUBMITTED: 'order.is_submitted',
  PENDING_APPROVAL: 'order.is_pending_approval',
  PROCESSING: 'order.is_processing',
  COMPLETED: 'order.is_completed',
  CANCELLED: 'order.is_cancelled',
  EXPIRED: 'order.is_expired',
  FAILED: 'order.is_failed',
} as const satisfies Record<OrderStatus, ErrorCode>

/**
 * A 409 whose code names the status that forbids the action: `order.is_submitted`. The order's
 * status travels as `currentStatus`: `status` is the problem body's HTTP status member.
 */
export function orderStatusConflict(status: OrderStatus, action: string): ConflictError {
  return new ConflictError(STATUS_CODES[status], `A ${status} order cannot ${action}.`, {
    currentStatus: status,
    action,
  })
}

export function assertOrderStatus(status: OrderStatus, allowed: readonly OrderStatus[], action: string): void {
  if (!allowed.includes(status)) throw orderStatusConflict(status, action)
}

/**
 * The order in which fulfilment executes line items: new subscriptions first (other items may
 * refer to them by line item id), then what attaches to subscriptions, then the rest, changes last.
 */
const FULFILMENT_ORDER: Record<LineItemType, number> = {
  SUBSCRIPTION: 0,
  LICENSE: 1,
  ADD_ON: 1,
  TOP_UP: 2,
  EXTERNAL_PRODUCT: 3,
  EXTERNAL_ITEM: 3,
  SUBSCRIPTION_CHANGE: 4,
  ADD_ON_CHANGE: 5,
  LICENSE_CHANGE: 5,
}

export const inFulfilmentOrder = (items: readonly LineItem[]): LineItem[] =>
  [...items].sort((a, b) => FULFILMENT_ORDER[a.type] - FULFILMENT_ORDER[b.type])

/**
 * The requirements of an order from the tenant's configuration (setting `orderRequirements`).
 * Payment cannot be required of an order that costs nothing.
 */
export function requirementsFor(
  configured: Partial<Requirements> | undefined,
  totalMinor: number | null,
): Requirements {
  const payment = configured?.requiresPayment ?? 'NOT_REQUIRED'
  return {
    requiresPayment: totalMinor === 0 ? 'NOT_REQUIRED' : payment,
    requiresPaymentProfile: configured?.requiresPaymentProfile ?? 'NOT_REQUIRED',
    requiresSigning: configured?.requiresSigning ?? 'NOT_REQUIRED',
  }
}

export type UnmetRequirement = 'payment' | 'paymentProfile' | 'signing'

/** Which REQUIRED requirements a submission leaves unmet (each satisfied by its reference). */
export function unmetRequirements(
  requirements: Requirements,
  submission: {
    paymentSessionId?: string
    externalPayment?: unknown
    paymentProfileSessionId?: string
    signingSessionId?: string
  },
): UnmetRequirement[] {
  const unmet: UnmetRequirement[] = []
  if (requirements.requiresPayment === 'REQUIRED' && !submission.paymentSessionId && !submission.externalPayment)
    unmet.push('payment')
  if (requirements.requiresPaymentProfile === 'REQUIRED' && !submission.paymentProfileSessionId)
    unmet.push('paymentProfile')
  if (requirements.requiresSigning === 'REQUIRED' && !submission.signingSessionId) unmet.push('signing')
  return unmet
}

/** A line item as clients see it: a port-in's passcode masked, as the port-in itself shows it. */
export function maskedLineItem(item: LineItem): LineItem {
  return item.type === 'SUBSCRIPTION' && item.porting ? { ...item, porting: maskedDetails(item.porting) } : item
}

/** A replacement that sends the masked passcode back keeps the one stored. */
export function withStoredPasscode(item: LineItem, stored: LineItem): LineItem {
  if (item.type !== 'SUBSCRIPTION' || !item.porting || stored.type !== 'SUBSCRIPTION' || !stored.porting) return item
  return { ...item, porting: correctedDetails(stored.porting, item.porting) }
}

/** Once an order is fulfilled its line items no longer need a port-in's passcode: the port-in holds it. */
export function withoutPasscode(item: LineItem): LineItem {
  return item.type === 'SUBSCRIPTION' && item.porting ? { ...item, porting: withoutSecrets(item.porting) } : item
}
