import { and, asc, eq, inArray } from 'drizzle-orm'
import type { SimStatus, SimType } from '../../domain/inventory/sims.js'
import type { Executor } from '../database.js'
import type { Window } from '../paging.js'
import { afterKey, countAll } from '../paging.js'
import { sim } from '../schema/index.js'

export type SimRow = typeof sim.$inferSelect
export type SimPatch = Partial<Omit<SimRow, 'tenantId' | 'iccid' | 'type' | 'createdAt'>>

export interface SimFilter {
  statuses?: SimStatus[]
  types?: SimType[]
}

/** Rows per INSERT: 14 parameters each stays far below PostgreSQL's 65 535. */
const CHUNK = 1000

/** Inserts SIMs, skipping ICCIDs the tenant already has; answers how many were new. */
export async function insertSims(
  ex: Executor,
  rows: SimRow[],
  onProgress?: (written: number) => void,
): Promise<number> {
  let inserted = 0
  for (let i = 0; i < rows.length; i += CHUNK) {
    const done = await ex
      .insert(sim)
      .values(rows.slice(i, i + CHUNK))
      .onConflictDoNothing()
      .returning({ iccid: sim.iccid })
    inserted += done.length
    onProgress?.(Math.min(i + CHUNK, rows.length))
  }
  return inserted
}

const matching = (tenantId: string, f: SimFilter) =>
  and(
    eq(sim.tenantId, tenantId),
    f.statuses?.length ? inArray(sim.status, f.statuses) : undefined,
    f.types?.length ? inArray(sim.type, f.types) : undefined,
  )

export async function listSims(ex: Executor, tenantId: string, filter: SimFilter, window: Window): Promise<SimRow[]> {
  return ex
    .select()
    .from(sim)
    .where(and(matching(tenantId, filter), afterKey(sim.iccid, window)))
    .orderBy(asc(sim.iccid))
    .limit(window.limit)
    .offset(window.offset ?? 0)
}

export async function countSims(ex: Executor, tenantId: string, filter: SimFilter): Promise<number> {
  const [row] = await ex.select(countAll()).from(sim).where(matching(tenantId, filter))
  return row?.n ?? 0
}

export async function findSim(
  ex: Executor,
  tenantId: string,
  iccid: string,
  options: { lock?: boolean } = {},
): Promise<SimRow | undefined> {
  const query = ex
    .select()
    .from(sim)
    .where(and(eq(sim.tenantId, tenantId), eq(sim.iccid, iccid)))
  const [row] = options.lock ? await query.for('update') : await query
  return row
}

/** Locks one AVAILABLE SIM of a type (lowest ICCID first), skipping those another transaction holds. */
export async function pickAvailable(ex: Executor, tenantId: string, type: SimType): Promise<SimRow | undefined> {
  const [row] = await ex
    .select()
    .from(sim)
    .where(and(eq(sim.tenantId, tenantId), eq(sim.status, 'AVAILABLE'), eq(sim.type, type)))
    .orderBy(asc(sim.iccid))
    .limit(1)
    .for('update', { skipLocked: true })
  return row
}

export async function updateSim(ex: Executor, tenantId: string, iccid: string, patch: SimPatch): Promise<SimRow> {
  const [row] = await ex
    .update(sim)
    .set(patch)
    .where(and(eq(sim.tenantId, tenantId), eq(sim.iccid, iccid)))
    .returning()
  return row as SimRow
}

export async function simsOfSubscription(
  ex: Executor,
  tenantId: string,
  subscriptionId: string,
  statuses: SimStatus[],
  options: { lock?: boolean } = {},
): Promise<SimRow[]> {
  const query = ex
    .select()
    .from(sim)
    .where(and(eq(sim.tenantId, tenantId), eq(sim.subscriptionId, subscriptionId), inArray(sim.status, statuses)))
    .orderBy(asc(sim.iccid))
  return options.lock ? query.for('update') : query
}
