import { and, asc, eq, inArray, lt, lte, or, sql } from 'drizzle-orm'
import type { Executor } from '../database.js'
import { job, tenant } from '../schema/index.js'

export type JobRow = typeof job.$inferSelect

/** Inserts a job; a live job with the same dedupe key makes this a no-op (false). */
export async function insertJob(ex: Executor, row: JobRow): Promise<boolean> {
  const inserted = await ex.insert(job).values(row).onConflictDoNothing().returning({ id: job.id })
  return inserted.length === 1
}

/**
 * Claims up to `limit` due jobs for one worker. A tenant's job is due once its run_at has passed on
 * that tenant's clock (real time plus its test-clock offset); a running job whose lease lapsed (its
 * worker died) is due again. `SKIP LOCKED` lets any number of workers claim side by side, each job
 * going to exactly one of them. Oldest first, so changes apply in effective order.
 */
export async function claimDueJobs(
  ex: Executor,
  input: { now: Date; workerId: string; leaseMs: number; limit: number; tenantId?: string; kinds?: string[] },
): Promise<JobRow[]> {
  const now = input.now.toISOString()
  const dueBy = sql`${now}::timestamptz + coalesce(${tenant.clockOffsetMs}, 0) * interval '1 millisecond'`
  const due = ex
    .select({ tenantId: job.tenantId, id: job.id })
    .from(job)
    .leftJoin(tenant, eq(tenant.id, job.tenantId))
    .where(
      and(
        input.tenantId ? eq(job.tenantId, input.tenantId) : undefined,
        input.kinds ? inArray(job.kind, input.kinds) : undefined,
        or(
          and(eq(job.state, 'queued'), lte(job.runAt, dueBy)),
          and(eq(job.state, 'running'), lt(job.lockedUntil, sql`${now}::timestamptz`)),
        ),
      ),
    )
    .orderBy(asc(job.runAt), asc(job.id))
    .limit(input.limit)
    .for('update', { of: job, skipLocked: true })
  const claimed = await ex
    .update(job)
    .set({
      state: 'running',
      attempts: sql`${job.attempts} + 1`,
      lockedBy: input.workerId,
      lockedUntil: new Date(input.now.getTime() + input.leaseMs),
      updatedAt: input.now,
    })
    .where(sql`(${job.tenantId}, ${job.id}) in (${due})`)
    .returning()
  return claimed.sort((a, b) => a.runAt.getTime() - b.runAt.getTime() || (a.id < b.id ? -1 : 1))
}

const heldBy = (row: JobRow, workerId: string) =>
  and(eq(job.tenantId, row.tenantId), eq(job.id, row.id), eq(job.state, 'running'), eq(job.lockedBy, workerId))

export async function markSucceeded(ex: Executor, row: JobRow, workerId: string, now: Date): Promise<void> {
  await ex
    .update(job)
    .set({ state: 'succeeded', lockedBy: null, lockedUntil: null, lastError: null, updatedAt: now })
    .where(heldBy(row, workerId))
}

export async function markFailed(
  ex: Executor,
  row: JobRow,
  workerId: string,
  input: { error: string; retryAt: Date | null; now: Date },
): Promise<void> {
  await ex
    .update(job)
    .set({
      state: input.retryAt ? 'queued' : 'failed',
      runAt: input.retryAt ?? row.runAt,
      lockedBy: null,
      lockedUntil: null,
      lastError: input.error.slice(0, 2000),
      updatedAt: input.now,
    })
    .where(heldBy(row, workerId))
}

export async function findJob(ex: Executor, tenantId: string, id: string): Promise<JobRow | undefined> {
  const [row] = await ex
    .select()
    .from(job)
    .where(and(eq(job.tenantId, tenantId), eq(job.id, id)))
  return row
}

export async function findLiveJobByDedupeKey(
  ex: Executor,
  tenantId: string,
  dedupeKey: string,
): Promise<JobRow | undefined> {
  const [row] = await ex
    .select()
    .from(job)
    .where(and(eq(job.tenantId, tenantId), eq(job.dedupeKey, dedupeKey), inArray(job.state, ['queued', 'running'])))
  return row
}

/** Re-queues a failed job at once (an operator's retry). */
export async function requeue(ex: Executor, tenantId: string, id: string, now: Date): Promise<JobRow | undefined> {
  const [row] = await ex
    .update(job)
    .set({ state: 'queued', attempts: 0, runAt: now, lastError: null, updatedAt: now })
    .where(and(eq(job.tenantId, tenantId), eq(job.id, id), eq(job.state, 'failed')))
    .returning()
  return row
}

export async function deleteFinishedBefore(ex: Executor, before: Date): Promise<number> {
  const rows = await ex
    .delete(job)
    .where(and(inArray(job.state, ['succeeded']), lt(job.updatedAt, before)))
    .returning({ id: job.id })
  return rows.length
}

/** The earliest instant at which one of the tenant's queued jobs falls due, up to `upTo`. */
export async function nextQueuedRunAt(ex: Executor, tenantId: string, upTo: Date): Promise<Date | undefined> {
  const [row] = await ex
    .select({ runAt: job.runAt })
    .from(job)
    .where(and(eq(job.tenantId, tenantId), eq(job.state, 'queued'), lte(job.runAt, upTo)))
    .orderBy(asc(job.runAt))
    .limit(1)
  return row?.runAt
}
