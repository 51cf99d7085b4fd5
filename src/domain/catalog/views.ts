import type { ChangeTiming, CyclePeriod } from '../scheduling/calendar.js'
import { toLocalDate } from '../scheduling/calendar.js'
import { toMajor } from '../shared/money.js'
import { changeDirection } from './offering.js'
import type {
  ChangeDirection,
  ChangePolicy,
  Compatibility,
  CustomerType,
  Offering,
  OfferingGroup,
  OfferingPrice,
  OfferingStatus,
  PriceType,
  ProductFeatures,
  ProductType,
} from './offering.js'
import type { Promotion, PromotionStatus } from './promotion.js'
import { applyPromotion } from './promotion.js'

/**
 * The catalog's wire shapes (Connect API 1.6 and 3.12), built from the domain objects. Services
 * return these, routes send them as they are, and events carry them as their snapshot.
 */

export type WirePeriod = 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY'
const WIRE_PERIOD: Record<CyclePeriod, WirePeriod> = { DAY: 'DAILY', WEEK: 'WEEKLY', MONTH: 'MONTHLY', YEAR: 'YEARLY' }

export interface PriceView {
  grossPrice: number
  discount: number
  netPrice: number
  currency: string
  priceType: PriceType
  billingCycle: { period: WirePeriod; interval: number } | null
  boundMonths: number | null
  taxIncluded: boolean
  currencyOptions: Record<string, unknown>
}

export interface GroupView {
  productOfferingGroupId: string
  name: string
  category: string | null
  description: string | null
  internalDescription: string | null
}

/** A group as its own resource: the embedded shape plus metadata and timestamps. */
export interface ProductOfferingGroupView extends GroupView {
  metadata: Record<string, unknown>
  createdAt: Date
  updatedAt: Date
}

export interface EmbeddedOfferingView {
  productOfferingId: string
  name: string
  price: PriceView
  productOfferingGroupId: string | null
  group: GroupView | null
}

export interface PromotionDiscountView {
  type: 'PERCENT' | 'AMOUNT'
  percent?: number
  amount?: number
  currency?: string
}

export interface PromotionView {
  code: string
  name: string
  description: string | null
  status: PromotionStatus
  discount: PromotionDiscountView
  productOfferingIds: string[]
  validFrom: Date | null
  validTo: Date | null
  durationMonths: number | null
  metadata: Record<string, unknown>
  createdAt: Date
  updatedAt: Date
}

/** The promotion that priced an offering view, with what it took off. */
export interface AppliedPromotionView {
  code: string
  name: string
  discount: PromotionDiscountView
  /** What the promotion took off the net price, in decimal major units. */
  discountAmount: number
  durationMonths: number | null
  validFrom: Date | null
  validTo: Date | null
}

export interface ProductOfferingView extends EmbeddedOfferingView {
  productId: string
  status: OfferingStatus
  description: string | null
  richContent: string | null
  internalDescription: string | null
  imageUrl: string | null
  product: {
    productId: string
    internalName: string
    type: ProductType
    category: string
    networkProviderId: string | null
    features: ProductFeatures
    requirements: Record<string, string>
  }
  customerType: CustomerType
  addonCategories: string[]
  metadata: Record<string, unknown>
  createdAt: Date
  updatedAt: Date
  rank: number
  changePolicy: ChangePolicy
  compatibility: Compatibility
  maxPerSubscription: number | null
  includedLicenseOfferingId: string | null
  promotion?: AppliedPromotionView
}

export interface CatalogView {
  productCatalogId: 'default'
  name: string
  description: string
  external_reference: string | null
  customerType: CustomerType | null
  productOfferings: ProductOfferingView[]
  ProductOfferingGroups: GroupView[]
  metadata: Record<string, unknown>
  createdAt: Date
  updatedAt: Date
}

export function priceView(price: OfferingPrice): PriceView {
  const major = (minor: number) => toMajor(minor, price.currency)
  return {
    grossPrice: major(price.grossMinor),
    discount: major(price.discountMinor),
    netPrice: major(price.netMinor),
    currency: price.currency,
    priceType: price.priceType,
    billingCycle: price.billingCycle
      ? { period: WIRE_PERIOD[price.billingCycle.period], interval: price.billingCycle.interval }
      : null,
    boundMonths: price.boundMonths,
    taxIncluded: price.taxIncluded,
    currencyOptions: price.currencyOptions,
  }
}

export function groupView(group: OfferingGroup): GroupView {
  return {
    productOfferingGroupId: group.id,
    name: group.name,
    category: group.category,
    description: group.description,
    internalDescription: group.internalDescription,
  }
}

export function productOfferingGroupView(group: OfferingGroup): ProductOfferingGroupView {
  return { ...groupView(group), metadata: group.metadata, createdAt: group.createdAt, updatedAt: group.updatedAt }
}

export function embeddedOfferingView(offering: Offering): EmbeddedOfferingView {
  return {
    productOfferingId: offering.id,
    name: offering.name,
    price: priceView(offering.price),
    productOfferingGroupId: offering.groupId,
    group: offering.group ? groupView(offering.group) : null,
  }
}

/**
 * The full offering. With a promotion (already checked by `promotionRejection`), `price` shows its
 * discount and net price applied, and `promotion` tells which code did it.
 */
export function offeringView(offering: Offering, promotion?: Promotion): ProductOfferingView {
  const price = promotion ? applyPromotion(offering.price, promotion) : offering.price
  const { product } = offering
  return {
    productOfferingId: offering.id,
    productId: product.productId,
    status: offering.status,
    name: offering.name,
    description: offering.description,
    richContent: offering.richContent,
    internalDescription: offering.internalDescription,
    imageUrl: offering.imageUrl,
    product: {
      productId: product.productId,
      internalName: product.internalName,
      type: product.type,
      category: product.category,
      networkProviderId: product.networkProviderId,
      features: product.features,
      requirements: product.requirements,
    },
    price: priceView(price),
    productOfferingGroupId: offering.groupId,
    group: offering.group ? groupView(offering.group) : null,
    customerType: offering.customerType,
    addonCategories: offering.compatibility.categories,
    metadata: offering.metadata,
    createdAt: offering.createdAt,
    updatedAt: offering.updatedAt,
    rank: offering.rank,
    changePolicy: offering.changePolicy,
    compatibility: offering.compatibility,
    maxPerSubscription: offering.maxPerSubscription,
    includedLicenseOfferingId: offering.includedLicenseOfferingId,
    ...(promotion && {
      promotion: {
        code: promotion.code,
        name: promotion.name,
        discount: discountView(promotion),
        discountAmount: toMajor(price.discountMinor - offering.price.discountMinor, price.currency),
        durationMonths: promotion.durationMonths,
        validFrom: promotion.validFrom,
        validTo: promotion.validTo,
      },
    }),
  }
}

function discountView(promotion: Promotion): PromotionDiscountView {
  const { discount } = promotion
  return discount.type === 'PERCENT'
    ? { type: 'PERCENT', percent: discount.percent }
    : { type: 'AMOUNT', amount: toMajor(discount.amountMinor, discount.currency), currency: discount.currency }
}

export function promotionView(promotion: Promotion): PromotionView {
  return {
    code: promotion.code,
    name: promotion.name,
    description: promotion.description,
    status: promotion.status,
    discount: discountView(promotion),
    productOfferingIds: promotion.productOfferingIds,
    validFrom: promotion.validFrom,
    validTo: promotion.validTo,
    durationMonths: promotion.durationMonths,
    metadata: promotion.metadata,
    createdAt: promotion.createdAt,
    updatedAt: promotion.updatedAt,
  }
}

/**
 * The default catalog: the AVAILABLE offerings given, and the groups they belong to (ordered by
 * id). Its timestamps are the tenant's creation and the latest change among what it shows.
 */
export function catalogView(input: {
  tenantName: string
  tenantCreatedAt: Date
  customerType: CustomerType | null
  offerings: Offering[]
}): CatalogView {
  const groups = new Map<string, OfferingGroup>()
  for (const offering of input.offerings) if (offering.group) groups.set(offering.group.id, offering.group)
  const changes = [
    input.tenantCreatedAt,
    ...input.offerings.map((o) => o.updatedAt),
    ...[...groups.values()].map((g) => g.updatedAt),
  ]
  return {
    productCatalogId: 'default',
    name: `${input.tenantName} catalog`,
    description: 'Every available product offering.',
    external_reference: null,
    customerType: input.customerType,
    productOfferings: input.offerings.map((offering) => offeringView(offering)),
    ProductOfferingGroups: [...groups.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(groupView),
    metadata: {},
    createdAt: input.tenantCreatedAt,
    updatedAt: new Date(Math.max(...changes.map((d) => d.getTime()))),
  }
}

/** An offering an item (plan, add-on, license) could change to, and when that would take effect. */
export interface ChangeOption {
  productOfferingId: string
  productOffering: EmbeddedOfferingView
  /** INSTANT, or NEXT_RENEWAL (at the end of the item's current billing period). */
  changeSchedule: 'INSTANT' | 'NEXT_RENEWAL'
  /** The day it would take effect if asked for now, in the tenant's calendar. */
  changeScheduleDate: string
  direction: ChangeDirection
}

export function changeOption(
  from: Offering,
  to: Offering,
  when: { timing: ChangeTiming; at: Date },
  zone: string,
): ChangeOption {
  return {
    productOfferingId: to.id,
    productOffering: embeddedOfferingView(to),
    changeSchedule: when.timing === 'IMMEDIATE' ? 'INSTANT' : 'NEXT_RENEWAL',
    changeScheduleDate: toLocalDate(when.at, zone),
    direction: changeDirection(from, to),
  }
}
