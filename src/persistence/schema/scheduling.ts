import { jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core'
import { timestamptz } from './columns.js'
import { tenant } from './access.js'

export type ChangeStatus = 'PENDING' | 'APPLIED' | 'WITHDRAWN' | 'SUPERSEDED' | 'FAILED'

export const scheduledChange = pgTable(
  'scheduled_change',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenant.id),
    id: uuid('id').notNull(),
    targetType: text('target_type').notNull(),
    targetId: uuid('target_id').notNull(),
    kind: text('kind').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    effectiveAt: timestamptz('effective_at').notNull(),
    status: text('status').$type<ChangeStatus>().notNull(),
    reason: text('reason'),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id').notNull(),
    actorLabel: text('actor_label').notNull(),
    /** The end user behind the actor (a V2 token's subject), when known. */
    actorUser: text('actor_user'),
    requestId: text('request_id'),
    /** Why it was withdrawn, superseded or failed. */
    outcome: text('outcome'),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
)

export const timelineEntry = pgTable(
  'timeline_entry',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenant.id),
    id: uuid('id').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: uuid('subject_id').notNull(),
    kind: text('kind').notNull(),
    effectiveAt: timestamptz('effective_at').notNull(),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id').notNull(),
    actorLabel: text('actor_label').notNull(),
    /** The end user behind the actor (a V2 token's subject), when known. */
    actorUser: text('actor_user'),
    reason: text('reason'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    scheduledChangeId: uuid('scheduled_change_id'),
    requestId: text('request_id'),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
)
