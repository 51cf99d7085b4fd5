import type { Offering, OfferingPrice } from '../../src/domain/catalog/offering.js'
import { DEFAULT_CHANGE_POLICY } from '../../src/domain/catalog/offering.js'

const at = new Date('2025-01-01T00:00:00Z')

/** A recurring (or, without a cycle, one-time) USD price of `netMinor`, for domain unit tests. */
export function price(
  netMinor: number,
  cycle: OfferingPrice['billingCycle'] = { period: 'MONTH', interval: 1 },
): OfferingPrice {
  return {
    grossMinor: netMinor,
    discountMinor: 0,
    netMinor,
    currency: 'USD',
    priceType: cycle ? 'RECURRING' : 'ONE_TIME',
    billingCycle: cycle,
    boundMonths: null,
    taxIncluded: false,
    currencyOptions: {},
  }
}

/**
 * An offering as the domain sees it, for unit tests with no database: a monthly 10.00 cell plan in
 * the group `plans` unless `overrides` say otherwise (`type` and `category` go into its product).
 */
export function offering(
  id: string,
  overrides: Partial<Offering> & { type?: Offering['product']['type']; category?: string } = {},
): Offering {
  const { type = 'SUBSCRIPTION', category = 'PRODUCT_CATEGORY_SUBSCRIPTION_CELL', ...rest } = overrides
  return {
    tenantId: 't',
    id,
    status: 'AVAILABLE',
    name: id,
    description: null,
    richContent: null,
    internalDescription: null,
    imageUrl: null,
    groupId: 'plans',
    group: null,
    product: {
      productId: id,
      internalName: id,
      type,
      category,
      networkProviderId: null,
      features: {},
      requirements: {},
    },
    price: price(1000),
    customerType: 'CONSUMER',
    rank: 0,
    changePolicy: { ...DEFAULT_CHANGE_POLICY },
    compatibility: { categories: [], productOfferingIds: [] },
    maxPerSubscription: null,
    includedLicenseOfferingId: null,
    metadata: {},
    createdAt: at,
    updatedAt: at,
    ...rest,
  }
}
