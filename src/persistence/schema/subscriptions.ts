import { jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core'
import { timestamptz } from './columns.js'
import type { SubscriptionStatus } from '../../domain/subscriptions/status.js'
import { tenant } from './access.js'

export interface SimDetails {
  esim: boolean
  iccid?: string
  imei?: string
}

export const subscription = pgTable(
  'subscription',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenant.id),
    id: uuid('id').notNull(),
    referenceId: text('reference_id'),
    status: text('status').$type<SubscriptionStatus>().notNull(),
    type: text('type').notNull(),
    msisdn: text('msisdn'),
    display: text('display'),
    customerId: uuid('customer_id').notNull(),
    subscriberId: uuid('subscriber_id'),
    productOfferingId: text('product_offering_id').notNull(),
    sim: jsonb('sim').$type<SimDetails>().notNull().default({ esim: false }),
    extensions: jsonb('extensions').$type<Record<string, unknown>>().notNull().default({}),
    billingAnchorAt: timestamptz('billing_anchor_at'),
    activatedAt: timestamptz('activated_at'),
    cancelledAt: timestamptz('cancelled_at'),
    cancellation: jsonb('cancellation').$type<{ reason: string; comment: string | null }>(),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
)
