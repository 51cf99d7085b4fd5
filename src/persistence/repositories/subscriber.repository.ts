import { and, asc, eq, getTableColumns, inArray } from 'drizzle-orm'
import type { Executor } from '../database.js'
import type { Window } from '../paging.js'
import { afterKey, countAll } from '../paging.js'
import { customer, subscriber } from '../schema/index.js'

export type SubscriberRow = typeof subscriber.$inferSelect
export type SubscriberPatch = Partial<Pick<SubscriberRow, 'name' | 'email' | 'address' | 'metadata' | 'updatedAt'>>
/** A subscriber with the name of its customer, for the embedded `customer`. */
export type SubscriberWithCustomer = SubscriberRow & { customerName: string }

export interface SubscriberFilter {
  customerIds?: string[]
  ids?: string[]
}

const withCustomer = { ...getTableColumns(subscriber), customerName: customer.name }
const customerJoin = and(eq(customer.tenantId, subscriber.tenantId), eq(customer.id, subscriber.customerId))

export async function insertSubscriber(ex: Executor, row: SubscriberRow): Promise<void> {
  await ex.insert(subscriber).values(row)
}

export async function findSubscriber(
  ex: Executor,
  tenantId: string,
  id: string,
): Promise<SubscriberWithCustomer | undefined> {
  const [row] = await ex
    .select(withCustomer)
    .from(subscriber)
    .innerJoin(customer, customerJoin)
    .where(and(eq(subscriber.tenantId, tenantId), eq(subscriber.id, id)))
  return row
}

/** The subscribers among `ids`, with their customer's name, in one statement. */
export async function findSubscribers(
  ex: Executor,
  tenantId: string,
  ids: readonly string[],
): Promise<SubscriberWithCustomer[]> {
  if (ids.length === 0) return []
  return ex
    .select(withCustomer)
    .from(subscriber)
    .innerJoin(customer, customerJoin)
    .where(and(eq(subscriber.tenantId, tenantId), inArray(subscriber.id, [...ids])))
}

/** The row, locked until the transaction ends: the read of a read-modify-write. */
export async function lockSubscriber(ex: Executor, tenantId: string, id: string): Promise<SubscriberRow | undefined> {
  const [row] = await ex
    .select()
    .from(subscriber)
    .where(and(eq(subscriber.tenantId, tenantId), eq(subscriber.id, id)))
    .for('update')
  return row
}

const matching = (tenantId: string, filter: SubscriberFilter) =>
  and(
    eq(subscriber.tenantId, tenantId),
    filter.customerIds ? inArray(subscriber.customerId, filter.customerIds) : undefined,
    filter.ids ? inArray(subscriber.id, filter.ids) : undefined,
  )

export async function listSubscribers(
  ex: Executor,
  tenantId: string,
  filter: SubscriberFilter,
  window: Window,
): Promise<SubscriberWithCustomer[]> {
  return ex
    .select(withCustomer)
    .from(subscriber)
    .innerJoin(customer, customerJoin)
    .where(and(matching(tenantId, filter), afterKey(subscriber.id, window)))
    .orderBy(asc(subscriber.id))
    .limit(window.limit)
    .offset(window.offset ?? 0)
}

export async function countSubscribers(ex: Executor, tenantId: string, filter: SubscriberFilter): Promise<number> {
  const [row] = await ex.select(countAll()).from(subscriber).where(matching(tenantId, filter))
  return row?.n ?? 0
}

export async function updateSubscriber(
  ex: Executor,
  tenantId: string,
  id: string,
  patch: SubscriberPatch,
): Promise<SubscriberRow | undefined> {
  const [row] = await ex
    .update(subscriber)
    .set(patch)
    .where(and(eq(subscriber.tenantId, tenantId), eq(subscriber.id, id)))
    .returning()
  return row
}
