import { jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core'
import { timestamptz } from './columns.js'
import type { LicenseStatus } from '../../domain/licenses/license.js'
import { tenant } from './access.js'

export const license = pgTable(
  'license',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenant.id),
    id: uuid('id').notNull(),
    referenceId: text('reference_id'),
    status: text('status').$type<LicenseStatus>().notNull(),
    type: text('type').notNull(),
    customerId: uuid('customer_id').notNull(),
    productOfferingId: text('product_offering_id').notNull(),
    subscriptionId: uuid('subscription_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    billingAnchorAt: timestamptz('billing_anchor_at'),
    activatedAt: timestamptz('activated_at'),
    cancelledAt: timestamptz('cancelled_at'),
    pausedAt: timestamptz('paused_at'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
)

export type TopupStatus = 'PENDING' | 'APPLIED' | 'FAILED'

export const subscriptionTopup = pgTable(
  'subscription_topup',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenant.id),
    id: uuid('id').notNull(),
    subscriptionId: uuid('subscription_id').notNull(),
    productOfferingId: text('product_offering_id').notNull(),
    status: text('status').$type<TopupStatus>().notNull(),
    appliedAt: timestamptz('applied_at'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
)
