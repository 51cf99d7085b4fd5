import { and, asc, count, desc, eq, gte, inArray, isNotNull, lt, or, sql } from 'drizzle-orm'
import type { OrderStatus } from '../../domain/orders/inputs.js'
import type { Executor } from '../database.js'
import { containsAny } from '../search.js'
import {
  event,
  customer,
  salesOrder,
  scheduledChange,
  subscription,
  subscriptionAddon,
  webhookEndpoint,
} from '../schema/index.js'

/**
 * The portal's home counts in two statements (subscriptions by status; a row of scalar subqueries for
 * the rest), each bounded by the tenant-leading keys. The portal reads across areas here on purpose: it is a dashboard, and
 * a service call per count would be as many round trips for the same rows.
 */
export async function homeCounts(ex: Executor, tenantId: string, now: Date, until: Date, waitingOrders: OrderStatus[]) {
  const [byStatus, [other]] = await Promise.all([
    ex
      .select({ status: subscription.status, n: count() })
      .from(subscription)
      .where(eq(subscription.tenantId, tenantId))
      .groupBy(subscription.status)
      .orderBy(asc(subscription.status)),
    ex
      .select({
        ordersWaiting: sql<number>`(select count(*)::int from ${salesOrder} where ${salesOrder.tenantId} = ${tenantId} and ${inArray(salesOrder.status, waitingOrders)})`,
        addonsPendingProvisioning: sql<number>`(select count(*)::int from ${subscriptionAddon} where ${subscriptionAddon.tenantId} = ${tenantId} and ${subscriptionAddon.provisioning}->>'state' = 'PENDING')`,
        failingEndpoints: sql<number>`(select count(*)::int from ${webhookEndpoint} where ${webhookEndpoint.tenantId} = ${tenantId} and ${or(isNotNull(webhookEndpoint.failingSince), eq(webhookEndpoint.enabled, false))})`,
        changesDue: sql<number>`(select count(*)::int from ${scheduledChange} where ${and(eq(scheduledChange.tenantId, tenantId), eq(scheduledChange.status, 'PENDING'), gte(scheduledChange.effectiveAt, now), lt(scheduledChange.effectiveAt, until))})`,
      })
      .from(sql`(select 1) as one`),
  ])
  return { subscriptionsByStatus: byStatus, ...(other as NonNullable<typeof other>) }
}

export interface SearchHit {
  kind: 'subscription' | 'customer' | 'order'
  id: string
  label: string
  detail: string | null
}

const LIMIT = 20

/** Subscriptions whose number, read as digits, is the query's digits or ends with them (national formats). */
export async function subscriptionsByNumber(ex: Executor, tenantId: string, digits: string): Promise<SearchHit[]> {
  const stored = sql`regexp_replace(coalesce(${subscription.msisdn}, ''), '[^0-9]', '', 'g')`
  return ex
    .select({
      kind: sql<'subscription'>`'subscription'`,
      id: subscription.id,
      label: subscription.msisdn,
      detail: subscription.status,
    })
    .from(subscription)
    .where(
      and(eq(subscription.tenantId, tenantId), or(sql`${stored} = ${digits}`, sql`${stored} like ${`%${digits}`}`)),
    )
    .orderBy(asc(subscription.id))
    .limit(LIMIT) as Promise<SearchHit[]>
}

export async function subscriptionsByIccid(ex: Executor, tenantId: string, iccid: string): Promise<SearchHit[]> {
  return ex
    .select({
      kind: sql<'subscription'>`'subscription'`,
      id: subscription.id,
      label: subscription.msisdn,
      detail: subscription.status,
    })
    .from(subscription)
    .where(and(eq(subscription.tenantId, tenantId), sql`${subscription.sim}->>'iccid' = ${iccid}`))
    .limit(LIMIT) as Promise<SearchHit[]>
}

/** Whatever carries this UUID or reference: subscriptions, customers, orders (three statements at most). */
export async function byIdOrReference(
  ex: Executor,
  tenantId: string,
  ref: { id?: string; reference?: string },
): Promise<SearchHit[]> {
  const subscriptionKey = ref.id ? eq(subscription.id, ref.id) : eq(subscription.referenceId, ref.reference ?? '')
  const customerKey = ref.id ? eq(customer.id, ref.id) : eq(customer.referenceId, ref.reference ?? '')
  const [subscriptions, customers, orders] = await Promise.all([
    ex
      .select({ id: subscription.id, label: subscription.msisdn, detail: subscription.status })
      .from(subscription)
      .where(and(eq(subscription.tenantId, tenantId), subscriptionKey)),
    ex
      .select({ id: customer.id, label: customer.name, detail: customer.contactEmail })
      .from(customer)
      .where(and(eq(customer.tenantId, tenantId), customerKey)),
    ref.id
      ? ex
          .select({ id: salesOrder.id, label: salesOrder.status, detail: sql<null>`null` })
          .from(salesOrder)
          .where(and(eq(salesOrder.tenantId, tenantId), eq(salesOrder.id, ref.id)))
      : Promise.resolve([]),
  ])
  return [
    ...subscriptions.map((r) => ({ kind: 'subscription' as const, ...r, label: r.label ?? r.id })),
    ...customers.map((r) => ({ kind: 'customer' as const, ...r })),
    ...orders.map((r) => ({ kind: 'order' as const, ...r })),
  ]
}

export async function customersByText(ex: Executor, tenantId: string, text: string): Promise<SearchHit[]> {
  return ex
    .select({ kind: sql<'customer'>`'customer'`, id: customer.id, label: customer.name, detail: customer.contactEmail })
    .from(customer)
    .where(
      and(
        eq(customer.tenantId, tenantId),
        containsAny(text, customer.name, customer.contactEmail, customer.billingEmail),
      ),
    )
    .orderBy(asc(customer.name), asc(customer.id))
    .limit(LIMIT) as Promise<SearchHit[]>
}

/** The tenant's newest events, newest first, with who caused them (ids are time-ordered UUIDv7). */
export async function latestEvents(ex: Executor, tenantId: string, limit: number) {
  return ex
    .select({
      eventId: event.id,
      type: event.type,
      occurredAt: event.occurredAt,
      resourceType: event.resourceType,
      resourceId: event.resourceId,
      actorType: event.actorType,
      actorLabel: event.actorLabel,
    })
    .from(event)
    .where(eq(event.tenantId, tenantId))
    .orderBy(desc(event.id))
    .limit(limit)
}
