import type { Offering } from '../catalog/offering.js'
import type { ChangeTiming } from '../scheduling/calendar.js'
import { offeringChangeInstant } from '../scheduling/offering-change.js'
import type { ErrorCode } from '../shared/error-codes.js'
import { ConflictError } from '../shared/errors.js'

/** The reference's license statuses (4.4). PAUSED and BLOCKED are kept for parity; no operation leads there yet. */
export const LICENSE_STATUSES = ['PENDING', 'ACTIVE', 'PAUSED', 'CANCELLED', 'BLOCKED'] as const
export type LicenseStatus = (typeof LICENSE_STATUSES)[number]

/** The scheduler's target type for licenses. */
export const LICENSE_TARGET = 'license'

/** What the scheduling engine holds for a license. */
export type LicenseChangeKind = 'activate' | 'cancel' | 'change_product_offering' | 'renew'
export const LICENSE_STATUS_KINDS = ['activate', 'cancel'] as const
export type LicenseStatusAction = (typeof LICENSE_STATUS_KINDS)[number]

/** The status a pending status change leads to (what `pendingStatus` shows). */
export const LICENSE_STATUS_AFTER: Record<LicenseStatusAction, LicenseStatus> = {
  activate: 'ACTIVE',
  cancel: 'CANCELLED',
}
export const isLicenseStatusKind = (kind: string): kind is LicenseStatusAction => kind in LICENSE_STATUS_AFTER

const ALLOWED_FROM: Record<LicenseStatusAction, readonly LicenseStatus[]> = {
  activate: ['PENDING'],
  cancel: ['PENDING', 'ACTIVE', 'PAUSED', 'BLOCKED'],
}

/**
 * At one instant: the activation first, then an offering change (a downgrade due at the renewal
 * belongs to the new term), then the cancel, and the renewal last, so a license cancelled at the
 * end of its term ends rather than renewing first (the cancel supersedes the renewal).
 */
export function licenseKindOrder(kind: string): number {
  if (kind === 'activate') return 0
  if (kind === 'change_product_offering') return 1
  if (kind === 'cancel') return 5
  return 9
}

const STATUS_CODES = {
  PENDING: 'license.is_pending',
  ACTIVE: 'license.is_active',
  PAUSED: 'license.is_paused',
  CANCELLED: 'license.is_cancelled',
  BLOCKED: 'license.is_blocked',
} as const satisfies Record<LicenseStatus, ErrorCode>

/** A 409 whose code names the status that forbids the action: `license.is_cancelled`. */
export function licenseStatusConflict(status: LicenseStatus, action: string): ConflictError {
  return new ConflictError(STATUS_CODES[status], `A ${status} license cannot ${action.replaceAll('_', ' ')}.`, {
    status,
    action,
  })
}

/** The status after `action`, or the 409 that names why not. */
export function licenseTransition(status: LicenseStatus, action: LicenseStatusAction): LicenseStatus {
  if (!ALLOWED_FROM[action].includes(status)) throw licenseStatusConflict(status, action)
  return LICENSE_STATUS_AFTER[action]
}

/**
 * The license `type` when the client gives none: the offering's category without its prefix
 * (`PRODUCT_CATEGORY_LICENSE_SECURITY` → `LICENSE_SECURITY`).
 */
export function licenseType(category: string): string {
  return category.replace(/^PRODUCT_CATEGORY_/, '') || category
}

/** Offerings a license may move to: AVAILABLE licenses of the same category and customer type. */
export function licenseChangeFits(from: Offering, to: Offering): boolean {
  return (
    to.product.type === 'LICENSE' &&
    to.product.category === from.product.category &&
    to.customerType === from.customerType
  )
}

/**
 * When a license's offering change takes effect: the engine's rule for every offering change
 * (`offeringChangeInstant`); a license not yet activated has no cycle and changes at once.
 */
export function licenseChangeWhen(input: {
  status: LicenseStatus
  anchor: Date | null
  from: Offering
  to: Offering
  now: Date
  earliest?: Date
  zone: string
}): { timing: ChangeTiming; at: Date } {
  const { status, ...rest } = input
  return offeringChangeInstant({ ...rest, running: status !== 'PENDING' })
}
