import { and, asc, eq, inArray } from 'drizzle-orm'
import type { CustomerUserRole } from '../../domain/parties/party.js'
import type { Executor } from '../database.js'
import { appUser, customerUser } from '../schema/index.js'

export type CustomerUserRow = typeof customerUser.$inferSelect

/** A customer's users with their names, in the order they were given access. */
export interface MemberRow {
  customerId: string
  userId: string
  name: string
  role: CustomerUserRole
}

export async function listMembers(ex: Executor, tenantId: string, customerIds: string[]): Promise<MemberRow[]> {
  if (customerIds.length === 0) return []
  return ex
    .select({
      customerId: customerUser.customerId,
      userId: customerUser.userId,
      name: appUser.name,
      role: customerUser.role,
    })
    .from(customerUser)
    .innerJoin(appUser, and(eq(appUser.tenantId, customerUser.tenantId), eq(appUser.id, customerUser.userId)))
    .where(and(eq(customerUser.tenantId, tenantId), inArray(customerUser.customerId, customerIds)))
    .orderBy(asc(customerUser.createdAt), asc(customerUser.userId))
}

/** The customers of each of these users, oldest access first. */
export async function listMemberships(
  ex: Executor,
  tenantId: string,
  userIds: string[],
): Promise<{ userId: string; customerId: string }[]> {
  if (userIds.length === 0) return []
  return ex
    .select({ userId: customerUser.userId, customerId: customerUser.customerId })
    .from(customerUser)
    .where(and(eq(customerUser.tenantId, tenantId), inArray(customerUser.userId, userIds)))
    .orderBy(asc(customerUser.createdAt), asc(customerUser.customerId))
}

export async function findMember(
  ex: Executor,
  tenantId: string,
  customerId: string,
  userId: string,
): Promise<CustomerUserRow | undefined> {
  const [row] = await ex
    .select()
    .from(customerUser)
    .where(
      and(
        eq(customerUser.tenantId, tenantId),
        eq(customerUser.customerId, customerId),
        eq(customerUser.userId, userId),
      ),
    )
  return row
}

/** Grants access, or changes the role of a user who already has it (keeping when access began). */
export async function upsertMember(ex: Executor, row: CustomerUserRow): Promise<void> {
  await ex
    .insert(customerUser)
    .values(row)
    .onConflictDoUpdate({
      target: [customerUser.tenantId, customerUser.customerId, customerUser.userId],
      set: { role: row.role, updatedAt: row.updatedAt },
    })
}

export async function insertMembers(ex: Executor, rows: CustomerUserRow[]): Promise<void> {
  if (rows.length > 0) await ex.insert(customerUser).values(rows)
}

export async function deleteMember(
  ex: Executor,
  tenantId: string,
  customerId: string,
  userId: string,
): Promise<boolean> {
  const deleted = await ex
    .delete(customerUser)
    .where(
      and(
        eq(customerUser.tenantId, tenantId),
        eq(customerUser.customerId, customerId),
        eq(customerUser.userId, userId),
      ),
    )
    .returning({ userId: customerUser.userId })
  return deleted.length === 1
}
