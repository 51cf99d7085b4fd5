import type { AddonStatus } from './addon.js'
import type { Refusal, Verdict } from '../shared/refusal.js'
import { OK } from '../shared/refusal.js'

/** What happens to an add-on, each now or at a date (provision: an operator retries the provider). */
export type AddonAction = 'activate' | 'change_product_offering' | 'cancel' | 'expire' | 'provision'

/**
 * The add-on status machine:
 *
 *   PENDING ──activate──► ACTIVE (or stays PENDING while the network provider provisions it)
 *   PENDING, ACTIVE ──change_product_offering──► the same status, on another offering
 *   PENDING, ACTIVE ──cancel──► CANCELLED (final; a PENDING add-on is withdrawn)
 *   PENDING, ACTIVE ──expire──► EXPIRED (final)
 *   PENDING, ACTIVE ──provision──► the same status (a FAILED provisioning asked again)
 */
export const ADDON_TRANSITIONS: Record<AddonAction, { from: readonly AddonStatus[]; to: AddonStatus | null }> = {
  activate: { from: ['PENDING'], to: 'ACTIVE' },
  change_product_offering: { from: ['PENDING', 'ACTIVE'], to: null },
  cancel: { from: ['PENDING', 'ACTIVE'], to: 'CANCELLED' },
  expire: { from: ['PENDING', 'ACTIVE'], to: 'EXPIRED' },
  provision: { from: ['PENDING', 'ACTIVE'], to: null },
}

export const canTransition = (status: AddonStatus, action: AddonAction): boolean =>
  ADDON_TRANSITIONS[action].from.includes(status)

/** The 409 code that names the status forbidding an action, spelt out so every code is a literal. */
const STATUS_CODES = {
  PENDING: 'addon.is_pending',
  ACTIVE: 'addon.is_active',
  CANCELLED: 'addon.is_cancelled',
  EXPIRED: 'addon.is_expired',
} as const satisfies Record<AddonStatus, string>

const MESSAGES: Record<AddonAction, (status: AddonStatus) => string> = {
  activate: (status) => `A ${status} add-on cannot be activated.`,
  change_product_offering: (status) => `A ${status} add-on cannot change.`,
  cancel: (status) => `The add-on is already ${status}.`,
  expire: (status) => `The add-on is already ${status}.`,
  provision: (status) => `The add-on is ${status}: there is nothing to provision.`,
}

/** A 409 `addon.is_<status>` when the add-on's status forbids `action`; the status travels as `status`. */
export function checkTransition(status: AddonStatus, action: AddonAction): Verdict {
  if (canTransition(status, action)) return OK
  return statusRefusal(status, action)
}

export function statusRefusal(status: AddonStatus, action: AddonAction): Refusal {
  return { ok: false, code: STATUS_CODES[status], status: 409, message: MESSAGES[action](status), details: { status } }
}
