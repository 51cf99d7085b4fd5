import { and, asc, eq, inArray } from 'drizzle-orm'
import type { Executor } from '../database.js'
import type { Window } from '../paging.js'
import { afterKey, countAll } from '../paging.js'
import { event } from '../schema/index.js'

export type EventRow = typeof event.$inferSelect

export interface EventFilter {
  types?: string[]
  resourceType?: string
  resourceId?: string
}

export async function insertEvents(ex: Executor, rows: EventRow[]): Promise<void> {
  if (rows.length > 0) await ex.insert(event).values(rows)
}

const matching = (tenantId: string, filter: EventFilter) =>
  and(
    eq(event.tenantId, tenantId),
    filter.types?.length ? inArray(event.type, filter.types) : undefined,
    filter.resourceType ? eq(event.resourceType, filter.resourceType) : undefined,
    filter.resourceId ? eq(event.resourceId, filter.resourceId) : undefined,
  )

export async function listEvents(
  ex: Executor,
  tenantId: string,
  filter: EventFilter,
  window: Window,
): Promise<EventRow[]> {
  return ex
    .select()
    .from(event)
    .where(and(matching(tenantId, filter), afterKey(event.id, window)))
    .orderBy(asc(event.id))
    .limit(window.limit)
    .offset(window.offset ?? 0)
}

export async function countEvents(ex: Executor, tenantId: string, filter: EventFilter): Promise<number> {
  const [row] = await ex.select(countAll()).from(event).where(matching(tenantId, filter))
  return row?.n ?? 0
}

export async function findEvent(ex: Executor, tenantId: string, id: string): Promise<EventRow | undefined> {
  const [row] = await ex
    .select()
    .from(event)
    .where(and(eq(event.tenantId, tenantId), eq(event.id, id)))
  return row
}
