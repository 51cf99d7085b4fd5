import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import type { Executor } from '../database.js'
import type { Window } from '../paging.js'
import { afterKey, countAll } from '../paging.js'
import { appUser, customerUser } from '../schema/index.js'
import { containsAny } from '../search.js'

export type UserRow = typeof appUser.$inferSelect
export type UserPatch = Partial<Omit<UserRow, 'tenantId' | 'id' | 'createdAt'>>

export interface UserFilter {
  /** Users of any of these customers. */
  customerIds?: string[]
  /** Case-insensitive substring of the name, e-mail, msisdn or reference. */
  search?: string
}

export async function insertUser(ex: Executor, row: UserRow): Promise<void> {
  await ex.insert(appUser).values(row)
}

export async function findUser(ex: Executor, tenantId: string, id: string): Promise<UserRow | undefined> {
  const [row] = await ex
    .select()
    .from(appUser)
    .where(and(eq(appUser.tenantId, tenantId), eq(appUser.id, id)))
  return row
}

export async function findUserByReference(
  ex: Executor,
  tenantId: string,
  referenceId: string,
): Promise<UserRow | undefined> {
  const [row] = await ex
    .select()
    .from(appUser)
    .where(and(eq(appUser.tenantId, tenantId), eq(appUser.referenceId, referenceId)))
  return row
}

/** The row, locked until the transaction ends: the read of a read-modify-write. */
export async function lockUser(ex: Executor, tenantId: string, id: string): Promise<UserRow | undefined> {
  const [row] = await ex
    .select()
    .from(appUser)
    .where(and(eq(appUser.tenantId, tenantId), eq(appUser.id, id)))
    .for('update')
  return row
}

export async function findUsers(ex: Executor, tenantId: string, ids: string[]): Promise<UserRow[]> {
  if (ids.length === 0) return []
  return ex
    .select()
    .from(appUser)
    .where(and(eq(appUser.tenantId, tenantId), inArray(appUser.id, ids)))
}

const matching = (tenantId: string, filter: UserFilter) =>
  and(
    eq(appUser.tenantId, tenantId),
    filter.customerIds
      ? sql`exists (select 1 from ${customerUser} where ${customerUser.tenantId} = ${appUser.tenantId} and ${customerUser.userId} = ${appUser.id} and ${inArray(customerUser.customerId, filter.customerIds)})`
      : undefined,
    filter.search
      ? containsAny(filter.search, appUser.name, appUser.email, appUser.msisdn, appUser.referenceId)
      : undefined,
  )

export async function listUsers(
  ex: Executor,
  tenantId: string,
  filter: UserFilter,
  window: Window,
): Promise<UserRow[]> {
  return ex
    .select()
    .from(appUser)
    .where(and(matching(tenantId, filter), afterKey(appUser.id, window)))
    .orderBy(asc(appUser.id))
    .limit(window.limit)
    .offset(window.offset ?? 0)
}

export async function countUsers(ex: Executor, tenantId: string, filter: UserFilter): Promise<number> {
  const [row] = await ex.select(countAll()).from(appUser).where(matching(tenantId, filter))
  return row?.n ?? 0
}

export async function updateUser(
  ex: Executor,
  tenantId: string,
  id: string,
  patch: UserPatch,
): Promise<UserRow | undefined> {
  const [row] = await ex
    .update(appUser)
    .set(patch)
    .where(and(eq(appUser.tenantId, tenantId), eq(appUser.id, id)))
    .returning()
  return row
}

/** Marks users changed (their customers changed) and returns them as they are now. */
export async function touchUsers(ex: Executor, tenantId: string, ids: string[], now: Date): Promise<UserRow[]> {
  if (ids.length === 0) return []
  return ex
    .update(appUser)
    .set({ updatedAt: now })
    .where(and(eq(appUser.tenantId, tenantId), inArray(appUser.id, ids)))
    .returning()
}
