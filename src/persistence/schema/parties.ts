import { boolean, jsonb, pgTable, primaryKey, text, unique, uuid } from 'drizzle-orm/pg-core'
import { timestamptz } from './columns.js'
import type { Address, CustomerType, CustomerUserRole, Shipping } from '../../domain/parties/party.js'
import type { BillingMethod } from '../../domain/parties/contact.js'
import { tenant } from './access.js'

/** A person associated with customers (not owned by them). `user` is reserved in SQL. */
export const appUser = pgTable(
  'app_user',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenant.id),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    email: text('email'),
    msisdn: text('msisdn'),
    identity: text('identity'),
    referenceId: text('reference_id'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique('app_user_reference_id_key').on(t.tenantId, t.referenceId),
  ],
)

/** The billable party: owns subscribers and subscriptions. */
export const customer = pgTable(
  'customer',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenant.id),
    id: uuid('id').notNull(),
    customerType: text('customer_type').$type<CustomerType>().notNull(),
    name: text('name').notNull(),
    identity: text('identity'),
    preferredLocale: text('preferred_locale'),
    /** `29A-BY3Z-X78`: see domain/parties/human-readable-id.ts. */
    humanReadableId: text('human_readable_id').notNull(),
    contactEmail: text('contact_email'),
    contactMsisdn: text('contact_msisdn'),
    billingMethod: text('billing_method').$type<BillingMethod>().notNull(),
    billingEmail: text('billing_email'),
    billingAddress: jsonb('billing_address').$type<Address>(),
    billingCurrency: text('billing_currency').notNull(),
    defaultPaymentProfileId: text('default_payment_profile_id'),
    autoPay: boolean('auto_pay').notNull().default(false),
    shipping: jsonb('shipping').$type<Shipping>(),
    contactPersonUserId: uuid('contact_person_user_id'),
    referenceId: text('reference_id'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique('customer_human_readable_id_key').on(t.tenantId, t.humanReadableId),
    unique('customer_reference_id_key').on(t.tenantId, t.referenceId),
  ],
)

/** Which users may act for which customers, with what role. */
export const customerUser = pgTable(
  'customer_user',
  {
    tenantId: uuid('tenant_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    userId: uuid('user_id').notNull(),
    role: text('role').$type<CustomerUserRole>().notNull(),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.customerId, t.userId] })],
)

/** The person using a subscription; belongs to one customer. */
export const subscriber = pgTable(
  'subscriber',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenant.id),
    id: uuid('id').notNull(),
    customerId: uuid('customer_id').notNull(),
    name: text('name').notNull(),
    email: text('email'),
    address: jsonb('address').$type<Address>(),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
)
