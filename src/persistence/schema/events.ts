import { bigint, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core'
import { timestamptz } from './columns.js'
import { tenant } from './access.js'

/** The outbox. `data` is the full snapshot of the resource in its API shape at the change. */
export const event = pgTable(
  'event',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenant.id),
    id: uuid('id').notNull(),
    type: text('type').notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id').notNull(),
    /** The stream the event is numbered in: its resource, or the subscription an add-on, top-up, license or port-in belongs to. */
    streamType: text('stream_type').notNull(),
    streamId: text('stream_id').notNull(),
    /** 1, 2, 3, … without gaps within the stream. */
    sequence: bigint('sequence', { mode: 'number' }).notNull(),
    /** When the change took effect, on the tenant's clock. */
    occurredAt: timestamptz('occurred_at').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    requestId: text('request_id'),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id').notNull(),
    actorLabel: text('actor_label').notNull(),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
)

/** The last sequence number of each stream: bumped by the transaction that emits into it. */
export const eventStream = pgTable(
  'event_stream',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenant.id),
    streamType: text('stream_type').notNull(),
    streamId: text('stream_id').notNull(),
    lastSequence: bigint('last_sequence', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.streamType, t.streamId] })],
)
