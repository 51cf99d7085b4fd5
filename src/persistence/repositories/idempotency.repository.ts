import { and, eq, lte, ne, sql } from 'drizzle-orm'
import { compiled } from '../compiled.js'
import type { Executor } from '../database.js'
import { idempotencyKey } from '../schema/index.js'

export type IdempotencyRow = typeof idempotencyKey.$inferSelect

const COLUMNS = [
  'tenantId',
  'key',
  'state',
  'method',
  'route',
  'paramsHash',
  'bodyHash',
  'claimToken',
  'lockedUntil',
  'responseStatus',
  'responseHeaders',
  'responseBody',
  'createdAt',
  'completedAt',
  'expiresAt',
] as const satisfies readonly (keyof IdempotencyRow)[]

const claimStatement = compiled<IdempotencyRow, { key: string }[]>('idempotency_claim', (ex) =>
  ex
    .insert(idempotencyKey)
    .values(Object.fromEntries(COLUMNS.map((c) => [c, sql.placeholder(c)])) as unknown as IdempotencyRow)
    .onConflictDoNothing()
    .returning({ key: idempotencyKey.key }),
)

/** Inserts a claim unless the key exists; true when this call inserted it (compiled once). */
export async function insertClaim(ex: Executor, row: IdempotencyRow): Promise<boolean> {
  const inserted = await claimStatement.run(ex, row)
  return inserted.length === 1
}

export async function findForUpdate(ex: Executor, tenantId: string, key: string): Promise<IdempotencyRow | undefined> {
  const [row] = await ex
    .select()
    .from(idempotencyKey)
    .where(and(eq(idempotencyKey.tenantId, tenantId), eq(idempotencyKey.key, key)))
    .for('update')
  return row
}

export async function find(ex: Executor, tenantId: string, key: string): Promise<IdempotencyRow | undefined> {
  const [row] = await ex
    .select()
    .from(idempotencyKey)
    .where(and(eq(idempotencyKey.tenantId, tenantId), eq(idempotencyKey.key, key)))
  return row
}

/** Replaces an expired or abandoned record with a fresh claim. */
export async function replaceClaim(ex: Executor, row: IdempotencyRow): Promise<void> {
  const { tenantId, key, ...rest } = row
  await ex
    .update(idempotencyKey)
    .set(rest)
    .where(and(eq(idempotencyKey.tenantId, tenantId), eq(idempotencyKey.key, key)))
}

const completeStatement = compiled<
  {
    tenantId: string
    key: string
    claimToken: string
    status: number
    headers: Record<string, string>
    body: string
    now: Date
  },
  { key: string }[]
>('idempotency_complete', (ex) =>
  ex
    .update(idempotencyKey)
    .set({
      state: 'completed',
      responseStatus: sql.placeholder('status'),
      responseHeaders: sql.placeholder('headers'),
      responseBody: sql.placeholder('body'),
      completedAt: sql.placeholder('now'),
      lockedUntil: null,
    } as unknown as Partial<IdempotencyRow>)
    .where(
      and(
        eq(idempotencyKey.tenantId, sql.placeholder('tenantId')),
        eq(idempotencyKey.key, sql.placeholder('key')),
        eq(idempotencyKey.claimToken, sql.placeholder('claimToken')),
        eq(idempotencyKey.state, 'in_progress'),
      ),
    )
    .returning({ key: idempotencyKey.key }),
)

/** Stores the response; only the holder of the claim may. True when it did (compiled once). */
export async function complete(
  ex: Executor,
  claim: { tenantId: string; key: string; claimToken: string },
  response: { status: number; headers: Record<string, string>; body: string; now: Date },
): Promise<boolean> {
  const rows = await completeStatement.run(ex, {
    tenantId: claim.tenantId,
    key: claim.key,
    claimToken: claim.claimToken,
    ...response,
  })
  return rows.length === 1
}

/** Drops an unfinished claim (the request failed with a 5xx), so a retry can run. */
export async function release(
  ex: Executor,
  claim: { tenantId: string; key: string; claimToken: string },
): Promise<void> {
  await ex
    .delete(idempotencyKey)
    .where(
      and(
        eq(idempotencyKey.tenantId, claim.tenantId),
        eq(idempotencyKey.key, claim.key),
        eq(idempotencyKey.claimToken, claim.claimToken),
        eq(idempotencyKey.state, 'in_progress'),
      ),
    )
}

/** Expiry: drop stored responses of keys past their 24 hours, keep a small tombstone. */
export async function expire(ex: Executor, now: Date): Promise<number> {
  const rows = await ex
    .update(idempotencyKey)
    .set({ state: 'expired', responseBody: null, responseHeaders: null, lockedUntil: null })
    .where(and(lte(idempotencyKey.expiresAt, now), ne(idempotencyKey.state, 'expired')))
    .returning({ key: idempotencyKey.key })
  return rows.length
}

export async function deleteExpiredBefore(ex: Executor, before: Date): Promise<number> {
  const rows = await ex
    .delete(idempotencyKey)
    .where(and(eq(idempotencyKey.state, 'expired'), lte(idempotencyKey.expiresAt, before)))
    .returning({ key: idempotencyKey.key })
  return rows.length
}
