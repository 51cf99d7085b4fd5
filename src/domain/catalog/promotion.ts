import { percentOf } from '../shared/money.js'
import type { Offering, OfferingPrice } from './offering.js'

export type PromotionStatus = 'ACTIVE' | 'ARCHIVED'
export const PROMOTION_STATUSES: readonly PromotionStatus[] = ['ACTIVE', 'ARCHIVED']

/** Promotion codes: letters, digits, `_` and `-`; case-insensitive (stored in upper case). */
export const PROMOTION_CODE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$'

/** A percentage of the net price, or a fixed amount in one currency (minor units). */
export type PromotionDiscount =
  { type: 'PERCENT'; percent: number } | { type: 'AMOUNT'; amountMinor: number; currency: string }

export interface Promotion {
  tenantId: string
  /** Upper case: `WELCOME10`. */
  code: string
  name: string
  description: string | null
  status: PromotionStatus
  discount: PromotionDiscount
  /** The offerings it applies to; empty means every offering. */
  productOfferingIds: string[]
  /** Valid from this instant (inclusive); null: since ever. */
  validFrom: Date | null
  /** Valid until this instant (exclusive); null: for ever. */
  validTo: Date | null
  /** How many billing periods the discount lasts once applied; null: for as long as the item lasts. */
  durationMonths: number | null
  metadata: Record<string, unknown>
  createdAt: Date
  updatedAt: Date
}

/** Why a code cannot be used, as the 422 `promotion.not_applicable` reports it in `reason`. */
export type PromotionRejection =
  'unknown_code' | 'archived' | 'not_yet_valid' | 'expired' | 'not_for_offering' | 'currency_mismatch'

export const normaliseCode = (code: string): string => code.trim().toUpperCase()

/**
 * Whether a promotion may price an offering at `now` (the tenant's clock). Checked in the order a
 * person would explain it: archived, not started, over, not for this offering, wrong currency.
 */
export function promotionRejection(promotion: Promotion, offering: Offering, now: Date): PromotionRejection | null {
  if (promotion.status === 'ARCHIVED') return 'archived'
  if (promotion.validFrom && now.getTime() < promotion.validFrom.getTime()) return 'not_yet_valid'
  if (promotion.validTo && now.getTime() >= promotion.validTo.getTime()) return 'expired'
  if (promotion.productOfferingIds.length > 0 && !promotion.productOfferingIds.includes(offering.id))
    return 'not_for_offering'
  if (promotion.discount.type === 'AMOUNT' && promotion.discount.currency !== offering.price.currency)
    return 'currency_mismatch'
  return null
}

/**
 * The price with a promotion applied: the promotion's discount comes off the net price (after any
 * discount the offering already has) and adds to `discountMinor`. A percentage is rounded to the
 * minor unit half away from zero (10 % of 19.99 is 2.00); a fixed amount never takes the price
 * below zero.
 */
export function applyPromotion(price: OfferingPrice, promotion: Promotion): OfferingPrice {
  const off =
    promotion.discount.type === 'PERCENT'
      ? percentOf(price.netMinor, promotion.discount.percent)
      : Math.min(promotion.discount.amountMinor, price.netMinor)
  const discountMinor = price.discountMinor + off
  return { ...price, discountMinor, netMinor: price.grossMinor - discountMinor }
}
