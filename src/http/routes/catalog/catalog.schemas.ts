import { Type } from 'typebox'
import {
  CatalogId,
  GroupInput,
  GroupUpdateInput,
  OfferingInput,
  OfferingUpdateInput,
  PromotionCode,
  PromotionInput,
  PromotionUpdateInput,
} from '../../../domain/catalog/inputs.js'
import { CUSTOMER_TYPES, OFFERING_STATUSES, PRICE_TYPES, PRODUCT_TYPES } from '../../../domain/catalog/offering.js'
import { PROMOTION_STATUSES } from '../../../domain/catalog/promotion.js'
import { DateTime, Metadata, Nullable, PageOf, PageQuery } from '../../schemas/common.js'

/**
 * The catalog's wire shapes (Connect API 1.6 and 3.12). `ProductOffering`, `EmbeddedProductOffering`,
 * `EmbeddedGroup` and `Price` are embedded by other areas' responses.
 */

const Timing = Type.Enum(['IMMEDIATE', 'NEXT_RENEWAL'])
const Categories = Type.Array(Type.String())

export const Price = Type.Object(
  {
    grossPrice: Type.Number({ description: 'Before discounts, in decimal major units.', examples: [19.99] }),
    discount: Type.Number({ description: 'Total discount, in decimal major units.' }),
    netPrice: Type.Number({ description: 'The final cost after discounts: grossPrice - discount.' }),
    currency: Type.String({ examples: ['USD'] }),
    priceType: Type.Enum(PRICE_TYPES),
    billingCycle: Nullable(
      Type.Object(
        { period: Type.Enum(['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY']), interval: Type.Integer({ minimum: 1 }) },
        { description: 'Null for one-time prices.' },
      ),
    ),
    boundMonths: Nullable(Type.Integer({ description: 'Commitment in months.' })),
    taxIncluded: Type.Boolean(),
    currencyOptions: Type.Object({}, { additionalProperties: true }),
  },
  { title: 'Price', description: 'A price (Connect API 1.6).' },
)

export const EmbeddedGroup = Type.Object(
  {
    productOfferingGroupId: Type.String({ examples: ['mobile-plans'] }),
    name: Type.String({ examples: ['Mobile Plans'] }),
    category: Nullable(Type.String()),
    description: Nullable(Type.String()),
    internalDescription: Nullable(Type.String()),
  },
  { title: 'EmbeddedGroup' },
)

export const EmbeddedProductOffering = Type.Object(
  {
    productOfferingId: Type.String({ examples: ['mobile-plan-basic'] }),
    name: Type.String(),
    price: Price,
    productOfferingGroupId: Nullable(Type.String()),
    group: Nullable(EmbeddedGroup),
  },
  { title: 'EmbeddedProductOffering' },
)

const DiscountView = Type.Object({
  type: Type.Enum(['PERCENT', 'AMOUNT']),
  percent: Type.Optional(Type.Number()),
  amount: Type.Optional(Type.Number({ description: 'Decimal major units of `currency`.' })),
  currency: Type.Optional(Type.String()),
})

const AppliedPromotion = Type.Object(
  {
    code: Type.String(),
    name: Type.String(),
    discount: DiscountView,
    discountAmount: Type.Number({ description: 'What the promotion took off the net price, in decimal major units.' }),
    durationMonths: Nullable(Type.Integer({ description: 'Billing periods the discount lasts; null: for ever.' })),
    validFrom: Nullable(DateTime()),
    validTo: Nullable(DateTime()),
  },
  { description: 'Openline extension: the promotion `promoCode` applied to `price`. Present only then.' },
)

export const ProductOffering = Type.Object(
  {
    productOfferingId: Type.String({ examples: ['mobile-plan-basic'] }),
    productId: Type.String(),
    status: Type.Enum(OFFERING_STATUSES, {
      description: 'ARCHIVED offerings cannot be ordered but keep working where they are in use.',
    }),
    name: Type.String(),
    description: Nullable(Type.String()),
    richContent: Nullable(Type.String({ description: 'HTML.' })),
    internalDescription: Nullable(Type.String()),
    imageUrl: Nullable(Type.String()),
    product: Type.Object({
      productId: Type.String(),
      internalName: Type.String(),
      type: Type.Enum(PRODUCT_TYPES),
      category: Type.String({ examples: ['PRODUCT_CATEGORY_SUBSCRIPTION_CELL'] }),
      networkProviderId: Nullable(Type.String()),
      features: Type.Object({
        dataMb: Type.Optional(Type.Integer()),
        includedCallSeconds: Type.Optional(Type.Integer()),
        includedSms: Type.Optional(Type.Integer()),
        validityDays: Type.Optional(Type.Integer()),
        countries: Type.Optional(Type.Array(Type.String())),
        regions: Type.Optional(Type.Array(Type.String())),
        activationType: Type.Optional(Type.String()),
      }),
      requirements: Type.Record(Type.String(), Type.String()),
    }),
    price: Price,
    productOfferingGroupId: Nullable(Type.String()),
    group: Nullable(EmbeddedGroup),
    customerType: Type.Enum(CUSTOMER_TYPES),
    addonCategories: Type.Array(Type.String(), {
      description: 'For add-ons: the subscription categories it fits (same list as `compatibility.categories`).',
    }),
    metadata: Metadata,
    createdAt: DateTime(),
    updatedAt: DateTime(),
    rank: Type.Integer({
      description: 'Openline extension: position within the group; higher is bigger. Defines up- and downgrades.',
    }),
    changePolicy: Type.Object(
      { upgrade: Timing, lateral: Timing, downgrade: Timing },
      { description: 'Openline extension: how a change TO this offering takes effect, per direction.' },
    ),
    compatibility: Type.Object(
      { categories: Categories, productOfferingIds: Type.Array(Type.String()) },
      {
        description:
          'Openline extension, for add-ons: the plans it fits by category or id; both empty fits every plan.',
      },
    ),
    maxPerSubscription: Nullable(
      Type.Integer({
        description: 'Openline extension, for add-ons: at most this many per subscription; null is unlimited.',
      }),
    ),
    includedLicenseOfferingId: Nullable(
      Type.String({
        description:
          "Openline extension, for add-ons: the LICENSE offering each add-on comes with (shown as the add-on's `license`); null for none.",
      }),
    ),
    promotion: Type.Optional(AppliedPromotion),
  },
  { title: 'ProductOffering' },
)

export const ProductOfferingGroup = Type.Object(
  {
    ...EmbeddedGroup.properties,
    metadata: Metadata,
    createdAt: DateTime(),
    updatedAt: DateTime(),
  },
  { title: 'ProductOfferingGroup' },
)

export const Promotion = Type.Object(
  {
    code: Type.String({ examples: ['WELCOME10'] }),
    name: Type.String(),
    description: Nullable(Type.String()),
    status: Type.Enum(PROMOTION_STATUSES),
    discount: DiscountView,
    productOfferingIds: Type.Array(Type.String(), { description: 'The offerings it applies to; empty: all.' }),
    validFrom: Nullable(DateTime()),
    validTo: Nullable(DateTime()),
    durationMonths: Nullable(Type.Integer()),
    metadata: Metadata,
    createdAt: DateTime(),
    updatedAt: DateTime(),
  },
  { title: 'Promotion' },
)

export const ProductCatalog = Type.Object(
  {
    productCatalogId: Type.String({ examples: ['default'] }),
    name: Type.String(),
    description: Type.String(),
    external_reference: Nullable(Type.String({ description: 'snake_case, as the Connect API spells it.' })),
    customerType: Nullable(Type.Enum(CUSTOMER_TYPES)),
    productOfferings: Type.Array(ProductOffering, { description: 'AVAILABLE offerings only.' }),
    ProductOfferingGroups: Type.Array(EmbeddedGroup, {
      description: 'PascalCase, as the Connect API spells it: the groups of the listed offerings.',
    }),
    metadata: Metadata,
    createdAt: DateTime(),
    updatedAt: DateTime(),
  },
  { title: 'ProductCatalog' },
)

const StringList = (description: string) =>
  Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 100, description }))

export const OfferingListQuery = Type.Object({
  ...PageQuery,
  types: Type.Optional(
    Type.Array(Type.Enum(PRODUCT_TYPES), {
      description: 'Only these product types (`types[]=A&types[]=B` or repeated `types`).',
    }),
  ),
  type: Type.Optional(Type.Array(Type.Enum(PRODUCT_TYPES), { description: 'The older spelling of `types`.' })),
  categories: StringList('Only these product categories.'),
  status: Type.Optional(Type.Array(Type.Enum(OFFERING_STATUSES), { description: 'Default: AVAILABLE only.' })),
  productOfferingGroupId: Type.Optional(CatalogId('Only this group.')),
  customerType: Type.Optional(Type.Enum(CUSTOMER_TYPES)),
})

export const OfferingParams = Type.Object({ productOfferingId: CatalogId('The offering.') })
export const OfferingQuery = Type.Object({
  promoCode: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, description: 'Prices the offering with this promotion.' }),
  ),
})
export const GroupParams = Type.Object({ productOfferingGroupId: CatalogId('The group.') })
export const PromotionParams = Type.Object({ code: PromotionCode })
export const CatalogQuery = Type.Object({
  customerType: Type.Optional(Type.Enum(CUSTOMER_TYPES, { description: 'Only offerings for this customer type.' })),
})
export const GroupListQuery = Type.Object({ ...PageQuery })

export const ProductOfferingPage = PageOf(ProductOffering, 'ProductOfferingPage')
export const ProductOfferingGroupPage = PageOf(ProductOfferingGroup, 'ProductOfferingGroupPage')

export {
  GroupInput as CreateProductOfferingGroupBody,
  GroupUpdateInput as UpdateProductOfferingGroupBody,
  OfferingInput as CreateProductOfferingBody,
  OfferingUpdateInput as UpdateProductOfferingBody,
  PromotionInput as CreatePromotionBody,
  PromotionUpdateInput as UpdatePromotionBody,
}
