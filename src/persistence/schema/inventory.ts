import { integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core'
import { timestamptz } from './columns.js'
import type { NumberStatus } from '../../domain/inventory/numbers.js'
import type { SimStatus, SimType } from '../../domain/inventory/sims.js'
import { tenant } from './access.js'

/** What the database keeps of an eSIM profile: the domain's, with its instant as ISO text (JSON). */
export interface StoredEsimProfile {
  status: string
  eid: string | null
  lastOperationAt: string
}

export const numberLease = pgTable(
  'number_lease',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenant.id),
    id: uuid('id').notNull(),
    tokenHash: text('token_hash').notNull(),
    leasedAt: timestamptz('leased_at').notNull(),
    expiresAt: timestamptz('expires_at').notNull(),
    releasedAt: timestamptz('released_at'),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
)

export const phoneNumber = pgTable(
  'phone_number',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenant.id),
    msisdn: text('msisdn').notNull(),
    type: text('type').notNull(),
    grade: integer('grade').notNull().default(0),
    status: text('status').$type<NumberStatus>().notNull(),
    availableAt: timestamptz('available_at').notNull(),
    leaseId: uuid('lease_id'),
    leasedAt: timestamptz('leased_at'),
    leaseExpiresAt: timestamptz('lease_expires_at'),
    subscriptionId: uuid('subscription_id'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.msisdn] })],
)

export const sim = pgTable(
  'sim',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenant.id),
    iccid: text('iccid').notNull(),
    type: text('type').$type<SimType>().notNull(),
    status: text('status').$type<SimStatus>().notNull(),
    imsi: text('imsi'),
    lpa: text('lpa'),
    puk1: text('puk1'),
    puk2: text('puk2'),
    pin: text('pin'),
    subscriptionId: uuid('subscription_id'),
    esimProfile: jsonb('esim_profile').$type<StoredEsimProfile>(),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.iccid] })],
)
