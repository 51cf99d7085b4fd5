import { integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core'
import { timestamptz } from './columns.js'
import type { LineItem, OrderStatus } from '../../domain/orders/inputs.js'
import { tenant } from './access.js'

type Json = Record<string, unknown>

export const salesOrder = pgTable(
  'sales_order',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenant.id),
    id: uuid('id').notNull(),
    status: text('status').$type<OrderStatus>().notNull(),
    customerId: uuid('customer_id'),
    userId: uuid('user_id'),
    newCustomer: jsonb('new_customer').$type<Json>(),
    newUser: jsonb('new_user').$type<Json>(),
    billing: jsonb('billing').$type<Json>(),
    shipping: jsonb('shipping').$type<Json>(),
    promoCode: text('promo_code'),
    consents: jsonb('consents').$type<Json>(),
    pricing: jsonb('pricing').$type<Json>(),
    submission: jsonb('submission').$type<Json>(),
    createdEntities: jsonb('created_entities').$type<Json>(),
    failure: jsonb('failure').$type<Json>(),
    fulfilmentAttempts: integer('fulfilment_attempts').notNull().default(0),
    lineItemSeq: integer('line_item_seq').notNull().default(0),
    metadata: jsonb('metadata').$type<Json>().notNull().default({}),
    expiresAt: timestamptz('expires_at').notNull(),
    submittedAt: timestamptz('submitted_at'),
    completedAt: timestamptz('completed_at'),
    cancelledAt: timestamptz('cancelled_at'),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
)

export const orderLineItem = pgTable(
  'order_line_item',
  {
    tenantId: uuid('tenant_id').notNull(),
    orderId: uuid('order_id').notNull(),
    lineItemId: text('line_item_id').notNull(),
    position: integer('position').notNull(),
    type: text('type').notNull(),
    item: jsonb('item').$type<LineItem>().notNull(),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.orderId, t.lineItemId] })],
)
