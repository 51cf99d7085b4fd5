/** The scheduler's target type for add-ons. */
export const ADDON_TARGET = 'subscription_addon'

/** What each scheduled add-on change leads to, as `pendingStatus` shows it. */
export const ADDON_STATUS_AFTER = { activate: 'ACTIVE', cancel: 'CANCELLED', expire: 'EXPIRED' } as const
export type AddonStatusKind = keyof typeof ADDON_STATUS_AFTER
export const isAddonStatusKind = (kind: string): kind is AddonStatusKind => kind in ADDON_STATUS_AFTER

/** At one instant: activation first, then an offering change, the expiry, the cancel last. */
export function addonKindOrder(kind: string): number {
  return { activate: 0, change_product_offering: 1, expire: 8, cancel: 9 }[kind] ?? 5
}

/** The add-on events of the reference's pattern (`<entity>.<past tense>`). */
export const ADDON_EVENTS = {
  added: 'subscription.addon.added',
  activated: 'subscription.addon.activated',
  changed: 'subscription.addon.changed',
  cancelled: 'subscription.addon.cancelled',
  expired: 'subscription.addon.expired',
  provisioningFailed: 'subscription.addon.provisioning_failed',
  /** The network provider removed the add-on's package (after a cancel, an expiry or an offering change). */
  deprovisioned: 'subscription.addon.deprovisioned',
} as const
