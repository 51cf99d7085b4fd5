import { and, asc, eq, gte, inArray, lte, max } from 'drizzle-orm'
import type { OrderStatus } from '../../domain/orders/inputs.js'
import type { Executor } from '../database.js'
import type { Window } from '../paging.js'
import { afterKey, countAll } from '../paging.js'
import { orderLineItem, salesOrder } from '../schema/index.js'

export type OrderRow = typeof salesOrder.$inferSelect
export type LineItemRow = typeof orderLineItem.$inferSelect

export interface OrderFilter {
  statuses?: OrderStatus[]
  customerIds?: string[]
  userIds?: string[]
  expiresAfter?: Date
  expiresBefore?: Date
}

const one = (tenantId: string, id: string) => and(eq(salesOrder.tenantId, tenantId), eq(salesOrder.id, id))

export async function insertOrder(ex: Executor, row: OrderRow): Promise<void> {
  await ex.insert(salesOrder).values(row)
}

export async function findOrder(ex: Executor, tenantId: string, id: string): Promise<OrderRow | undefined> {
  const [row] = await ex.select().from(salesOrder).where(one(tenantId, id))
  return row
}

export async function lockOrder(ex: Executor, tenantId: string, id: string): Promise<OrderRow | undefined> {
  const [row] = await ex.select().from(salesOrder).where(one(tenantId, id)).for('update')
  return row
}

export async function updateOrder(
  ex: Executor,
  tenantId: string,
  id: string,
  patch: Partial<Omit<OrderRow, 'tenantId' | 'id'>>,
): Promise<OrderRow> {
  const [row] = await ex.update(salesOrder).set(patch).where(one(tenantId, id)).returning()
  return row as OrderRow
}

const matching = (tenantId: string, f: OrderFilter) =>
  and(
    eq(salesOrder.tenantId, tenantId),
    f.statuses?.length ? inArray(salesOrder.status, f.statuses) : undefined,
    f.customerIds?.length ? inArray(salesOrder.customerId, f.customerIds) : undefined,
    f.userIds?.length ? inArray(salesOrder.userId, f.userIds) : undefined,
    f.expiresAfter ? gte(salesOrder.expiresAt, f.expiresAfter) : undefined,
    f.expiresBefore ? lte(salesOrder.expiresAt, f.expiresBefore) : undefined,
  )

export async function listOrders(
  ex: Executor,
  tenantId: string,
  filter: OrderFilter,
  window: Window,
): Promise<OrderRow[]> {
  return ex
    .select()
    .from(salesOrder)
    .where(and(matching(tenantId, filter), afterKey(salesOrder.id, window)))
    .orderBy(asc(salesOrder.id))
    .limit(window.limit)
    .offset(window.offset ?? 0)
}

export async function countOrders(ex: Executor, tenantId: string, filter: OrderFilter): Promise<number> {
  const [row] = await ex.select(countAll()).from(salesOrder).where(matching(tenantId, filter))
  return row?.n ?? 0
}

export async function lineItemsOf(ex: Executor, tenantId: string, orderIds: string[]): Promise<LineItemRow[]> {
  if (orderIds.length === 0) return []
  return ex
    .select()
    .from(orderLineItem)
    .where(and(eq(orderLineItem.tenantId, tenantId), inArray(orderLineItem.orderId, orderIds)))
    .orderBy(asc(orderLineItem.position))
}

export async function insertLineItem(ex: Executor, row: LineItemRow): Promise<void> {
  await ex.insert(orderLineItem).values(row)
}

export async function replaceLineItem(ex: Executor, row: LineItemRow): Promise<void> {
  await ex
    .update(orderLineItem)
    .set({ type: row.type, item: row.item, updatedAt: row.updatedAt })
    .where(
      and(
        eq(orderLineItem.tenantId, row.tenantId),
        eq(orderLineItem.orderId, row.orderId),
        eq(orderLineItem.lineItemId, row.lineItemId),
      ),
    )
}

export async function deleteLineItem(
  ex: Executor,
  tenantId: string,
  orderId: string,
  lineItemId: string,
): Promise<boolean> {
  const rows = await ex
    .delete(orderLineItem)
    .where(
      and(
        eq(orderLineItem.tenantId, tenantId),
        eq(orderLineItem.orderId, orderId),
        eq(orderLineItem.lineItemId, lineItemId),
      ),
    )
    .returning({ id: orderLineItem.lineItemId })
  return rows.length === 1
}

export async function lastPosition(ex: Executor, tenantId: string, orderId: string): Promise<number> {
  const [row] = await ex
    .select({ n: max(orderLineItem.position) })
    .from(orderLineItem)
    .where(and(eq(orderLineItem.tenantId, tenantId), eq(orderLineItem.orderId, orderId)))
  return row?.n ?? 0
}
