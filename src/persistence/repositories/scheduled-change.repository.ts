import { and, asc, eq, gt, inArray, lte, sql } from 'drizzle-orm'
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core'
import type { Executor } from '../database.js'
import type { ChangeStatus } from '../schema/index.js'
import { scheduledChange } from '../schema/index.js'

export type ScheduledChangeRow = typeof scheduledChange.$inferSelect

export interface Target {
  tenantId: string
  targetType: string
  targetId: string
}

const ofTarget = (t: Target) =>
  and(
    eq(scheduledChange.tenantId, t.tenantId),
    eq(scheduledChange.targetType, t.targetType),
    eq(scheduledChange.targetId, t.targetId),
  )

export async function insertChange(ex: Executor, row: ScheduledChangeRow): Promise<void> {
  await ex.insert(scheduledChange).values(row)
}

export async function pendingOfTargets(
  ex: Executor,
  tenantId: string,
  targetType: string,
  targetIds: string[],
): Promise<ScheduledChangeRow[]> {
  if (targetIds.length === 0) return []
  return ex
    .select()
    .from(scheduledChange)
    .where(
      and(
        eq(scheduledChange.tenantId, tenantId),
        eq(scheduledChange.targetType, targetType),
        inArray(scheduledChange.targetId, targetIds),
        eq(scheduledChange.status, 'PENDING'),
      ),
    )
    .orderBy(asc(scheduledChange.effectiveAt), asc(scheduledChange.id))
}

/** Every change of a target, whatever its status: the timeline's "scheduled" half. */
export async function changesOfTarget(ex: Executor, target: Target): Promise<ScheduledChangeRow[]> {
  return ex
    .select()
    .from(scheduledChange)
    .where(ofTarget(target))
    .orderBy(asc(scheduledChange.effectiveAt), asc(scheduledChange.id))
}

/** Pending changes of a target due by `at`, locked, in effective order. */
export async function lockDueChanges(ex: Executor, target: Target, at: Date): Promise<ScheduledChangeRow[]> {
  return ex
    .select()
    .from(scheduledChange)
    .where(and(ofTarget(target), eq(scheduledChange.status, 'PENDING'), lte(scheduledChange.effectiveAt, at)))
    .orderBy(asc(scheduledChange.effectiveAt), asc(scheduledChange.id))
    .for('update')
}

/** Moves pending changes to a final status; only those still pending (a second run does nothing). */
export async function closeChanges(
  ex: Executor,
  tenantId: string,
  ids: string[],
  status: Exclude<ChangeStatus, 'PENDING'>,
  outcome: string | null,
  now: Date,
): Promise<ScheduledChangeRow[]> {
  if (ids.length === 0) return []
  return ex
    .update(scheduledChange)
    .set({ status, outcome, updatedAt: now })
    .where(
      and(
        eq(scheduledChange.tenantId, tenantId),
        inArray(scheduledChange.id, ids),
        eq(scheduledChange.status, 'PENDING'),
      ),
    )
    .returning()
}

export async function pendingOfKinds(ex: Executor, target: Target, kinds: string[]): Promise<ScheduledChangeRow[]> {
  return ex
    .select()
    .from(scheduledChange)
    .where(and(ofTarget(target), eq(scheduledChange.status, 'PENDING'), inArray(scheduledChange.kind, kinds)))
    .orderBy(asc(scheduledChange.effectiveAt))
}

export async function pendingAfter(ex: Executor, target: Target, after: Date): Promise<ScheduledChangeRow[]> {
  return ex
    .select()
    .from(scheduledChange)
    .where(and(ofTarget(target), eq(scheduledChange.status, 'PENDING'), gt(scheduledChange.effectiveAt, after)))
}

/** Marks a change that could not apply as FAILED, with why. */
export async function reopenAsFailed(
  ex: Executor,
  tenantId: string,
  id: string,
  outcome: string,
  now: Date,
): Promise<void> {
  await ex
    .update(scheduledChange)
    .set({ status: 'FAILED', outcome, updatedAt: now })
    .where(and(eq(scheduledChange.tenantId, tenantId), eq(scheduledChange.id, id)))
}

/**
 * A tenant's changes of these statuses effective in (after, upTo], in effective order, at most
 * `limit`: what a test clock advance is about to apply (PENDING) or applied (APPLIED, FAILED).
 */
export async function changesInWindow(
  ex: Executor,
  tenantId: string,
  window: { after: Date; upTo: Date },
  statuses: ChangeStatus[],
  limit: number,
): Promise<ScheduledChangeRow[]> {
  return ex
    .select()
    .from(scheduledChange)
    .where(
      and(
        eq(scheduledChange.tenantId, tenantId),
        inArray(scheduledChange.status, statuses),
        gt(scheduledChange.effectiveAt, window.after),
        lte(scheduledChange.effectiveAt, window.upTo),
      ),
    )
    .orderBy(asc(scheduledChange.effectiveAt), asc(scheduledChange.id))
    .limit(limit)
}

/**
 * The targets of these types with pending changes due by `at`, the earliest due first, at most
 * `limit`. Unlocked: candidates for a batch, which then locks those no other worker holds
 * (lockFreeRows) and only then their due changes (lockDueOfTargets), in the same order as a
 * single target's job (target, then changes), so a batch and a job never wait on each other in a circle.
 */
export async function dueTargets(
  ex: Executor,
  tenantId: string,
  targetTypes: string[],
  at: Date,
  limit: number,
): Promise<{ targetType: string; targetId: string }[]> {
  if (targetTypes.length === 0) return []
  return ex
    .select({ targetType: scheduledChange.targetType, targetId: scheduledChange.targetId })
    .from(scheduledChange)
    .where(
      and(
        eq(scheduledChange.tenantId, tenantId),
        eq(scheduledChange.status, 'PENDING'),
        lte(scheduledChange.effectiveAt, at),
        inArray(scheduledChange.targetType, targetTypes),
      ),
    )
    .groupBy(scheduledChange.targetType, scheduledChange.targetId)
    .orderBy(sql`min(${scheduledChange.effectiveAt})`, scheduledChange.targetId)
    .limit(limit)
}

/** A table whose rows are change targets: tenant-scoped, with a uuid id. */
export type TargetTable = PgTable & { tenantId: PgColumn; id: PgColumn }

/**
 * Locks the rows of `ids` that no other transaction holds (FOR UPDATE SKIP LOCKED), at most
 * `limit`, the first of `ids` first (the earliest due); answers their ids. Two workers given the same candidates take disjoint rows.
 */
export async function lockFreeRows(
  ex: Executor,
  table: TargetTable,
  tenantId: string,
  ids: string[],
  limit: number,
): Promise<string[]> {
  if (ids.length === 0) return []
  const rows = await ex
    .select({ id: table.id })
    .from(table as PgTable)
    .where(and(eq(table.tenantId, tenantId), sql`${table.id} = ANY(${sql.param(ids)}::uuid[])`))
    .orderBy(sql`array_position(${sql.param(ids)}::uuid[], ${table.id})`)
    .limit(limit)
    .for('update', { skipLocked: true })
  return rows.map((r) => String(r.id))
}

/** The pending changes due by `at` of these locked targets of one type, locked, in effective order. */
export async function lockDueOfTargets(
  ex: Executor,
  tenantId: string,
  targetType: string,
  targetIds: string[],
  at: Date,
): Promise<ScheduledChangeRow[]> {
  if (targetIds.length === 0) return []
  return ex
    .select()
    .from(scheduledChange)
    .where(
      and(
        eq(scheduledChange.tenantId, tenantId),
        eq(scheduledChange.targetType, targetType),
        sql`${scheduledChange.targetId} = ANY(${sql.param(targetIds)}::uuid[])`,
        eq(scheduledChange.status, 'PENDING'),
        lte(scheduledChange.effectiveAt, at),
      ),
    )
    .orderBy(asc(scheduledChange.effectiveAt), asc(scheduledChange.id))
    .for('update')
}
