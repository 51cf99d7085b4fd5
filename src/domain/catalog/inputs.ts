import type { Static, TSchema } from 'typebox'
import { Type } from 'typebox'
import { CATALOG_ID_PATTERN, CUSTOMER_TYPES, OFFERING_STATUSES, PRICE_TYPES, PRODUCT_TYPES } from './offering.js'
import { PROMOTION_CODE_PATTERN, PROMOTION_STATUSES } from './promotion.js'

/**
 * The shapes an operator writes the catalog in: the bodies of the admin API and, item for item,
 * the catalog file `openline catalog import` loads. They live in the domain because both edges
 * (HTTP and the file importer) validate against the very same schemas.
 */

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])
const Text = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, ...(description && { description }) })
const OptionalText = (maxLength: number, description?: string) => Type.Optional(Nullable(Text(maxLength, description)))

export const CatalogId = (description: string) =>
  Type.String({
    pattern: CATALOG_ID_PATTERN,
    description: `${description} 1-100 of a-z, 0-9, '.', '_', '-', starting with a letter or digit.`,
  })
export const PromotionCode = Type.String({
  pattern: PROMOTION_CODE_PATTERN,
  description: 'Letters, digits, `_` and `-` (up to 64); case-insensitive.',
  examples: ['WELCOME10'],
})
const Category = Text(100, 'An open category, e.g. `PRODUCT_CATEGORY_SUBSCRIPTION_CELL`.')
const Timing = Type.Enum(['IMMEDIATE', 'NEXT_RENEWAL'])
const Metadata = Type.Object(
  {},
  { additionalProperties: true, description: 'Key-value pairs for your own semi-structured data.' },
)
const PeriodInput = Type.Enum(['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY', 'DAY', 'WEEK', 'MONTH', 'YEAR'], {
  description: 'The Connect API spells `MONTHLY`; `MONTH` is accepted too. Responses use the `…LY` spelling.',
})

const groupFields = {
  name: Text(200),
  category: OptionalText(100),
  description: OptionalText(5000),
  internalDescription: OptionalText(5000, 'For your staff; not meant for subscribers.'),
  metadata: Type.Optional(Metadata),
}

export const GroupUpdateInput = Type.Object(groupFields)
export type GroupUpdateInput = Static<typeof GroupUpdateInput>
export const GroupInput = Type.Object({
  productOfferingGroupId: CatalogId('Your id for the group, e.g. `mobile-plans`.'),
  ...groupFields,
})
export type GroupInput = Static<typeof GroupInput>

export const FeaturesInput = Type.Object({
  dataMb: Type.Optional(Type.Integer({ minimum: 0 })),
  includedCallSeconds: Type.Optional(Type.Integer({ minimum: 0 })),
  includedSms: Type.Optional(Type.Integer({ minimum: 0 })),
  validityDays: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 3660,
      description: 'A time-limited offering (a 7-day pass) is valid this many days.',
    }),
  ),
  countries: Type.Optional(
    Type.Array(Type.String({ pattern: '^[A-Z]{2}$' }), { maxItems: 300, description: 'ISO 3166-1 alpha-2 codes.' }),
  ),
  regions: Type.Optional(Type.Array(Text(100), { maxItems: 100 })),
  activationType: Type.Optional(Text(50)),
})

export const ProductInput = Type.Object({
  productId: Type.Optional(Text(100, 'Default: the offering id.')),
  internalName: Type.Optional(Text(200, 'Default: the offering name.')),
  type: Type.Enum(PRODUCT_TYPES),
  category: Category,
  networkProviderId: OptionalText(100),
  features: Type.Optional(FeaturesInput),
  requirements: Type.Optional(
    Type.Record(Type.String(), Type.String(), { description: 'e.g. `{"subscriber.address": "VERIFIED"}`.' }),
  ),
})

export const PriceInput = Type.Object({
  grossPrice: Type.Number({
    minimum: 0,
    description: 'Decimal major units (19.99), at most as many decimals as the currency has.',
  }),
  discount: Type.Optional(Type.Number({ minimum: 0, description: 'Default 0.' })),
  netPrice: Type.Optional(
    Type.Number({ minimum: 0, description: 'Optional; when sent it must equal grossPrice - discount.' }),
  ),
  currency: Type.String({ pattern: '^[A-Za-z]{3}$', description: 'ISO 4217.' }),
  priceType: Type.Enum(PRICE_TYPES),
  billingCycle: Type.Optional(
    Nullable(
      Type.Object(
        {
          period: PeriodInput,
          interval: Type.Optional(Type.Integer({ minimum: 1, maximum: 120, description: 'Default 1.' })),
        },
        { description: 'Required for RECURRING prices, absent or null for ONE_TIME.' },
      ),
    ),
  ),
  boundMonths: Type.Optional(
    Nullable(Type.Integer({ minimum: 0, maximum: 120, description: 'Commitment, in months.' })),
  ),
  taxIncluded: Type.Optional(Type.Boolean({ description: 'Default false.' })),
  currencyOptions: Type.Optional(Type.Object({}, { additionalProperties: true })),
})

const offeringFields = {
  name: Text(200),
  status: Type.Optional(
    Type.Enum(OFFERING_STATUSES, {
      description: 'Default: AVAILABLE for a new offering; an existing one keeps its status.',
    }),
  ),
  description: OptionalText(5000),
  richContent: OptionalText(100_000, 'HTML.'),
  internalDescription: OptionalText(5000),
  imageUrl: Type.Optional(Nullable(Type.String({ format: 'uri', maxLength: 2000 }))),
  product: ProductInput,
  price: PriceInput,
  productOfferingGroupId: Type.Optional(Nullable(CatalogId('The group it belongs to.'))),
  customerType: Type.Optional(Type.Enum(CUSTOMER_TYPES, { description: 'Default CONSUMER.' })),
  addonCategories: Type.Optional(
    Type.Array(Category, {
      maxItems: 100,
      description: 'The Connect API name of `compatibility.categories`; send either, or both equal.',
    }),
  ),
  rank: Type.Optional(
    Type.Integer({
      minimum: -1_000_000,
      maximum: 1_000_000,
      description: 'Position within the group; higher is bigger. Default 0.',
    }),
  ),
  changePolicy: Type.Optional(
    Type.Object(
      { upgrade: Type.Optional(Timing), lateral: Type.Optional(Timing), downgrade: Type.Optional(Timing) },
      {
        description:
          'How a change TO this offering takes effect. Default: upgrade and lateral IMMEDIATE, downgrade NEXT_RENEWAL.',
      },
    ),
  ),
  compatibility: Type.Optional(
    Type.Object(
      {
        categories: Type.Optional(Type.Array(Category, { maxItems: 100 })),
        productOfferingIds: Type.Optional(Type.Array(CatalogId('A plan.'), { maxItems: 1000 })),
      },
      { description: 'For add-ons: the plans it fits, by category or id. Both empty: every plan.' },
    ),
  ),
  maxPerSubscription: Type.Optional(
    Nullable(
      Type.Integer({
        minimum: 1,
        maximum: 1000,
        description: 'For add-ons: at most this many per subscription; null is unlimited.',
      }),
    ),
  ),
  includedLicenseOfferingId: Type.Optional(
    Nullable(
      CatalogId(
        'For add-ons: a LICENSE offering that each add-on of this offering comes with. The license is created when the add-on activates, assigned to its subscription, and ends with the add-on.',
      ),
    ),
  ),
  metadata: Type.Optional(Metadata),
}

export const OfferingUpdateInput = Type.Object(offeringFields)
export type OfferingUpdateInput = Static<typeof OfferingUpdateInput>
export const OfferingInput = Type.Object({
  productOfferingId: CatalogId('Your id for the offering, e.g. `mobile-plan-basic`.'),
  ...offeringFields,
})
export type OfferingInput = Static<typeof OfferingInput>

const promotionFields = {
  name: Text(200),
  description: OptionalText(5000),
  status: Type.Optional(Type.Enum(PROMOTION_STATUSES, { description: 'Default ACTIVE.' })),
  discount: Type.Object({
    type: Type.Enum(['PERCENT', 'AMOUNT']),
    percent: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'For PERCENT: 10 is 10 %.' })),
    amount: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, description: 'For AMOUNT: decimal major units of `currency`.' }),
    ),
    currency: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z]{3}$',
        description: 'For AMOUNT: it applies only to offerings priced in this currency.',
      }),
    ),
  }),
  productOfferingIds: Type.Optional(
    Type.Array(CatalogId('An offering.'), {
      maxItems: 1000,
      description: 'The offerings it applies to; empty or absent: all.',
    }),
  ),
  validFrom: Type.Optional(
    Nullable(Type.String({ format: 'date-time', description: 'Inclusive; null: already valid.' })),
  ),
  validTo: Type.Optional(
    Nullable(Type.String({ format: 'date-time', description: 'Exclusive; null: never expires.' })),
  ),
  durationMonths: Type.Optional(
    Nullable(
      Type.Integer({
        minimum: 1,
        maximum: 1200,
        description: 'How many billing periods the discount lasts; null: for ever.',
      }),
    ),
  ),
  metadata: Type.Optional(Metadata),
}

export const PromotionUpdateInput = Type.Object(promotionFields)
export type PromotionUpdateInput = Static<typeof PromotionUpdateInput>
export const PromotionInput = Type.Object({ code: PromotionCode, ...promotionFields })
export type PromotionInput = Static<typeof PromotionInput>

/** A catalog file: `{ groups, offerings, promotions }`, each item shaped as its admin API body. */
export const CatalogDocument = Type.Object({
  groups: Type.Optional(Type.Array(GroupInput)),
  offerings: Type.Optional(Type.Array(OfferingInput)),
  promotions: Type.Optional(Type.Array(PromotionInput)),
})
export type CatalogDocument = Static<typeof CatalogDocument>
