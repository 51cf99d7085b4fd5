import { bigint, boolean, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core'
import { timestamptz } from './columns.js'

/** The root of tenancy. Every other tenant-owned table leads its keys with `tenant_id`. */
export const tenant = pgTable('tenant', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull().unique(),
  timeZone: text('time_zone').notNull(),
  sandbox: boolean('sandbox').notNull(),
  /** A sandbox tenant's test clock: how far its time runs ahead of real time. Only grows. */
  clockOffsetMs: bigint('clock_offset_ms', { mode: 'number' }).notNull().default(0),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: timestamptz('created_at').notNull(),
  updatedAt: timestamptz('updated_at').notNull(),
})

export const apiKey = pgTable(
  'api_key',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenant.id),
    id: uuid('id').notNull(),
    label: text('label').notNull(),
    /** sha256 of the secret part; the secret itself is never stored. */
    secretHash: text('secret_hash').notNull(),
    /** The last four characters of the key, so people can tell keys apart. */
    hint: text('hint').notNull(),
    scopes: text('scopes').array().notNull(),
    createdAt: timestamptz('created_at').notNull(),
    lastUsedAt: timestamptz('last_used_at'),
    revokedAt: timestamptz('revoked_at'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
)
