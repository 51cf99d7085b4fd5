import { bigint, boolean, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core'
import { timestamptz } from './columns.js'
import { tenant } from './access.js'

export type WebhookDeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'paused'

/** An integrator's receiver. The signing secrets are stored encrypted (see services/webhooks/secret-box.ts). */
export const webhookEndpoint = pgTable(
  'webhook_endpoint',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenant.id),
    id: uuid('id').notNull(),
    url: text('url').notNull(),
    description: text('description'),
    /** null: every type; else exact types and `prefix.*` patterns. */
    eventTypes: jsonb('event_types').$type<string[] | null>(),
    enabled: boolean('enabled').notNull(),
    disabledReason: text('disabled_reason'),
    headers: jsonb('headers').$type<Record<string, string>>().notNull().default({}),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    secretCiphertext: text('secret_ciphertext').notNull(),
    previousSecretCiphertext: text('previous_secret_ciphertext'),
    previousSecretExpiresAt: timestamptz('previous_secret_expires_at'),
    failingSince: timestamptz('failing_since'),
    nextProbeAt: timestamptz('next_probe_at'),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
)

/** One event for one endpoint. `seq` orders a stream; `next_attempt_at` is on the tenant's clock. */
export const webhookDelivery = pgTable(
  'webhook_delivery',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
    endpointId: uuid('endpoint_id').notNull(),
    eventId: uuid('event_id').notNull(),
    eventType: text('event_type').notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id').notNull(),
    streamKey: text('stream_key').notNull(),
    status: text('status').$type<WebhookDeliveryStatus>().notNull(),
    attempts: integer('attempts').notNull().default(0),
    retryStep: integer('retry_step').notNull().default(0),
    nextAttemptAt: timestamptz('next_attempt_at').notNull(),
    leaseUntil: timestamptz('lease_until'),
    leaseOwner: text('lease_owner'),
    lastAttemptAt: timestamptz('last_attempt_at'),
    completedAt: timestamptz('completed_at'),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
)

export const webhookAttempt = pgTable(
  'webhook_attempt',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    deliveryId: uuid('delivery_id').notNull(),
    at: timestamptz('at').notNull(),
    durationMs: integer('duration_ms').notNull(),
    statusCode: integer('status_code'),
    responseBody: text('response_body'),
    error: text('error'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
)
