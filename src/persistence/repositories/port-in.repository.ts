import { and, eq, inArray } from 'drizzle-orm'
import type { Executor } from '../database.js'
import { portIn } from '../schema/index.js'

export type PortInRow = typeof portIn.$inferSelect
export type PortInPatch = Partial<Omit<PortInRow, 'tenantId' | 'id' | 'subscriptionId' | 'createdAt'>>

export async function insertPortIn(ex: Executor, row: PortInRow): Promise<void> {
  await ex.insert(portIn).values(row)
}

export async function findPortIn(
  ex: Executor,
  tenantId: string,
  id: string,
  options: { lock?: boolean } = {},
): Promise<PortInRow | undefined> {
  const query = ex
    .select()
    .from(portIn)
    .where(and(eq(portIn.tenantId, tenantId), eq(portIn.id, id)))
  const [row] = options.lock ? await query.for('update') : await query
  return row
}

export async function findPortInOfSubscription(
  ex: Executor,
  tenantId: string,
  subscriptionId: string,
  options: { lock?: boolean } = {},
): Promise<PortInRow | undefined> {
  const query = ex
    .select()
    .from(portIn)
    .where(and(eq(portIn.tenantId, tenantId), eq(portIn.subscriptionId, subscriptionId)))
  const [row] = options.lock ? await query.for('update') : await query
  return row
}

/** The port-ins of these subscriptions (a page of them), for their views. */
export async function portInsOfSubscriptions(
  ex: Executor,
  tenantId: string,
  subscriptionIds: string[],
): Promise<PortInRow[]> {
  if (subscriptionIds.length === 0) return []
  return ex
    .select()
    .from(portIn)
    .where(and(eq(portIn.tenantId, tenantId), inArray(portIn.subscriptionId, subscriptionIds)))
}

/** The live port-in of a number, if any (at most one per tenant: a partial unique index). */
export async function findLivePortInOf(ex: Executor, tenantId: string, msisdn: string): Promise<PortInRow | undefined> {
  const [row] = await ex
    .select()
    .from(portIn)
    .where(
      and(
        eq(portIn.tenantId, tenantId),
        eq(portIn.msisdn, msisdn),
        inArray(portIn.status, ['PENDING', 'IN_PROGRESS', 'SCHEDULED']),
      ),
    )
  return row
}

export async function updatePortIn(ex: Executor, tenantId: string, id: string, patch: PortInPatch): Promise<PortInRow> {
  const [row] = await ex
    .update(portIn)
    .set(patch)
    .where(and(eq(portIn.tenantId, tenantId), eq(portIn.id, id)))
    .returning()
  return row as PortInRow
}
