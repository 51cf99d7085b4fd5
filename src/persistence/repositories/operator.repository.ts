import { and, asc, eq, gte, inArray, isNull, lt, sql } from 'drizzle-orm'
import type { Executor } from '../database.js'
import { operator, operatorMembership, operatorSession, operatorSignInFailure, tenant } from '../schema/index.js'

export type OperatorRow = typeof operator.$inferSelect
export type MembershipRow = typeof operatorMembership.$inferSelect
export type SessionRow = typeof operatorSession.$inferSelect
import type { Role } from '../../domain/operators/roles.js'

export async function insertOperator(ex: Executor, row: OperatorRow): Promise<boolean> {
  const inserted = await ex.insert(operator).values(row).onConflictDoNothing().returning({ id: operator.id })
  return inserted.length > 0
}

export async function findOperatorByEmail(ex: Executor, email: string): Promise<OperatorRow | undefined> {
  const [row] = await ex.select().from(operator).where(eq(operator.email, email))
  return row
}

export async function updateOperator(
  ex: Executor,
  id: string,
  patch: Partial<Pick<OperatorRow, 'passwordHash' | 'disabledAt' | 'updatedAt'>>,
): Promise<OperatorRow | undefined> {
  const [row] = await ex.update(operator).set(patch).where(eq(operator.id, id)).returning()
  return row
}

export async function listOperators(ex: Executor): Promise<OperatorRow[]> {
  return ex.select().from(operator).orderBy(asc(operator.email))
}

/** Adds a membership, or changes its role when the operator already holds the tenant. */
export async function upsertMembership(ex: Executor, row: MembershipRow): Promise<void> {
  await ex
    .insert(operatorMembership)
    .values(row)
    .onConflictDoUpdate({
      target: [operatorMembership.tenantId, operatorMembership.operatorId],
      set: { role: row.role },
    })
}

/** The operators' memberships with their tenants' names, in one statement. */
export async function membershipsOf(
  ex: Executor,
  operatorIds: string[],
): Promise<{ operatorId: string; tenantId: string; tenantName: string; role: Role }[]> {
  if (operatorIds.length === 0) return []
  return ex
    .select({
      operatorId: operatorMembership.operatorId,
      tenantId: operatorMembership.tenantId,
      tenantName: tenant.name,
      role: operatorMembership.role,
    })
    .from(operatorMembership)
    .innerJoin(tenant, eq(tenant.id, operatorMembership.tenantId))
    .where(inArray(operatorMembership.operatorId, operatorIds))
    .orderBy(asc(tenant.name))
}

export async function insertSession(ex: Executor, row: SessionRow): Promise<void> {
  await ex.insert(operatorSession).values(row)
}

/**
 * The request's session with its operator, the tenant it looks at and the operator's role there,
 * in one statement: a session whose membership is gone comes back with no role.
 */
export async function findSession(ex: Executor, idHash: string) {
  const [row] = await ex
    .select({
      session: operatorSession,
      operator,
      tenant,
      role: operatorMembership.role,
    })
    .from(operatorSession)
    .innerJoin(operator, eq(operator.id, operatorSession.operatorId))
    .innerJoin(tenant, eq(tenant.id, operatorSession.tenantId))
    .leftJoin(
      operatorMembership,
      and(
        eq(operatorMembership.tenantId, operatorSession.tenantId),
        eq(operatorMembership.operatorId, operatorSession.operatorId),
      ),
    )
    .where(eq(operatorSession.idHash, idHash))
  return row
}

/** Records use at most once per `staleBefore` window, so a page view is not a write every time. */
export async function touchSession(ex: Executor, idHash: string, now: Date, staleBefore: Date): Promise<void> {
  await ex
    .update(operatorSession)
    .set({ lastSeenAt: now })
    .where(and(eq(operatorSession.idHash, idHash), lt(operatorSession.lastSeenAt, staleBefore)))
}

export async function switchSessionTenant(ex: Executor, idHash: string, tenantId: string): Promise<void> {
  await ex.update(operatorSession).set({ tenantId }).where(eq(operatorSession.idHash, idHash))
}

export async function revokeSession(ex: Executor, idHash: string, now: Date): Promise<void> {
  await ex
    .update(operatorSession)
    .set({ revokedAt: now })
    .where(and(eq(operatorSession.idHash, idHash), isNull(operatorSession.revokedAt)))
}

/** Ends every live session of an operator (disabled, or the password was reset). */
export async function revokeSessionsOf(ex: Executor, operatorId: string, now: Date): Promise<number> {
  const rows = await ex
    .update(operatorSession)
    .set({ revokedAt: now })
    .where(and(eq(operatorSession.operatorId, operatorId), isNull(operatorSession.revokedAt)))
    .returning({ id: operatorSession.idHash })
  return rows.length
}

export async function recordFailures(ex: Executor, rows: (typeof operatorSignInFailure.$inferSelect)[]): Promise<void> {
  await ex.insert(operatorSignInFailure).values(rows)
}

/** Failures per subject since `since`, in one statement. */
export async function countFailures(ex: Executor, subjects: string[], since: Date): Promise<Map<string, number>> {
  const rows = await ex
    .select({ subject: operatorSignInFailure.subject, n: sql<number>`count(*)::int` })
    .from(operatorSignInFailure)
    .where(and(inArray(operatorSignInFailure.subject, subjects), gte(operatorSignInFailure.at, since)))
    .groupBy(operatorSignInFailure.subject)
  return new Map(rows.map((r) => [r.subject, r.n]))
}

/** Forgets failures: a subject's on success, and everyone's older than the window. */
export async function clearFailures(ex: Executor, subject: string | undefined, before: Date): Promise<void> {
  await ex.delete(operatorSignInFailure).where(lt(operatorSignInFailure.at, before))
  if (subject !== undefined) await ex.delete(operatorSignInFailure).where(eq(operatorSignInFailure.subject, subject))
}
