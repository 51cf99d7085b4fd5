import type { AddonStatus } from '../addons/addon.js'

/** The V2 API's add-on statuses (seed 003). */
export const V2_ADDON_STATUSES = ['REQUESTED', 'ACTIVE', 'CANCELLED', 'DEACTIVATED'] as const
export type V2AddonStatus = (typeof V2_ADDON_STATUSES)[number]

/**
 * The V2 status of a Connect add-on (docs/compatibility.md, "V2 add-ons API"). PENDING (scheduled,
 * or waiting for the network provider) is REQUESTED; an add-on cancelled before it was ever active
 * was withdrawn, which V2 calls CANCELLED; one that was active and ended, by a cancellation or at
 * the end of its validity, is DEACTIVATED.
 */
export function v2Status(status: AddonStatus, everActive: boolean): V2AddonStatus {
  switch (status) {
    case 'PENDING':
      return 'REQUESTED'
    case 'ACTIVE':
      return 'ACTIVE'
    case 'CANCELLED':
      return everActive ? 'DEACTIVATED' : 'CANCELLED'
    case 'EXPIRED':
      return 'DEACTIVATED'
  }
}

/** The one deactivation reason the V2 API names. */
export const V2_DEACTIVATION_REASONS = ['SUBSCRIBER_RESIGNATION'] as const

/** What the V2 API shows for an audit field whose value is not known (the seed's convention). */
export const NOT_AVAILABLE = 'N/A'
