import { integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core'
import { timestamptz } from './columns.js'
import { tenant } from './access.js'

export const idempotencyKey = pgTable(
  'idempotency_key',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenant.id),
    key: text('key').notNull(),
    /** in_progress → completed; expired once its 24 hours are over and the stored response is dropped. */
    state: text('state').$type<'in_progress' | 'completed' | 'expired'>().notNull(),
    method: text('method').notNull(),
    route: text('route').notNull(),
    paramsHash: text('params_hash').notNull(),
    bodyHash: text('body_hash').notNull(),
    /** Identifies the request that holds the claim, so a late finisher cannot overwrite a takeover. */
    claimToken: uuid('claim_token').notNull(),
    lockedUntil: timestamptz('locked_until'),
    responseStatus: integer('response_status'),
    responseHeaders: jsonb('response_headers').$type<Record<string, string>>(),
    responseBody: text('response_body'),
    createdAt: timestamptz('created_at').notNull(),
    completedAt: timestamptz('completed_at'),
    expiresAt: timestamptz('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.key] })],
)
