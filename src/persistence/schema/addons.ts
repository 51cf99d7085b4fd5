import { jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core'
import { timestamptz } from './columns.js'
import type { AddonStatus, AuditActor, ExternalIds, Provisioning } from '../../domain/addons/addon.js'
import { tenant } from './access.js'

export const subscriptionAddon = pgTable(
  'subscription_addon',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenant.id),
    id: uuid('id').notNull(),
    subscriptionId: uuid('subscription_id').notNull(),
    productOfferingId: text('product_offering_id').notNull(),
    status: text('status').$type<AddonStatus>().notNull(),
    referenceId: text('reference_id'),
    licenseId: uuid('license_id'),
    addedAt: timestamptz('added_at').notNull(),
    activatedAt: timestamptz('activated_at'),
    billingAnchorAt: timestamptz('billing_anchor_at'),
    expiresAt: timestamptz('expires_at'),
    cancelledAt: timestamptz('cancelled_at'),
    expiredAt: timestamptz('expired_at'),
    endReason: text('end_reason'),
    provisioning: jsonb('provisioning').$type<Provisioning>(),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
    /** Who added it, and who ended it (null while attached, or for rows older than migration 0010). */
    createdBy: jsonb('created_by').$type<AuditActor>(),
    endedBy: jsonb('ended_by').$type<AuditActor>(),
    /** Ids other systems know the add-on by (the V2 API's legacy and provider ids). */
    externalIds: jsonb('external_ids').$type<ExternalIds>().notNull().default({}),
    /** Fingerprint of the add request: adding again with the same client-chosen id must match it. */
    requestHash: text('request_hash'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
)
