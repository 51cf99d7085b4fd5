import { index, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core'
import type { Role } from '../../domain/operators/roles.js'
import { tenant } from './access.js'
import { timestamptz } from './columns.js'

/** A person who signs in to the portal; platform-level, not tenant-owned (memberships say where). */
export const operator = pgTable('operator', {
  id: uuid('id').primaryKey(),
  email: text('email').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  disabledAt: timestamptz('disabled_at'),
  createdAt: timestamptz('created_at').notNull(),
  updatedAt: timestamptz('updated_at').notNull(),
})

export const operatorMembership = pgTable(
  'operator_membership',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenant.id),
    operatorId: uuid('operator_id')
      .notNull()
      .references(() => operator.id),
    role: text('role').$type<Role>().notNull(),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.operatorId] }),
    index('operator_membership_by_operator').on(t.operatorId),
  ],
)

export const operatorSession = pgTable(
  'operator_session',
  {
    /** sha256 of the cookie value. */
    idHash: text('id_hash').primaryKey(),
    operatorId: uuid('operator_id')
      .notNull()
      .references(() => operator.id),
    /** The tenant the session is looking at (switchable among the operator's memberships). */
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenant.id),
    csrfSecret: text('csrf_secret').notNull(),
    address: text('address').notNull(),
    createdAt: timestamptz('created_at').notNull(),
    lastSeenAt: timestamptz('last_seen_at').notNull(),
    revokedAt: timestamptz('revoked_at'),
  },
  (t) => [index('operator_session_by_operator').on(t.operatorId)],
)

export const operatorSignInFailure = pgTable(
  'operator_sign_in_failure',
  {
    subject: text('subject').notNull(),
    at: timestamptz('at').notNull(),
    id: uuid('id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.subject, t.at, t.id] })],
)
