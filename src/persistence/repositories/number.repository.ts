import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm'
import type { NumberStatus } from '../../domain/inventory/numbers.js'
import type { Executor } from '../database.js'
import type { Window } from '../paging.js'
import { afterKey, countAll } from '../paging.js'
import { numberLease, phoneNumber } from '../schema/index.js'

export type NumberRow = typeof phoneNumber.$inferSelect
export type LeaseRow = typeof numberLease.$inferSelect
export type NumberPatch = Partial<Omit<NumberRow, 'tenantId' | 'msisdn' | 'createdAt'>>

export interface NumberFilter {
  statuses?: NumberStatus[]
  types?: string[]
}

/** Rows per INSERT: 13 parameters each stays far below PostgreSQL's 65 535. */
const CHUNK = 1000

/**
 * Inserts numbers, skipping those the tenant already has; answers how many were new. `onProgress`
 * hears how many rows are written after each chunk.
 */
export async function insertNumbers(
  ex: Executor,
  rows: NumberRow[],
  onProgress?: (written: number) => void,
): Promise<number> {
  let inserted = 0
  for (let i = 0; i < rows.length; i += CHUNK) {
    const done = await ex
      .insert(phoneNumber)
      .values(rows.slice(i, i + CHUNK))
      .onConflictDoNothing()
      .returning({ msisdn: phoneNumber.msisdn })
    inserted += done.length
    onProgress?.(Math.min(i + CHUNK, rows.length))
  }
  return inserted
}

const matching = (tenantId: string, f: NumberFilter) =>
  and(
    eq(phoneNumber.tenantId, tenantId),
    f.statuses?.length ? inArray(phoneNumber.status, f.statuses) : undefined,
    f.types?.length ? inArray(phoneNumber.type, f.types) : undefined,
  )

export async function listNumbers(
  ex: Executor,
  tenantId: string,
  filter: NumberFilter,
  window: Window,
): Promise<NumberRow[]> {
  return ex
    .select()
    .from(phoneNumber)
    .where(and(matching(tenantId, filter), afterKey(phoneNumber.msisdn, window)))
    .orderBy(asc(phoneNumber.msisdn))
    .limit(window.limit)
    .offset(window.offset ?? 0)
}

export async function countNumbers(ex: Executor, tenantId: string, filter: NumberFilter): Promise<number> {
  const [row] = await ex.select(countAll()).from(phoneNumber).where(matching(tenantId, filter))
  return row?.n ?? 0
}

export async function findNumber(
  ex: Executor,
  tenantId: string,
  msisdn: string,
  options: { lock?: boolean } = {},
): Promise<NumberRow | undefined> {
  const query = ex
    .select()
    .from(phoneNumber)
    .where(and(eq(phoneNumber.tenantId, tenantId), eq(phoneNumber.msisdn, msisdn)))
  const [row] = options.lock ? await query.for('update') : await query
  return row
}

/**
 * Locks up to `limit` AVAILABLE numbers of these types, lowest grade first. `SKIP LOCKED` lets
 * concurrent leases each take different numbers instead of waiting on one another.
 */
export async function pickAvailable(
  ex: Executor,
  tenantId: string,
  types: string[],
  limit: number,
): Promise<NumberRow[]> {
  return ex
    .select()
    .from(phoneNumber)
    .where(
      and(eq(phoneNumber.tenantId, tenantId), eq(phoneNumber.status, 'AVAILABLE'), inArray(phoneNumber.type, types)),
    )
    .orderBy(asc(phoneNumber.grade), asc(phoneNumber.msisdn))
    .limit(limit)
    .for('update', { skipLocked: true })
}

export async function countAvailable(ex: Executor, tenantId: string, types: string[]): Promise<number> {
  const [row] = await ex
    .select(countAll())
    .from(phoneNumber)
    .where(
      and(eq(phoneNumber.tenantId, tenantId), eq(phoneNumber.status, 'AVAILABLE'), inArray(phoneNumber.type, types)),
    )
  return row?.n ?? 0
}

export async function updateNumbers(
  ex: Executor,
  tenantId: string,
  msisdns: string[],
  patch: NumberPatch,
): Promise<NumberRow[]> {
  if (msisdns.length === 0) return []
  const rows = await ex
    .update(phoneNumber)
    .set(patch)
    .where(and(eq(phoneNumber.tenantId, tenantId), inArray(phoneNumber.msisdn, msisdns)))
    .returning()
  return rows.sort((a, b) => a.grade - b.grade || (a.msisdn < b.msisdn ? -1 : 1))
}

export async function numbersOfSubscription(
  ex: Executor,
  tenantId: string,
  subscriptionId: string,
): Promise<NumberRow[]> {
  return ex
    .select()
    .from(phoneNumber)
    .where(
      and(
        eq(phoneNumber.tenantId, tenantId),
        eq(phoneNumber.subscriptionId, subscriptionId),
        eq(phoneNumber.status, 'ASSIGNED'),
      ),
    )
    .orderBy(asc(phoneNumber.msisdn))
    .for('update')
}

/** Frees the numbers still LEASED under a lease; answers them. */
export async function releaseLeased(ex: Executor, tenantId: string, leaseId: string, now: Date): Promise<NumberRow[]> {
  return ex
    .update(phoneNumber)
    .set({ status: 'AVAILABLE', availableAt: now, leaseId: null, leasedAt: null, leaseExpiresAt: null, updatedAt: now })
    .where(and(eq(phoneNumber.tenantId, tenantId), eq(phoneNumber.leaseId, leaseId), eq(phoneNumber.status, 'LEASED')))
    .returning()
}

/** Ends a quarantine that is over; a number quarantined again since (a later instant) stays. */
export async function endQuarantine(
  ex: Executor,
  tenantId: string,
  msisdn: string,
  now: Date,
): Promise<NumberRow | undefined> {
  const [row] = await ex
    .update(phoneNumber)
    .set({ status: 'AVAILABLE', updatedAt: now })
    .where(
      and(
        eq(phoneNumber.tenantId, tenantId),
        eq(phoneNumber.msisdn, msisdn),
        eq(phoneNumber.status, 'QUARANTINED'),
        lte(phoneNumber.availableAt, now),
      ),
    )
    .returning()
  return row
}

export async function insertLease(ex: Executor, row: LeaseRow): Promise<void> {
  await ex.insert(numberLease).values(row)
}

export async function findLeaseByHash(
  ex: Executor,
  tenantId: string,
  tokenHash: string,
): Promise<LeaseRow | undefined> {
  const [row] = await ex
    .select()
    .from(numberLease)
    .where(and(eq(numberLease.tenantId, tenantId), eq(numberLease.tokenHash, tokenHash)))
  return row
}

/** Marks a lease released once; answers it only the first time. */
export async function markLeaseReleased(
  ex: Executor,
  tenantId: string,
  id: string,
  now: Date,
): Promise<LeaseRow | undefined> {
  const [row] = await ex
    .update(numberLease)
    .set({ releasedAt: now })
    .where(and(eq(numberLease.tenantId, tenantId), eq(numberLease.id, id), sql`${numberLease.releasedAt} is null`))
    .returning()
  return row
}
