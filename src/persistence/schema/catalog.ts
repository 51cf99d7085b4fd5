import { sql } from 'drizzle-orm'
import {
  bigint,
  boolean,
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  uuid,
} from 'drizzle-orm/pg-core'
import { timestamptz } from './columns.js'
import { tenant } from './access.js'

const money = (name: string) => bigint(name, { mode: 'number' })

/** Offering groups (`mobile-plans`): the unit within which ranks define up- and downgrades. */
export const productOfferingGroup = pgTable(
  'product_offering_group',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenant.id),
    /** Client-chosen, readable (`mobile-plans`); "C" collation in SQL. */
    id: text('id').notNull(),
    name: text('name').notNull(),
    category: text('category'),
    description: text('description'),
    internalDescription: text('internal_description'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
)

/** Product offerings: what an operator sells. Prices are integer minor units of `currency`. */
export const productOffering = pgTable(
  'product_offering',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenant.id),
    id: text('id').notNull(),
    status: text('status').$type<'AVAILABLE' | 'ARCHIVED'>().notNull(),
    name: text('name').notNull(),
    description: text('description'),
    richContent: text('rich_content'),
    internalDescription: text('internal_description'),
    imageUrl: text('image_url'),
    groupId: text('group_id'),
    customerType: text('customer_type').$type<'CONSUMER' | 'BUSINESS'>().notNull(),
    productId: text('product_id').notNull(),
    productInternalName: text('product_internal_name').notNull(),
    productType: text('product_type')
      .$type<'SUBSCRIPTION' | 'SUBSCRIPTION_ADDON' | 'LICENSE' | 'EXTERNAL_PRODUCT'>()
      .notNull(),
    productCategory: text('product_category').notNull(),
    networkProviderId: text('network_provider_id'),
    features: jsonb('features').$type<Record<string, unknown>>().notNull().default({}),
    requirements: jsonb('requirements').$type<Record<string, string>>().notNull().default({}),
    grossPriceMinor: money('gross_price_minor').notNull(),
    discountMinor: money('discount_minor').notNull(),
    currency: text('currency').notNull(),
    priceType: text('price_type').$type<'RECURRING' | 'ONE_TIME' | 'USAGE'>().notNull(),
    billingPeriod: text('billing_period').$type<'DAY' | 'WEEK' | 'MONTH' | 'YEAR'>(),
    billingInterval: integer('billing_interval'),
    boundMonths: integer('bound_months'),
    taxIncluded: boolean('tax_included').notNull(),
    currencyOptions: jsonb('currency_options').$type<Record<string, unknown>>().notNull().default({}),
    rank: integer('rank').notNull(),
    changePolicy: jsonb('change_policy').$type<Record<string, string>>().notNull(),
    compatibleCategories: text('compatible_categories').array().notNull().default([]),
    compatibleOfferingIds: text('compatible_offering_ids').array().notNull().default([]),
    maxPerSubscription: integer('max_per_subscription'),
    includedLicenseOfferingId: text('included_license_offering_id'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      columns: [t.tenantId, t.groupId],
      foreignColumns: [productOfferingGroup.tenantId, productOfferingGroup.id],
    }),
    index('product_offering_listing').on(t.tenantId, sql`(coalesce(${t.groupId}, ''))`, t.rank, t.id),
  ],
)

/** Promotion codes, stored in upper case so they are unique regardless of case. */
export const promotion = pgTable(
  'promotion',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenant.id),
    code: text('code').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    status: text('status').$type<'ACTIVE' | 'ARCHIVED'>().notNull(),
    discountType: text('discount_type').$type<'PERCENT' | 'AMOUNT'>().notNull(),
    discountPercent: numeric('discount_percent', { precision: 7, scale: 4, mode: 'number' }),
    discountAmountMinor: money('discount_amount_minor'),
    discountCurrency: text('discount_currency'),
    productOfferingIds: text('product_offering_ids').array().notNull().default([]),
    validFrom: timestamptz('valid_from'),
    validTo: timestamptz('valid_to'),
    durationMonths: integer('duration_months'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.code] })],
)
