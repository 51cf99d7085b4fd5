import type { SQL } from 'drizzle-orm'
import { and, asc, eq, gt, gte, inArray, lt, sql } from 'drizzle-orm'
import type { Executor } from '../database.js'
import { queryRows } from '../database.js'
import type { Window } from '../paging.js'
import { afterKey, countAll } from '../paging.js'
import type { WebhookDeliveryStatus } from '../schema/index.js'
import { event, webhookAttempt, webhookDelivery, webhookEndpoint } from '../schema/index.js'

export type WebhookEndpointRow = typeof webhookEndpoint.$inferSelect
export type WebhookDeliveryRow = typeof webhookDelivery.$inferSelect
export type NewWebhookDelivery = typeof webhookDelivery.$inferInsert
export type WebhookAttemptRow = typeof webhookAttempt.$inferSelect
export type EventRow = typeof event.$inferSelect

/** The channel a committed fan-out notifies; dispatchers LISTEN on it. */
export const WEBHOOK_CHANNEL = 'openline_webhooks'

const endpointKey = (tenantId: string, id: string) =>
  and(eq(webhookEndpoint.tenantId, tenantId), eq(webhookEndpoint.id, id))
const deliveryKey = (tenantId: string, id: string) =>
  and(eq(webhookDelivery.tenantId, tenantId), eq(webhookDelivery.id, id))

// ---- endpoints

export async function insertEndpoint(ex: Executor, row: WebhookEndpointRow): Promise<void> {
  await ex.insert(webhookEndpoint).values(row)
}

export async function findEndpoint(
  ex: Executor,
  tenantId: string,
  id: string,
  lock = false,
): Promise<WebhookEndpointRow | undefined> {
  const query = ex.select().from(webhookEndpoint).where(endpointKey(tenantId, id))
  const [row] = lock ? await query.for('update') : await query
  return row
}

export async function listEndpoints(ex: Executor, tenantId: string, window: Window): Promise<WebhookEndpointRow[]> {
  return ex
    .select()
    .from(webhookEndpoint)
    .where(and(eq(webhookEndpoint.tenantId, tenantId), afterKey(webhookEndpoint.id, window)))
    .orderBy(asc(webhookEndpoint.id))
    .limit(window.limit)
    .offset(window.offset ?? 0)
}

export async function countEndpoints(ex: Executor, tenantId: string): Promise<number> {
  const [row] = await ex.select(countAll()).from(webhookEndpoint).where(eq(webhookEndpoint.tenantId, tenantId))
  return row?.n ?? 0
}

export async function updateEndpoint(
  ex: Executor,
  tenantId: string,
  id: string,
  patch: Partial<WebhookEndpointRow>,
): Promise<WebhookEndpointRow | undefined> {
  const [row] = await ex.update(webhookEndpoint).set(patch).where(endpointKey(tenantId, id)).returning()
  return row
}

export async function deleteEndpoint(ex: Executor, tenantId: string, id: string): Promise<boolean> {
  const rows = await ex.delete(webhookEndpoint).where(endpointKey(tenantId, id)).returning({ id: webhookEndpoint.id })
  return rows.length === 1
}

/**
 * What fan-out needs of a tenant's endpoints. `FOR KEY SHARE` keeps an endpoint from being deleted
 * under a transaction that is adding its deliveries (the delete waits, or the row is skipped),
 * without blocking updates or the dispatcher's claim.
 */
/** An endpoint as the fan-out reads it. */
export type FanOutEndpoint = Pick<WebhookEndpointRow, 'id' | 'eventTypes' | 'enabled'>

export async function endpointsForFanOut(ex: Executor, tenantId: string): Promise<FanOutEndpoint[]> {
  return ex
    .select({ id: webhookEndpoint.id, eventTypes: webhookEndpoint.eventTypes, enabled: webhookEndpoint.enabled })
    .from(webhookEndpoint)
    .where(eq(webhookEndpoint.tenantId, tenantId))
    .for('key share')
}

/**
 * `endpointsForFanOut` as a query to end another statement with (the events' insert), its rows in
 * the same shape: `event_types` is jsonb, which both drivers parse.
 */
export function endpointsForFanOutQuery(tenantId: string): SQL {
  return sql`select ${webhookEndpoint.id} as "id", ${webhookEndpoint.eventTypes} as "eventTypes", ${webhookEndpoint.enabled} as "enabled" from ${webhookEndpoint} where ${webhookEndpoint.tenantId} = ${tenantId} for key share`
}

// ---- deliveries

/** Inserts deliveries and notifies dispatchers; the notification goes out when the transaction commits. */
export async function insertDeliveries(ex: Executor, tenantId: string, rows: NewWebhookDelivery[]): Promise<void> {
  if (rows.length === 0) return
  await ex.insert(webhookDelivery).values(rows)
  await ex.execute(sql`SELECT pg_notify(${WEBHOOK_CHANNEL}, ${tenantId})`)
}

export interface DeliveryFilter {
  endpointId: string
  status?: WebhookDeliveryStatus
  eventTypes?: string[]
  resourceType?: string
  resourceId?: string
}

const deliveriesMatching = (tenantId: string, filter: DeliveryFilter) =>
  and(
    eq(webhookDelivery.tenantId, tenantId),
    eq(webhookDelivery.endpointId, filter.endpointId),
    filter.status ? eq(webhookDelivery.status, filter.status) : undefined,
    filter.eventTypes?.length ? inArray(webhookDelivery.eventType, filter.eventTypes) : undefined,
    filter.resourceType ? eq(webhookDelivery.resourceType, filter.resourceType) : undefined,
    filter.resourceId ? eq(webhookDelivery.resourceId, filter.resourceId) : undefined,
  )

export async function listDeliveries(
  ex: Executor,
  tenantId: string,
  filter: DeliveryFilter,
  window: Window,
): Promise<WebhookDeliveryRow[]> {
  return ex
    .select()
    .from(webhookDelivery)
    .where(and(deliveriesMatching(tenantId, filter), afterKey(webhookDelivery.id, window)))
    .orderBy(asc(webhookDelivery.id))
    .limit(window.limit)
    .offset(window.offset ?? 0)
}

export async function countDeliveries(ex: Executor, tenantId: string, filter: DeliveryFilter): Promise<number> {
  const [row] = await ex.select(countAll()).from(webhookDelivery).where(deliveriesMatching(tenantId, filter))
  return row?.n ?? 0
}

export async function findDelivery(
  ex: Executor,
  tenantId: string,
  id: string,
): Promise<WebhookDeliveryRow | undefined> {
  const [row] = await ex.select().from(webhookDelivery).where(deliveryKey(tenantId, id))
  return row
}

export async function listAttempts(ex: Executor, tenantId: string, deliveryId: string): Promise<WebhookAttemptRow[]> {
  return ex
    .select()
    .from(webhookAttempt)
    .where(and(eq(webhookAttempt.tenantId, tenantId), eq(webhookAttempt.deliveryId, deliveryId)))
    .orderBy(asc(webhookAttempt.id))
}

/** Puts a finished or paused delivery back in the queue, due now, with a fresh retry schedule. */
export async function requeueDelivery(
  ex: Executor,
  tenantId: string,
  id: string,
  input: { status: 'pending' | 'paused'; now: Date },
): Promise<WebhookDeliveryRow | undefined> {
  const [row] = await ex
    .update(webhookDelivery)
    .set({
      status: input.status,
      retryStep: 0,
      nextAttemptAt: input.now,
      leaseUntil: null,
      leaseOwner: null,
      completedAt: null,
      updatedAt: input.now,
    })
    .where(deliveryKey(tenantId, id))
    .returning()
  if (row?.status === 'pending') await ex.execute(sql`SELECT pg_notify(${WEBHOOK_CHANNEL}, ${tenantId})`)
  return row
}

/** A disabled endpoint's queue waits (`paused`); re-enabled, it goes out again, due now, in order. */
export async function pauseDeliveries(ex: Executor, tenantId: string, endpointId: string, now: Date): Promise<void> {
  await ex
    .update(webhookDelivery)
    .set({ status: 'paused', leaseUntil: null, leaseOwner: null, updatedAt: now })
    .where(
      and(
        eq(webhookDelivery.tenantId, tenantId),
        eq(webhookDelivery.endpointId, endpointId),
        eq(webhookDelivery.status, 'pending'),
      ),
    )
}

export async function resumeDeliveries(ex: Executor, tenantId: string, endpointId: string, now: Date): Promise<number> {
  const rows = await ex
    .update(webhookDelivery)
    .set({ status: 'pending', retryStep: 0, nextAttemptAt: now, updatedAt: now })
    .where(
      and(
        eq(webhookDelivery.tenantId, tenantId),
        eq(webhookDelivery.endpointId, endpointId),
        eq(webhookDelivery.status, 'paused'),
      ),
    )
    .returning({ id: webhookDelivery.id })
  if (rows.length > 0) await ex.execute(sql`SELECT pg_notify(${WEBHOOK_CHANNEL}, ${tenantId})`)
  return rows.length
}

/** An endpoint answered again: its backed-off deliveries are due at once. */
export async function releaseBacklog(ex: Executor, tenantId: string, endpointId: string, now: Date): Promise<void> {
  await ex
    .update(webhookDelivery)
    .set({ nextAttemptAt: now, updatedAt: now })
    .where(
      and(
        eq(webhookDelivery.tenantId, tenantId),
        eq(webhookDelivery.endpointId, endpointId),
        eq(webhookDelivery.status, 'pending'),
        gt(webhookDelivery.nextAttemptAt, now),
      ),
    )
}

/** Events of a tenant in [since, until), oldest first, for a replay. */
export async function eventsBetween(
  ex: Executor,
  tenantId: string,
  input: { since: Date; until?: Date; types?: string[]; limit: number },
): Promise<EventRow[]> {
  return ex
    .select()
    .from(event)
    .where(
      and(
        eq(event.tenantId, tenantId),
        gte(event.occurredAt, input.since),
        input.until ? lt(event.occurredAt, input.until) : undefined,
        input.types?.length ? inArray(event.type, input.types) : undefined,
      ),
    )
    .orderBy(asc(event.createdAt), asc(event.id))
    .limit(input.limit)
}

// ---- the dispatcher

/**
 * Tenants with something due (a delivery, or a failing endpoint's probe), and how far each one's
 * clock runs ahead of real time. An unlocked read across tenants, grouped by tenant (on Citus every
 * shard answers for its own tenants and nothing is locked). Tenants come in id order starting after
 * `after` and wrapping round, so a dispatcher that passes the last tenant it served visits each in turn.
 */
export async function tenantsWithDueDeliveries(
  ex: Executor,
  realNow: Date,
  limit: number,
  after = '00000000-0000-0000-0000-000000000000',
): Promise<{ tenantId: string; clockOffsetMs: number }[]> {
  const now = realNow.toISOString()
  const rows = await queryRows<{ tenant_id: string; clock_offset_ms: string | number }>(
    ex,
    sql`SELECT d.tenant_id, t.clock_offset_ms
        FROM webhook_delivery d
        JOIN webhook_endpoint e ON e.tenant_id = d.tenant_id AND e.id = d.endpoint_id
        JOIN tenant t ON t.id = d.tenant_id
        WHERE d.status = 'pending' AND e.enabled
          AND (d.lease_until IS NULL OR d.lease_until <= ${now}::timestamptz)
          AND (d.next_attempt_at <= ${now}::timestamptz + t.clock_offset_ms * interval '1 millisecond'
               OR (e.failing_since IS NOT NULL
                   AND e.next_probe_at <= ${now}::timestamptz + t.clock_offset_ms * interval '1 millisecond'))
        GROUP BY d.tenant_id, t.clock_offset_ms
        ORDER BY d.tenant_id <= ${after}::uuid, d.tenant_id
        LIMIT ${limit}`,
  )
  return rows.map((r) => ({ tenantId: r.tenant_id, clockOffsetMs: Number(r.clock_offset_ms) }))
}

/**
 * The deliveries of one tenant that may go out now, locked: pending, due (or the probe of a failing
 * endpoint whose probe time came), not leased by a live dispatcher, of an enabled endpoint, and the
 * head of their stream (nothing earlier of the same endpoint and stream is still pending or
 * paused). A failing endpoint with a delivery in flight offers none. The endpoint row is locked too
 * (`NO KEY UPDATE`: fan-out's `KEY SHARE` does not wait for it), so two dispatchers never both
 * probe one failing endpoint.
 */
export async function lockClaimable(
  ex: Executor,
  input: { tenantId: string; now: Date; realNow: Date; limit: number },
): Promise<{ id: string; endpointId: string; failing: boolean }[]> {
  const now = input.now.toISOString()
  const realNow = input.realNow.toISOString()
  // The subqueries name the tenant themselves: the planner does not carry d.tenant_id = $1 into
  // them, and would scan every partition (every shard on Citus) for the correlated rows. The
  // in-flight check is on the endpoint (e.id, not d.endpoint_id): PostgreSQL then checks it once per
  // endpoint, not once per delivery, and the plan walks webhook_delivery_due in the claim's order
  // and stops at the limit (migration 0022) instead of reading and sorting the whole backlog.
  const rows = await queryRows<{ id: string; endpoint_id: string; failing: boolean }>(
    ex,
    sql`SELECT d.id, d.endpoint_id, e.failing_since IS NOT NULL AS failing
        FROM webhook_delivery d
        JOIN webhook_endpoint e ON e.tenant_id = d.tenant_id AND e.id = d.endpoint_id
        WHERE d.tenant_id = ${input.tenantId} AND d.status = 'pending' AND e.enabled
          AND (d.lease_until IS NULL OR d.lease_until <= ${realNow}::timestamptz)
          AND (d.next_attempt_at <= ${now}::timestamptz
               OR (e.failing_since IS NOT NULL AND e.next_probe_at <= ${now}::timestamptz))
          AND NOT EXISTS (
            SELECT 1 FROM webhook_delivery p
            WHERE p.tenant_id = ${input.tenantId} AND p.endpoint_id = d.endpoint_id AND p.stream_key = d.stream_key
              AND p.status IN ('pending', 'paused') AND p.seq < d.seq)
          AND (e.failing_since IS NULL OR NOT EXISTS (
            SELECT 1 FROM webhook_delivery f
            WHERE f.tenant_id = ${input.tenantId} AND f.endpoint_id = e.id AND f.status = 'pending'
              AND f.lease_until > ${realNow}::timestamptz))
        ORDER BY d.next_attempt_at, d.seq
        LIMIT ${input.limit}
        FOR NO KEY UPDATE OF d, e SKIP LOCKED`,
  )
  return rows.map((r) => ({ id: r.id, endpointId: r.endpoint_id, failing: r.failing }))
}

export interface ClaimedRow {
  delivery: WebhookDeliveryRow
  endpoint: WebhookEndpointRow
  event: EventRow
}

/** Leases the chosen deliveries and reads what sending them needs. */
export async function leaseDeliveries(
  ex: Executor,
  input: { tenantId: string; ids: string[]; owner: string; leaseUntil: Date; now: Date },
): Promise<ClaimedRow[]> {
  if (input.ids.length === 0) return []
  await ex
    .update(webhookDelivery)
    .set({ leaseUntil: input.leaseUntil, leaseOwner: input.owner, updatedAt: input.now })
    .where(and(eq(webhookDelivery.tenantId, input.tenantId), inArray(webhookDelivery.id, input.ids)))
  const rows = await ex
    .select({ delivery: webhookDelivery, endpoint: webhookEndpoint, event })
    .from(webhookDelivery)
    .innerJoin(
      webhookEndpoint,
      and(eq(webhookEndpoint.tenantId, webhookDelivery.tenantId), eq(webhookEndpoint.id, webhookDelivery.endpointId)),
    )
    .innerJoin(event, and(eq(event.tenantId, webhookDelivery.tenantId), eq(event.id, webhookDelivery.eventId)))
    .where(and(eq(webhookDelivery.tenantId, input.tenantId), inArray(webhookDelivery.id, input.ids)))
    .orderBy(asc(webhookDelivery.seq))
  return rows
}

export async function insertAttempt(ex: Executor, row: WebhookAttemptRow): Promise<void> {
  await ex.insert(webhookAttempt).values(row)
}

/**
 * Records the outcome of a send, if this dispatcher still holds the lease (a dispatcher whose lease
 * lapsed lost the delivery to another; its late answer changes nothing). False when it did not.
 */
export async function settleDelivery(
  ex: Executor,
  row: Pick<WebhookDeliveryRow, 'tenantId' | 'id'>,
  owner: string,
  patch: Partial<WebhookDeliveryRow>,
): Promise<boolean> {
  const updated = await ex
    .update(webhookDelivery)
    .set({ ...patch, leaseUntil: null, leaseOwner: null })
    .where(
      and(
        deliveryKey(row.tenantId, row.id),
        eq(webhookDelivery.leaseOwner, owner),
        eq(webhookDelivery.status, 'pending'),
      ),
    )
    .returning({ id: webhookDelivery.id })
  return updated.length === 1
}

/** A failed attempt: the endpoint is failing since its first failure after a success. */
export async function markEndpointFailing(
  ex: Executor,
  tenantId: string,
  id: string,
  input: { now: Date; nextProbeAt: Date },
): Promise<WebhookEndpointRow | undefined> {
  const [row] = await ex
    .update(webhookEndpoint)
    .set({
      failingSince: sql`coalesce(${webhookEndpoint.failingSince}, ${input.now.toISOString()}::timestamptz)`,
      nextProbeAt: input.nextProbeAt,
    })
    .where(endpointKey(tenantId, id))
    .returning()
  return row
}

/** A success: the endpoint is healthy again. True when it had been failing. */
export async function markEndpointHealthy(ex: Executor, tenantId: string, id: string): Promise<boolean> {
  const rows = await ex
    .update(webhookEndpoint)
    .set({ failingSince: null, nextProbeAt: null })
    .where(and(endpointKey(tenantId, id), sql`${webhookEndpoint.failingSince} IS NOT NULL`))
    .returning({ id: webhookEndpoint.id })
  return rows.length === 1
}

/** Disables an enabled endpoint; undefined when it already was disabled (so only one caller reports it). */
export async function disableEndpoint(
  ex: Executor,
  tenantId: string,
  id: string,
  input: { reason: string; now: Date },
): Promise<WebhookEndpointRow | undefined> {
  const [row] = await ex
    .update(webhookEndpoint)
    .set({ enabled: false, disabledReason: input.reason, updatedAt: input.now })
    .where(and(endpointKey(tenantId, id), eq(webhookEndpoint.enabled, true)))
    .returning()
  return row
}

/** Deletes finished deliveries (with their attempts) completed before `before`. */
export async function deleteFinishedDeliveries(ex: Executor, before: Date): Promise<number> {
  const rows = await ex
    .delete(webhookDelivery)
    .where(and(inArray(webhookDelivery.status, ['succeeded', 'failed']), lt(webhookDelivery.updatedAt, before)))
    .returning({ id: webhookDelivery.id })
  return rows.length
}

/**
 * Events older than `before` that no delivery still needs (any delivery of it, pending, paused or
 * kept, holds it: it is the body that delivery sends). Across tenants: a retention purge.
 */
export async function deleteOldEvents(ex: Executor, before: Date): Promise<number> {
  const rows = await ex
    .delete(event)
    .where(
      and(
        lt(event.createdAt, before),
        sql`not exists (select 1 from ${webhookDelivery} where ${webhookDelivery.tenantId} = ${event.tenantId} and ${webhookDelivery.eventId} = ${event.id})`,
      ),
    )
    .returning({ id: event.id })
  return rows.length
}

// ---- metrics

/**
 * Every endpoint's oldest delivery still waiting to be sent (pending), across tenants: a read for
 * `/metrics`, unlocked and by the status index, never part of a request.
 */
export async function oldestPendingByEndpoint(
  ex: Executor,
): Promise<{ tenantId: string; endpointId: string; createdAt: Date }[]> {
  return ex
    .select({
      tenantId: webhookDelivery.tenantId,
      endpointId: webhookDelivery.endpointId,
      createdAt: sql<Date>`min(${webhookDelivery.createdAt})`.mapWith((v: string | Date) => new Date(v)),
    })
    .from(webhookDelivery)
    .where(eq(webhookDelivery.status, 'pending'))
    .groupBy(webhookDelivery.tenantId, webhookDelivery.endpointId)
}
