import { and, asc, eq } from 'drizzle-orm'
import type { Executor } from '../database.js'
import type { Window } from '../paging.js'
import { afterKey, countAll } from '../paging.js'
import { subscriptionTopup } from '../schema/index.js'

export type TopupRow = typeof subscriptionTopup.$inferSelect

export async function insertTopup(ex: Executor, row: TopupRow): Promise<void> {
  await ex.insert(subscriptionTopup).values(row)
}

export async function findTopup(
  ex: Executor,
  tenantId: string,
  subscriptionId: string,
  id: string,
): Promise<TopupRow | undefined> {
  const [row] = await ex
    .select()
    .from(subscriptionTopup)
    .where(
      and(
        eq(subscriptionTopup.tenantId, tenantId),
        eq(subscriptionTopup.subscriptionId, subscriptionId),
        eq(subscriptionTopup.id, id),
      ),
    )
  return row
}

const ofSubscription = (tenantId: string, subscriptionId: string) =>
  and(eq(subscriptionTopup.tenantId, tenantId), eq(subscriptionTopup.subscriptionId, subscriptionId))

export async function listTopups(
  ex: Executor,
  tenantId: string,
  subscriptionId: string,
  window: Window,
): Promise<TopupRow[]> {
  return ex
    .select()
    .from(subscriptionTopup)
    .where(and(ofSubscription(tenantId, subscriptionId), afterKey(subscriptionTopup.id, window)))
    .orderBy(asc(subscriptionTopup.id))
    .limit(window.limit)
    .offset(window.offset ?? 0)
}

export async function countTopups(ex: Executor, tenantId: string, subscriptionId: string): Promise<number> {
  const [row] = await ex.select(countAll()).from(subscriptionTopup).where(ofSubscription(tenantId, subscriptionId))
  return row?.n ?? 0
}
