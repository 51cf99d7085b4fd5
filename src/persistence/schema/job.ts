import { integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core'
import { timestamptz } from './columns.js'

/** The nil UUID stands for "no tenant" on system jobs (purges), so `tenant_id` can lead every key. */
export const SYSTEM_TENANT_ID = '00000000-0000-0000-0000-000000000000'

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed'

/**
 * A job queue claimed with `FOR UPDATE SKIP LOCKED`. A tenant's job is due when its `run_at` has
 * passed on that tenant's clock (a sandbox test clock runs ahead of real time). `dedupe_key` makes
 * enqueueing idempotent while a job with that key is still queued or running.
 */
export const job = pgTable(
  'job',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    kind: text('kind').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    dedupeKey: text('dedupe_key'),
    state: text('state').$type<JobState>().notNull(),
    runAt: timestamptz('run_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    lockedBy: text('locked_by'),
    lockedUntil: timestamptz('locked_until'),
    lastError: text('last_error'),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
)
