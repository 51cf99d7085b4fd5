import { and, asc, eq, inArray, or } from 'drizzle-orm'
import type { EntityRef } from '../../domain/shared/ids.js'
import type { SubscriptionStatus } from '../../domain/subscriptions/status.js'
import type { Executor } from '../database.js'
import type { Window } from '../paging.js'
import { afterKey, countAll } from '../paging.js'
import { customer, subscriber, subscription } from '../schema/index.js'
import type { SubscriberRow } from './subscriber.repository.js'

export type SubscriptionRow = typeof subscription.$inferSelect

/** A locked subscription with what its view embeds: its customer's name, its subscriber and its port-in. */
export interface LockedForView {
  row: SubscriptionRow
  customerName: string | null
  subscriber: SubscriberRow | null
}

export interface SubscriptionFilter {
  statuses?: SubscriptionStatus[]
  customerIds?: string[]
  subscriberIds?: string[]
  productOfferingIds?: string[]
  msisdns?: string[]
}

const byRef = (tenantId: string, ref: EntityRef) =>
  and(
    eq(subscription.tenantId, tenantId),
    ref.kind === 'id' ? eq(subscription.id, ref.id) : eq(subscription.referenceId, ref.reference),
  )

export async function insertSubscription(ex: Executor, row: SubscriptionRow): Promise<void> {
  await ex.insert(subscription).values(row)
}

export async function findSubscription(
  ex: Executor,
  tenantId: string,
  ref: EntityRef,
): Promise<SubscriptionRow | undefined> {
  const [row] = await ex.select().from(subscription).where(byRef(tenantId, ref))
  return row
}

export async function lockSubscription(
  ex: Executor,
  tenantId: string,
  ref: EntityRef,
): Promise<SubscriptionRow | undefined> {
  const [row] = await ex.select().from(subscription).where(byRef(tenantId, ref)).for('update')
  return row
}

/**
 * `lockSubscription` with, in the same statement, the customer's name and the subscriber its view
 * embeds (read, not locked: `for update of subscription`), for a write that answers or publishes
 * the subscription and would otherwise read them one by one after the lock. Not the port-in: in
 * READ COMMITTED a lock that waits re-reads only the locked row, so a port-in completed by the
 * transaction it waited for (which moves the number onto the subscription in the same commit)
 * would come back as it was before, beside the new number. The caller reads it after the lock.
 */
export async function lockSubscriptionForView(
  ex: Executor,
  tenantId: string,
  ref: EntityRef,
): Promise<LockedForView | undefined> {
  const [found] = await ex
    .select({ row: subscription, customerName: customer.name, subscriber })
    .from(subscription)
    // Each joined table tied to the tenant by the parameter itself: one shard, one partition.
    .leftJoin(customer, and(eq(customer.tenantId, tenantId), eq(customer.id, subscription.customerId)))
    .leftJoin(subscriber, and(eq(subscriber.tenantId, tenantId), eq(subscriber.id, subscription.subscriberId)))
    .where(byRef(tenantId, ref))
    .for('update', { of: subscription })
  return found
}

export async function updateSubscription(
  ex: Executor,
  tenantId: string,
  id: string,
  patch: Partial<Omit<SubscriptionRow, 'tenantId' | 'id'>>,
): Promise<SubscriptionRow> {
  const [row] = await ex
    .update(subscription)
    .set(patch)
    .where(and(eq(subscription.tenantId, tenantId), eq(subscription.id, id)))
    .returning()
  return row as SubscriptionRow
}

const matching = (tenantId: string, f: SubscriptionFilter) =>
  and(
    eq(subscription.tenantId, tenantId),
    f.statuses?.length ? inArray(subscription.status, f.statuses) : undefined,
    f.customerIds?.length ? inArray(subscription.customerId, f.customerIds) : undefined,
    f.subscriberIds?.length ? inArray(subscription.subscriberId, f.subscriberIds) : undefined,
    f.productOfferingIds?.length ? inArray(subscription.productOfferingId, f.productOfferingIds) : undefined,
    f.msisdns?.length ? inArray(subscription.msisdn, f.msisdns) : undefined,
  )

export async function listSubscriptions(
  ex: Executor,
  tenantId: string,
  filter: SubscriptionFilter,
  window: Window,
): Promise<SubscriptionRow[]> {
  return ex
    .select()
    .from(subscription)
    .where(and(matching(tenantId, filter), afterKey(subscription.id, window)))
    .orderBy(asc(subscription.id))
    .limit(window.limit)
    .offset(window.offset ?? 0)
}

export async function countSubscriptions(ex: Executor, tenantId: string, filter: SubscriptionFilter): Promise<number> {
  const [row] = await ex.select(countAll()).from(subscription).where(matching(tenantId, filter))
  return row?.n ?? 0
}

/** subscriber id → its subscription ids: what the parties area shows on a subscriber. */
export async function idsBySubscriber(
  ex: Executor,
  tenantId: string,
  subscriberIds: string[],
): Promise<{ subscriberId: string; id: string }[]> {
  if (subscriberIds.length === 0) return []
  const rows = await ex
    .select({ subscriberId: subscription.subscriberId, id: subscription.id })
    .from(subscription)
    .where(and(eq(subscription.tenantId, tenantId), inArray(subscription.subscriberId, subscriberIds)))
    .orderBy(asc(subscription.id))
  return rows.filter((r): r is { subscriberId: string; id: string } => r.subscriberId !== null)
}

/** The subscribers of these subscriptions, found by id or by reference. */
export async function subscriberIdsOf(
  ex: Executor,
  tenantId: string,
  refs: { ids: string[]; references: string[] },
): Promise<string[]> {
  if (refs.ids.length + refs.references.length === 0) return []
  const rows = await ex
    .select({ subscriberId: subscription.subscriberId })
    .from(subscription)
    .where(
      and(
        eq(subscription.tenantId, tenantId),
        or(
          refs.ids.length ? inArray(subscription.id, refs.ids) : undefined,
          refs.references.length ? inArray(subscription.referenceId, refs.references) : undefined,
        ),
      ),
    )
  return rows.map((r) => r.subscriberId).filter((id): id is string => id !== null)
}

/** The `display` of each of these subscriptions, by id. */
export async function displaysOf(ex: Executor, tenantId: string, ids: string[]): Promise<Map<string, string | null>> {
  if (ids.length === 0) return new Map()
  const rows = await ex
    .select({ id: subscription.id, display: subscription.display })
    .from(subscription)
    .where(and(eq(subscription.tenantId, tenantId), inArray(subscription.id, ids)))
  return new Map(rows.map((r) => [r.id, r.display]))
}
