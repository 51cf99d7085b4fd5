import { and, asc, eq, inArray, lt, lte, or, sql } from 'drizzle-orm'
import type { Executor } from '../database.js'
import type { Window } from '../paging.js'
import { afterKey, countAll } from '../paging.js'
import { SYSTEM_TENANT_ID, job, tenant } from '../schema/index.js'

export type JobRow = typeof job.$inferSelect

/** Inserts a job; a live job with the same dedupe key makes this a no-op (false). */
export async function insertJob(ex: Executor, row: JobRow): Promise<boolean> {
  const inserted = await ex.insert(job).values(row).onConflictDoNothing().returning({ id: job.id })
  return inserted.length === 1
}

/** A tenant that has due jobs, with its clock's offset (0 for the system tenant, which has no row). */
export interface TenantDue {
  tenantId: string
  clockOffsetMs: number
}

/**
 * Which tenants have due jobs: an unlocked read across tenants (no row is locked, so on Citus it
 * runs on every shard at once and locks nothing). A tenant's job is due once its run_at has passed
 * on that tenant's clock (real time plus its test-clock offset); a running job whose lease lapsed
 * (its worker died) is due again. Tenants come in id order starting after `after` and wrapping
 * round, so a worker that passes the last tenant it served visits every tenant in turn.
 */
export async function tenantsWithDueJobs(
  ex: Executor,
  input: { now: Date; limit: number; after?: string; tenantId?: string; kinds?: string[] },
): Promise<TenantDue[]> {
  const now = sql`${input.now.toISOString()}::timestamptz`
  const offset = sql`coalesce(${tenant.clockOffsetMs}, 0)`
  const after = input.after ?? SYSTEM_TENANT_ID
  const rows = await ex
    .select({ tenantId: job.tenantId, clockOffsetMs: sql<string | number>`${offset}` })
    .from(job)
    .leftJoin(tenant, eq(tenant.id, job.tenantId))
    .where(
      and(
        input.tenantId ? eq(job.tenantId, input.tenantId) : undefined,
        input.kinds ? inArray(job.kind, input.kinds) : undefined,
        or(
          and(eq(job.state, 'queued'), lte(job.runAt, sql`${now} + ${offset} * interval '1 millisecond'`)),
          and(eq(job.state, 'running'), lt(job.lockedUntil, now)),
        ),
      ),
    )
    .groupBy(job.tenantId, tenant.clockOffsetMs)
    .orderBy(sql`${job.tenantId} <= ${after}`, asc(job.tenantId))
    .limit(input.limit)
  return rows.map((r) => ({ tenantId: r.tenantId, clockOffsetMs: Number(r.clockOffsetMs) }))
}

/**
 * Claims up to `limit` due jobs of one tenant for one worker, `tenantNow` being that tenant's time.
 * The lock stays inside the tenant (`WHERE tenant_id = $1 … FOR UPDATE SKIP LOCKED`: one shard on
 * Citus). `SKIP LOCKED` lets any number of workers claim side by side, each job going to exactly one
 * of them. Oldest first, so changes apply in effective order.
 */
export async function claimTenantJobs(
  ex: Executor,
  input: {
    tenantId: string
    now: Date
    tenantNow: Date
    workerId: string
    leaseMs: number
    limit: number
    kinds?: string[]
  },
): Promise<JobRow[]> {
  // Two statements in one transaction, not `UPDATE … WHERE id IN (SELECT … LIMIT n FOR UPDATE SKIP
  // LOCKED)`: the planner may rescan such a subquery once per row it updates, and each rescan skips
  // the rows just updated and locks the next ones, so the batch grows past its limit.
  const claimed = await ex.transaction(async (tx) => {
    const due = await tx
      .select({ id: job.id })
      .from(job)
      .where(
        and(
          eq(job.tenantId, input.tenantId),
          input.kinds ? inArray(job.kind, input.kinds) : undefined,
          or(
            and(eq(job.state, 'queued'), lte(job.runAt, input.tenantNow)),
            and(eq(job.state, 'running'), lt(job.lockedUntil, input.now)),
          ),
        ),
      )
      .orderBy(asc(job.runAt), asc(job.id))
      .limit(input.limit)
      .for('update', { skipLocked: true })
    if (due.length === 0) return []
    return tx
      .update(job)
      .set({
        state: 'running',
        attempts: sql`${job.attempts} + 1`,
        lockedBy: input.workerId,
        lockedUntil: new Date(input.now.getTime() + input.leaseMs),
        updatedAt: input.now,
      })
      .where(
        and(
          eq(job.tenantId, input.tenantId),
          inArray(
            job.id,
            due.map((row) => row.id),
          ),
        ),
      )
      .returning()
  })
  return claimed.sort((a, b) => a.runAt.getTime() - b.runAt.getTime() || (a.id < b.id ? -1 : 1))
}

/**
 * Claims up to `limit` due jobs, tenant by tenant: the due scan names the tenants (starting after
 * `after`), then each is claimed on its own. No tenant takes more than its share of the batch while
 * others wait (a share is the batch split evenly between the tenants found); room the others leave
 * goes back to the tenants that still have work. Returns the jobs, grouped by tenant and oldest
 * first within each, and the last tenant served (the next call's `after`).
 */
export async function claimDueJobs(
  ex: Executor,
  input: {
    now: Date
    workerId: string
    leaseMs: number
    limit: number
    tenantId?: string
    kinds?: string[]
    after?: string
  },
): Promise<JobRow[] & { lastTenantId?: string }> {
  const tenants = await tenantsWithDueJobs(ex, input)
  const claimed: JobRow[] & { lastTenantId?: string } = []
  const share = Math.max(1, Math.ceil(input.limit / Math.max(1, tenants.length)))
  let open = tenants
  while (open.length > 0 && claimed.length < input.limit) {
    const full: TenantDue[] = []
    for (const due of open) {
      const room = Math.min(share, input.limit - claimed.length)
      if (room <= 0) break
      const rows = await claimTenantJobs(ex, {
        ...input,
        tenantId: due.tenantId,
        tenantNow: new Date(input.now.getTime() + due.clockOffsetMs),
        limit: room,
      })
      claimed.push(...rows)
      if (rows.length > 0) claimed.lastTenantId = due.tenantId
      if (rows.length === room) full.push(due)
    }
    open = full
  }
  return claimed
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

/** The tenant's failed jobs, a keyset page in id order (ids are time-ordered: oldest job first). */
export function listFailedJobs(ex: Executor, tenantId: string, window: Window): Promise<JobRow[]> {
  return ex
    .select()
    .from(job)
    .where(and(eq(job.tenantId, tenantId), eq(job.state, 'failed'), afterKey(job.id, window)))
    .orderBy(asc(job.id))
    .limit(window.limit)
    .offset(window.offset ?? 0)
}

export async function countFailedJobs(ex: Executor, tenantId: string): Promise<number> {
  const [row] = await ex
    .select(countAll())
    .from(job)
    .where(and(eq(job.tenantId, tenantId), eq(job.state, 'failed')))
  return row?.n ?? 0
}

/**
 * Marks the waiting jobs of one kind with these dedupe keys succeeded: work done for them by another
 * job (a batch of scheduled changes applied their changes). Only `queued` ones: a job some worker
 * is running finishes on its own (and finds nothing left to do).
 */
export async function completeQueued(
  ex: Executor,
  input: { tenantId: string; kind: string; dedupeKeys: string[]; now: Date },
): Promise<void> {
  if (input.dedupeKeys.length === 0) return
  await ex
    .update(job)
    .set({ state: 'succeeded', lockedBy: null, lockedUntil: null, lastError: null, updatedAt: input.now })
    .where(
      and(
        eq(job.tenantId, input.tenantId),
        eq(job.state, 'queued'),
        eq(job.kind, input.kind),
        sql`${job.dedupeKey} = ANY(${sql.param(input.dedupeKeys)}::text[])`,
      ),
    )
}
