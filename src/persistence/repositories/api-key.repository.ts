import { and, asc, eq, isNull, lt, or, sql } from 'drizzle-orm'
import type { Tenant } from '../../domain/access/tenant.js'
import { compiled } from '../compiled.js'
import type { Executor } from '../database.js'
import type { Window } from '../paging.js'
import { afterKey, countAll } from '../paging.js'
import { apiKey, tenant } from '../schema/index.js'

export type ApiKeyRow = typeof apiKey.$inferSelect

export async function insertApiKey(ex: Executor, row: ApiKeyRow): Promise<void> {
  await ex.insert(apiKey).values(row)
}

const byId = and(eq(apiKey.tenantId, sql.placeholder('tenantId')), eq(apiKey.id, sql.placeholder('id')))

const keyWithTenant = compiled<{ tenantId: string; id: string }, { key: ApiKeyRow; tenant: Tenant }[]>(
  'api_key_with_tenant',
  (ex) => ex.select({ key: apiKey, tenant }).from(apiKey).innerJoin(tenant, eq(tenant.id, apiKey.tenantId)).where(byId),
)

/** The authentication read: one primary-key lookup that also brings the tenant (compiled once). */
export async function findApiKeyWithTenant(
  ex: Executor,
  tenantId: string,
  id: string,
): Promise<{ key: ApiKeyRow; tenant: Tenant } | undefined> {
  const [row] = await keyWithTenant.run(ex, { tenantId, id })
  return row
}

const keyById = compiled<{ tenantId: string; id: string }, ApiKeyRow[]>('api_key_by_id', (ex) =>
  ex.select().from(apiKey).where(byId),
)

/** A key by id (compiled once). */
export async function findApiKey(ex: Executor, tenantId: string, id: string): Promise<ApiKeyRow | undefined> {
  const [row] = await keyById.run(ex, { tenantId, id })
  return row
}

export async function listApiKeys(ex: Executor, tenantId: string, window: Window): Promise<ApiKeyRow[]> {
  return ex
    .select()
    .from(apiKey)
    .where(and(eq(apiKey.tenantId, tenantId), afterKey(apiKey.id, window)))
    .orderBy(asc(apiKey.id))
    .limit(window.limit)
    .offset(window.offset ?? 0)
}

export async function countApiKeys(ex: Executor, tenantId: string): Promise<number> {
  const [row] = await ex.select(countAll()).from(apiKey).where(eq(apiKey.tenantId, tenantId))
  return row?.n ?? 0
}

/** Every tenant's keys, oldest first: the operator's CLI listing. */
export async function listAllApiKeys(ex: Executor): Promise<ApiKeyRow[]> {
  return ex.select().from(apiKey).orderBy(asc(apiKey.createdAt), asc(apiKey.id))
}

/** Finds a key by id in any tenant: only the operator's CLI does this. */
export async function findApiKeyInAnyTenant(ex: Executor, id: string): Promise<ApiKeyRow | undefined> {
  const [row] = await ex.select().from(apiKey).where(eq(apiKey.id, id))
  return row
}

export async function revokeApiKey(
  ex: Executor,
  tenantId: string,
  id: string,
  now: Date,
): Promise<ApiKeyRow | undefined> {
  const [row] = await ex
    .update(apiKey)
    .set({ revokedAt: sql`coalesce(${apiKey.revokedAt}, ${now.toISOString()}::timestamptz)` })
    .where(and(eq(apiKey.tenantId, tenantId), eq(apiKey.id, id)))
    .returning()
  return row
}

/** Records use at most once per `staleBefore` window, so authentication is not a write per request. */
export async function touchApiKey(
  ex: Executor,
  tenantId: string,
  id: string,
  now: Date,
  staleBefore: Date,
): Promise<void> {
  await ex
    .update(apiKey)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(apiKey.tenantId, tenantId),
        eq(apiKey.id, id),
        or(isNull(apiKey.lastUsedAt), lt(apiKey.lastUsedAt, staleBefore)),
      ),
    )
}
