import type { BillingCycle, ChangeTiming } from '../scheduling/calendar.js'

/**
 * The catalog's domain objects and the rules other areas ask of them: which way a plan change
 * goes, when it takes effect, whether an add-on fits a plan, and what a top-up is.
 */

export type ProductType = 'SUBSCRIPTION' | 'SUBSCRIPTION_ADDON' | 'LICENSE' | 'EXTERNAL_PRODUCT'
export const PRODUCT_TYPES: readonly ProductType[] = [
  'SUBSCRIPTION',
  'SUBSCRIPTION_ADDON',
  'LICENSE',
  'EXTERNAL_PRODUCT',
]

export type OfferingStatus = 'AVAILABLE' | 'ARCHIVED'
export const OFFERING_STATUSES: readonly OfferingStatus[] = ['AVAILABLE', 'ARCHIVED']

export type CustomerType = 'CONSUMER' | 'BUSINESS'
export const CUSTOMER_TYPES: readonly CustomerType[] = ['CONSUMER', 'BUSINESS']

export type PriceType = 'RECURRING' | 'ONE_TIME' | 'USAGE'
export const PRICE_TYPES: readonly PriceType[] = ['RECURRING', 'ONE_TIME', 'USAGE']

export type ChangeDirection = 'UPGRADE' | 'LATERAL' | 'DOWNGRADE'

/** How a change TO an offering takes effect, per direction. */
export interface ChangePolicy {
  upgrade: ChangeTiming
  lateral: ChangeTiming
  downgrade: ChangeTiming
}

/** Upgrades and lateral moves now, downgrades at the next renewal: the reference's rule of thumb. */
export const DEFAULT_CHANGE_POLICY: Readonly<ChangePolicy> = {
  upgrade: 'IMMEDIATE',
  lateral: 'IMMEDIATE',
  downgrade: 'NEXT_RENEWAL',
}

/** The category that makes a SUBSCRIPTION_ADDON a top-up (no new product type; see docs/compatibility.md). */
export const TOP_UP_CATEGORY = 'PRODUCT_CATEGORY_TOP_UP'

/** Client-chosen readable ids of offerings and groups: `mobile-plan-basic`. */
export const CATALOG_ID_PATTERN = '^[a-z0-9][a-z0-9._-]{0,99}$'

export interface OfferingGroup {
  tenantId: string
  id: string
  name: string
  category: string | null
  description: string | null
  internalDescription: string | null
  metadata: Record<string, unknown>
  createdAt: Date
  updatedAt: Date
}

export interface ProductFeatures {
  dataMb?: number
  includedCallSeconds?: number
  includedSms?: number
  /** A time-limited offering (a 7-day pass) is valid this many days (see calendar `validityEnd`). */
  validityDays?: number
  countries?: string[]
  regions?: string[]
  activationType?: string
}

export interface Product {
  productId: string
  internalName: string
  type: ProductType
  /** An open string: `PRODUCT_CATEGORY_SUBSCRIPTION_CELL`, `PRODUCT_CATEGORY_EXTRA_DATA`, … */
  category: string
  networkProviderId: string | null
  features: ProductFeatures
  requirements: Record<string, string>
}

/** A price in integer minor units of `currency`; `netMinor` is always `grossMinor - discountMinor`. */
export interface OfferingPrice {
  grossMinor: number
  discountMinor: number
  netMinor: number
  currency: string
  priceType: PriceType
  billingCycle: BillingCycle | null
  boundMonths: number | null
  taxIncluded: boolean
  currencyOptions: Record<string, unknown>
}

/**
 * Which plans an add-on fits: subscription categories and/or plan ids. Both empty fits every plan;
 * otherwise a plan fits when its category OR its id is listed.
 */
export interface Compatibility {
  categories: string[]
  productOfferingIds: string[]
}

export interface Offering {
  tenantId: string
  id: string
  status: OfferingStatus
  name: string
  description: string | null
  richContent: string | null
  internalDescription: string | null
  imageUrl: string | null
  groupId: string | null
  group: OfferingGroup | null
  product: Product
  price: OfferingPrice
  customerType: CustomerType
  /** Position within the group: higher is bigger. Defines up- and downgrades inside a group. */
  rank: number
  changePolicy: ChangePolicy
  compatibility: Compatibility
  /** How many of this add-on one subscription may hold; null is unlimited. */
  maxPerSubscription: number | null
  /** For add-ons: the LICENSE offering each add-on of this offering comes with; null for none. */
  includedLicenseOfferingId: string | null
  metadata: Record<string, unknown>
  createdAt: Date
  updatedAt: Date
}

/** Average lengths, for comparing prices billed over different periods. */
const MONTHS_PER_PERIOD = { DAY: 12 / 365, WEEK: 12 / 52, MONTH: 1, YEAR: 12 } as const

/**
 * The net price per month, in minor units (not rounded): a yearly 120.00 is 10.00 a month, a
 * weekly 5.00 about 21.67. Without a billing cycle (one-time, usage) it is the net price as is.
 */
export function monthlyEquivalent(price: OfferingPrice): number {
  if (!price.billingCycle) return price.netMinor
  const months = MONTHS_PER_PERIOD[price.billingCycle.period] * price.billingCycle.interval
  return price.netMinor / months
}

/** Prices closer than a millionth of a minor unit are the same price (float noise of the period ratios). */
const SAME_PRICE = 1e-6

/**
 * Which way a change from one offering to another goes. Within one group the rank decides (the
 * operator's own order of its plans); across groups, or for ungrouped offerings, the
 * monthly-equivalent net price does. Equal ranks or prices are a lateral move.
 */
export function changeDirection(from: Offering, to: Offering): ChangeDirection {
  if (from.groupId !== null && from.groupId === to.groupId) {
    return to.rank > from.rank ? 'UPGRADE' : to.rank < from.rank ? 'DOWNGRADE' : 'LATERAL'
  }
  const delta = monthlyEquivalent(to.price) - monthlyEquivalent(from.price)
  if (Math.abs(delta) < SAME_PRICE) return 'LATERAL'
  return delta > 0 ? 'UPGRADE' : 'DOWNGRADE'
}

const POLICY_KEY = { UPGRADE: 'upgrade', LATERAL: 'lateral', DOWNGRADE: 'downgrade' } as const

/** When a change from `from` to `to` takes effect: the target offering's policy for that direction. */
export function changeTiming(from: Offering, to: Offering): ChangeTiming {
  return to.changePolicy[POLICY_KEY[changeDirection(from, to)]]
}

/** Top-ups are SUBSCRIPTION_ADDON offerings of category `PRODUCT_CATEGORY_TOP_UP`. */
export function isTopUp(offering: Offering): boolean {
  return offering.product.type === 'SUBSCRIPTION_ADDON' && offering.product.category === TOP_UP_CATEGORY
}

/**
 * Whether an add-on may be attached to a subscription on `plan`. The plan must be a SUBSCRIPTION
 * offering; then the add-on's compatibility decides: both lists empty fits every plan, otherwise
 * the plan's category or its id must be listed. Status is not checked here: an archived plan keeps
 * working for existing subscriptions, and whether an archived add-on may still be bought is the
 * caller's rule.
 */
export function addonFits(addon: Offering, plan: Offering): boolean {
  if (plan.product.type !== 'SUBSCRIPTION') return false
  const { categories, productOfferingIds } = addon.compatibility
  if (categories.length === 0 && productOfferingIds.length === 0) return true
  return categories.includes(plan.product.category) || productOfferingIds.includes(plan.id)
}
