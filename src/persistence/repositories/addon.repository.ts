import { and, asc, eq, inArray } from 'drizzle-orm'
import type { AddonStatus } from '../../domain/addons/addon.js'
import type { EntityRef } from '../../domain/shared/ids.js'
import type { Executor } from '../database.js'
import { subscriptionAddon } from '../schema/index.js'

export type AddonRow = typeof subscriptionAddon.$inferSelect

/**
 * Inserts the add-on unless its id or its reference is taken (then nothing is written and the
 * answer is false): no unique violation, so the caller's transaction needs no savepoint.
 */
export async function insertAddonUnlessTaken(ex: Executor, row: AddonRow): Promise<boolean> {
  const inserted = await ex
    .insert(subscriptionAddon)
    .values(row)
    .onConflictDoNothing()
    .returning({ id: subscriptionAddon.id })
  return inserted.length > 0
}

const byRef = (tenantId: string, subscriptionId: string, ref: EntityRef) =>
  and(
    eq(subscriptionAddon.tenantId, tenantId),
    eq(subscriptionAddon.subscriptionId, subscriptionId),
    ref.kind === 'id' ? eq(subscriptionAddon.id, ref.id) : eq(subscriptionAddon.referenceId, ref.reference),
  )

export async function findAddon(
  ex: Executor,
  tenantId: string,
  subscriptionId: string,
  ref: EntityRef,
): Promise<AddonRow | undefined> {
  const [row] = await ex
    .select()
    .from(subscriptionAddon)
    .where(byRef(tenantId, subscriptionId, ref))
  return row
}

export async function findAddonById(ex: Executor, tenantId: string, id: string): Promise<AddonRow | undefined> {
  const [row] = await ex
    .select()
    .from(subscriptionAddon)
    .where(and(eq(subscriptionAddon.tenantId, tenantId), eq(subscriptionAddon.id, id)))
  return row
}

export async function lockAddonById(ex: Executor, tenantId: string, id: string): Promise<AddonRow | undefined> {
  const [row] = await ex
    .select()
    .from(subscriptionAddon)
    .where(and(eq(subscriptionAddon.tenantId, tenantId), eq(subscriptionAddon.id, id)))
    .for('update')
  return row
}

export async function addonsOfSubscription(
  ex: Executor,
  tenantId: string,
  subscriptionId: string,
  statuses?: readonly AddonStatus[],
): Promise<AddonRow[]> {
  return (
    ex
      .select()
      .from(subscriptionAddon)
      .where(
        and(
          eq(subscriptionAddon.tenantId, tenantId),
          eq(subscriptionAddon.subscriptionId, subscriptionId),
          statuses?.length ? inArray(subscriptionAddon.status, [...statuses]) : undefined,
        ),
      )
      // Oldest first by when they were added: ids may be client-chosen, so they need not be time-ordered.
      .orderBy(asc(subscriptionAddon.addedAt), asc(subscriptionAddon.id))
  )
}

export async function updateAddon(
  ex: Executor,
  tenantId: string,
  id: string,
  patch: Partial<Omit<AddonRow, 'tenantId' | 'id'>>,
): Promise<AddonRow> {
  const [row] = await ex
    .update(subscriptionAddon)
    .set(patch)
    .where(and(eq(subscriptionAddon.tenantId, tenantId), eq(subscriptionAddon.id, id)))
    .returning()
  return row as AddonRow
}
