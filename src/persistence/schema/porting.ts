import { integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core'
import { timestamptz } from './columns.js'
import type { PortingCountry } from '../../domain/porting/details.js'
import type { PortInStatus, PortingDirection } from '../../domain/porting/port-in.js'
import { tenant } from './access.js'

export const portIn = pgTable(
  'port_in',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenant.id),
    id: uuid('id').notNull(),
    subscriptionId: uuid('subscription_id').notNull(),
    direction: text('direction').$type<PortingDirection>().notNull().default('INBOUND'),
    status: text('status').$type<PortInStatus>().notNull(),
    msisdn: text('msisdn').notNull(),
    country: text('country').$type<PortingCountry>().notNull(),
    temporaryMsisdn: text('temporary_msisdn'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull(),
    revision: integer('revision').notNull().default(1),
    providerType: text('provider_type').notNull(),
    providerReference: text('provider_reference'),
    scheduledAt: timestamptz('scheduled_at'),
    rejectionReason: text('rejection_reason'),
    rejectedAt: timestamptz('rejected_at'),
    failureReason: text('failure_reason'),
    completedAt: timestamptz('completed_at'),
    failedAt: timestamptz('failed_at'),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
)
